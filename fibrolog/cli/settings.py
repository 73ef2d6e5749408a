"""`fibrolog config`: list, get, set and locate the settings."""

from typing import Annotated

import typer

from fibrolog.cli.options import checked, command_family

commands = command_family()
config_app = typer.Typer(rich_markup_mode=None, invoke_without_command=True)
commands.add_typer(config_app, name="config")


def _toml_value(value: object) -> str:
    """A setting's value as TOML, on one line."""
    import tomli_w

    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return tomli_w.dumps({"v": value})[4:].strip()


@config_app.callback()
def config_list(ctx: typer.Context) -> None:
    """Show all settings, or get, set and locate them.

    \b
    Examples:
      fibrolog config
      fibrolog config set flare.threshold 6.5
      fibrolog config set prompts pain,fatigue,where,note
    """
    if ctx.invoked_subcommand is None:
        from fibrolog import config
        from fibrolog.render.console import make_console
        from fibrolog.render.files import config_view

        flat = config.as_flat(config.load())
        make_console().print(config_view({k: _toml_value(v) for k, v in flat.items()}))


@config_app.command("get")
def config_get(
    key: Annotated[str, typer.Argument(metavar="KEY", help="A setting, e.g. week_start.")],
) -> None:
    """Print one setting.

    \b
    Example:
      fibrolog config get flare.threshold
    """
    from fibrolog import config

    typer.echo(_toml_value(checked("KEY", lambda: config.get(key))))


# A value such as -5 is the value, not an option: it reaches the setting's own check.
@config_app.command("set", context_settings={"ignore_unknown_options": True})
def config_set(
    key: Annotated[str, typer.Argument(metavar="KEY", help="A setting, e.g. week_start.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="Its new value.")],
) -> None:
    """Change one setting (checked before it is saved).

    \b
    Examples:
      fibrolog config set week_start sunday
      fibrolog config set flare.delta 1.5
    """
    from fibrolog import config

    checked("KEY", lambda: config.known(key))
    stored = checked("VALUE", lambda: config.set_value(key, value))
    if key.startswith(config.PRESET) and not stored.strip():
        typer.echo(f"{key} removed")
        return
    typer.echo(f"{key} = {_toml_value(list(stored) if isinstance(stored, tuple) else stored)}")


@config_app.command("path")
def config_path_command() -> None:
    """Print where the settings file lives.

    \b
    Example:
      fibrolog config path
    """
    from fibrolog.config import config_path

    typer.echo(str(config_path()))
