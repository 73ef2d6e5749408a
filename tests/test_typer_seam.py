"""What fibrolog relies on in Typer, checked on its own so that an upgrade fails here, loudly,
and not as a puzzling failure somewhere in a command (fibrolog/cli/lazy.py)."""

from typing import ClassVar

import pytest
import typer
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

from fibrolog.cli.app import COMMANDS
from fibrolog.cli.lazy import (
    ClickException,
    Command,
    Context,
    LazyGroup,
    NoSuchOption,
    ParameterSource,
    UsageError,
    load_command,
)


def family() -> typer.Typer:
    commands = typer.Typer(rich_markup_mode=None, add_completion=False)

    @commands.command()
    def hello(name: str = "you") -> None:
        """Say hello."""
        typer.echo(f"hello {name}")

    @commands.command("good-bye")
    def bye() -> None:
        typer.echo("bye")

    group = typer.Typer()
    commands.add_typer(group, name="care", help="A group of commands.")

    @group.command()
    def start() -> None:
        typer.echo("started")

    return commands


def test_a_typer_holds_its_commands_and_groups_as_public_attributes() -> None:
    commands = family()
    assert [info.callback.__name__ for info in commands.registered_commands if info.callback] == [
        "hello",
        "bye",
    ]
    assert [info.name for info in commands.registered_commands] == [None, "good-bye"]
    assert [group.name for group in commands.registered_groups] == ["care"]


def test_a_typer_of_one_command_is_that_command_and_of_one_group_holds_it() -> None:
    commands = family()
    one = typer.Typer(add_completion=False)
    one.registered_commands = [commands.registered_commands[0]]
    command = typer.main.get_command(one)
    assert isinstance(command, Command) and not isinstance(command, TyperGroup)
    assert command.name == "hello" and [p.name for p in command.params] == ["name"]
    one = typer.Typer()
    one.registered_groups = commands.registered_groups
    holder = typer.main.get_command(one)
    assert isinstance(holder, TyperGroup)
    assert isinstance(holder.commands["care"], TyperGroup)
    assert list(holder.commands["care"].commands) == ["start"]  # type: ignore[attr-defined]


def test_click_errors_are_the_vendored_classes_typer_raises() -> None:
    app = typer.Typer()

    @app.command()
    def hello(name: str = "you") -> None:
        typer.echo(name)

    group = typer.main.get_command(app)
    with pytest.raises(NoSuchOption) as raised:
        group.main(["--nme", "x"], standalone_mode=False)
    assert raised.value.option_name == "--nme"
    assert isinstance(raised.value, UsageError) and isinstance(raised.value, typer.TyperException)
    assert isinstance(raised.value.ctx, Context)
    assert raised.value.possibilities == ["--name"]
    assert isinstance(raised.value, ClickException)


def test_a_context_says_where_a_value_came_from() -> None:
    app = typer.Typer()
    seen: list[object] = []

    @app.command()
    def hello(ctx: typer.Context, name: str = typer.Option("you", envvar="HELLO_NAME")) -> None:
        seen.append(ctx.get_parameter_source("name"))

    CliRunner().invoke(app, ["--name", "x"])
    CliRunner().invoke(app, [], env={"HELLO_NAME": "y"})
    assert seen == [ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT]


def test_the_lazy_group_suggests_the_command_meant() -> None:
    class Group(LazyGroup):
        commands_by_module: ClassVar = {"add": "entries", "treatment": "treatments"}

    app = typer.Typer(cls=Group)

    @app.callback()
    def main() -> None:
        """fibrolog"""

    result = CliRunner().invoke(app, ["tratment"])
    assert result.exit_code == 2
    assert "Did you mean 'treatment'?" in result.output


def test_every_command_loads_by_its_name() -> None:
    for name, module in COMMANDS.items():
        command = load_command(module, name)
        assert isinstance(command, Command), name
        assert command.callback is not None or isinstance(command, TyperGroup), name
        assert "install_completion" not in {p.name for p in command.params}, name
