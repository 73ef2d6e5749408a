"""The `fibrolog` program: the Typer app, its commands loaded as they run, and the one error
boundary that turns every failure into one `Error:` line and the exit code of SPEC §8.

Commands live in modules by family (entries, views, files, …). The app knows each command's
name and its module; a module is imported, and the command turned into a click command, only
when it runs (the pattern of click's documentation, "Lazily Loading Subcommands"). `--help`
loads them all to show each one's help.
"""

import functools
import os
import sys
from importlib import import_module
from typing import Annotated, Any

import typer
import typer.main

# typer 0.28 vendors click (pinned in pyproject)
from typer._click.core import Command, Context
from typer._click.exceptions import NoSuchOption, UsageError
from typer.core import TyperGroup

from fibrolog import __version__
from fibrolog.cli.options import DbOpt, recovery_advice
from fibrolog.errors import CorruptDiary, FibrologError

# Each command and the module of `fibrolog.cli` that defines it, in the order `--help` lists them.
COMMANDS = {
    "add": "entries",
    "list": "entries",
    "log": "entries",
    "show": "entries",
    "edit": "entries",
    "delete": "entries",
    "summary": "views",
    "flares": "views",
    "insights": "views",
    "report": "views",
    "treatment": "treatments",
    "assess": "selfassess",
    "fiqr": "selfassess",
    "assessments": "selfassess",
    "export": "files",
    "import": "files",
    "check": "files",
    "backups": "files",
    "restore": "files",
    "salvage": "files",
    "info": "files",
    "merge": "sync",
    "merge-driver": "sync",
    "sync": "sync",
    "config": "settings",
    "demo": "demo",
}

# Option names a user may reach for, and the options they mean (those the command has). click
# suggests by spelling alone, which points `--areas` at `--flare`.
MEANT_OPTIONS = {
    **dict.fromkeys(["--area", "--areas", "--region", "--regions", "--body"], ("--where",)),
    **dict.fromkeys(["--date", "--day", "--when"], ("--at", "--on", "--week", "--from", "--to")),
    "--time": ("--at",),
    **dict.fromkeys(["--since", "--start"], ("--from", "--on")),
    **dict.fromkeys(["--until", "--end"], ("--to",)),
    **dict.fromkeys(["--trigger", "--triggers", "--tags"], ("--tag",)),
    **dict.fromkeys(["--meds", "--medication", "--drug"], ("--med",)),
    **dict.fromkeys(["--notes", "--comment"], ("--note",)),
    "--sleep": ("--sleep-hours", "--sleep-quality"),
}


@functools.cache
def load_command(name: str) -> Command:
    """Import the module that defines command `name` and turn that one command into a click
    command. (`typer.main.get_command` would convert every command of the module: for the
    entries family that is ~20 M instructions, 5 ms, more than `add` spends on the diary.)"""
    family = import_module(f"fibrolog.cli.{COMMANDS[name]}").commands
    for info in family.registered_commands:
        assert info.callback is not None
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
            return typer.main.get_command_from_info(
                info, pretty_exceptions_short=False, rich_markup_mode=None
            )
    group = next(g for g in family.registered_groups if g.name == name)
    return typer.main.get_group_from_info(
        group, pretty_exceptions_short=False, suggest_commands=True, rich_markup_mode=None
    )


class LazyGroup(TyperGroup):
    """`fibrolog` itself: commands by name, imported as used; every error ends here."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        return load_command(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            import difflib

            close = difflib.get_close_matches(args[0], COMMANDS) if args else []
            if close and "Did you mean" not in error.message:
                error.message = f"{error.message.rstrip('.')}. Did you mean {close[0]!r}?"
            raise

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except NoSuchOption as error:
            if error.ctx is not None:
                have = {n for p in error.ctx.command.params for n in (*p.opts, *p.secondary_opts)}
                meant = [name for name in MEANT_OPTIONS.get(error.option_name, ()) if name in have]
                error.possibilities = meant or error.possibilities
            raise
        except typer.Abort as error:
            # A question answered "no", or Ctrl-C / Ctrl-D at a prompt: every command asks
            # before it changes anything, so say so (click would print "Aborted!").
            interrupted = isinstance(error.__context__, KeyboardInterrupt | EOFError)
            typer.echo(("\n" if interrupted else "") + "Cancelled: nothing was changed.", err=True)
            raise typer.Exit(1) from None
        except (typer.TyperException, typer.Exit):
            raise  # click's own usage errors and exits
        except FibrologError as error:
            typer.echo(_error_line(error), err=True)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`fibrolog list | head`): stop quietly, and send what is
            # still buffered nowhere so that Python does not complain about it at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as error:
            # The system refused a file operation (a folder that cannot be made, a full disk,
            # no permission): say which path and why. Every write is atomic, so nothing is
            # half written.
            where = f"cannot use {error.filename}: " if error.filename else ""
            typer.echo(f"Error: {where}{error.strerror or type(error).__name__}", err=True)
            raise typer.Exit(1) from None
        except Exception as error:
            # Never print the message or locals of an unexpected error: they may hold notes.
            typer.echo(
                f"Error: unexpected internal error ({type(error).__name__}); please report it. "
                "Set FIBROLOG_DEBUG=1 to see where it happened.",
                err=True,
            )
            if os.environ.get("FIBROLOG_DEBUG"):
                import traceback

                typer.echo("".join(traceback.format_tb(error.__traceback__)), err=True)
            raise typer.Exit(1) from None


def _error_line(error: FibrologError) -> str:
    """The one line an error prints; for a damaged diary file, with the way out."""
    message = str(error)
    path = getattr(error, "path", None)
    if not isinstance(error, CorruptDiary) or path is None:
        return f"Error: {message}"
    from fibrolog.store.diary import Diary

    return f"Error: {message.rstrip('.')}. {recovery_advice(Diary(path.parent), path)}"


app = typer.Typer(
    name="fibrolog",
    cls=LazyGroup,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fibrolog {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: DbOpt = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """fibrolog: a private symptom diary for fibromyalgia. Start with: fibrolog add 5"""


def main() -> None:
    app(prog_name="fibrolog")
