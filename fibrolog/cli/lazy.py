"""Commands loaded as they run, through Typer's public API.

The app knows each command's name and the module of `fibrolog.cli` that defines it; the module
is imported, and that one command turned into a click command, only when it runs (the pattern of
click's documentation, "Lazily Loading Subcommands"). `--help` loads them all.

Typer vendors click (since 0.26) and re-exports neither `ClickException`, `UsageError`,
`NoSuchOption` nor `ParameterSource` (fastapi/typer#1867): this is the one module that takes
them from `typer._click`, and tests/test_typer_seam.py fails loudly if an upgrade moves
anything relied on here.
"""

import functools
from collections.abc import Mapping
from importlib import import_module

import typer
import typer.main
from typer._click.core import Command, Context, ParameterSource
from typer._click.exceptions import ClickException, NoSuchOption, UsageError
from typer.core import TyperGroup

__all__ = [
    "ClickException",
    "Command",
    "Context",
    "LazyGroup",
    "NoSuchOption",
    "ParameterSource",
    "UsageError",
    "load_command",
]


def load_command(module: str, name: str) -> Command:
    """Import `fibrolog.cli.<module>` and turn its command (or group of commands) `name` into a
    click command. Only that one is converted: `typer.main.get_command` of the whole family
    would convert every command in it (for the entries family ~5 ms, more than `add` spends
    on the diary)."""
    return _load(module, name)


@functools.cache
def _load(module: str, name: str) -> Command:
    family: typer.Typer = import_module(f"fibrolog.cli.{module}").commands
    one = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
    for info in family.registered_commands:
        assert info.callback is not None
        if (info.name or info.callback.__name__.replace("_", "-")) == name:
            # A Typer of one command is that command (Typer's "single command" app).
            one.registered_commands = [info]
            return typer.main.get_command(one)
    group = next(g for g in family.registered_groups if g.name == name)
    one.registered_groups = [group]
    holder = typer.main.get_command(one)
    assert isinstance(holder, TyperGroup)
    return holder.commands[name]


class LazyGroup(TyperGroup):
    """A group whose commands are imported as they are used; a typo gets "Did you mean".

    A subclass sets `commands_by_module`: each command's name → its module of `fibrolog.cli`,
    in the order `--help` lists them.
    """

    commands_by_module: Mapping[str, str] = {}

    def list_commands(self, ctx: Context) -> list[str]:
        return list(self.commands_by_module)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        module = self.commands_by_module.get(cmd_name)
        return load_command(module, cmd_name) if module else None

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            import difflib

            close = difflib.get_close_matches(args[0], self.commands_by_module) if args else []
            if close and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {close[0]!r}?"
            raise
