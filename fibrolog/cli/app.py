"""The `fibrolog` program: the Typer app, its commands by module, and the one error boundary
that turns every failure into one `Error:` line and the exit code of SPEC §8.

Commands live in modules by family (entries, views, files, …) and are loaded as they run
(`fibrolog.cli.lazy`).
"""

import os
import sys
from typing import Annotated, Any

import typer

from fibrolog import __version__
from fibrolog.cli.lazy import ClickException, Context, LazyGroup, NoSuchOption
from fibrolog.cli.options import RootDbOpt, recovery_advice
from fibrolog.errors import CorruptDiary, FibrologError

# Each command and the module of `fibrolog.cli` that defines it, in the order `--help` lists them.
COMMANDS = {
    "add": "entries",
    "list": "listing",
    "log": "listing",
    "show": "listing",
    "edit": "entries",
    "delete": "entries",
    "again": "daily",
    "status": "daily",
    "remind": "remind",
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


class FibrologGroup(LazyGroup):
    """`fibrolog` itself: commands by name, imported as used; every error ends here."""

    commands_by_module = COMMANDS

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
        except ClickException as error:
            # click's own usage errors, which echo what was typed (`--at`): made printable
            from fibrolog.text import printable

            error.message = printable(error.message)
            raise
        except (typer.TyperException, typer.Exit):
            raise  # click's own exits
        except FibrologError as error:
            from fibrolog.text import printable  # a name or value from a file, made printable

            typer.echo(printable(_error_line(error), keep_lines=True), err=True)
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
            from fibrolog.text import printable

            where = printable(where)
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
    cls=FibrologGroup,
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
    db: RootDbOpt = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """fibrolog: a private symptom diary for fibromyalgia. Start with: fibrolog add 5"""


def main() -> None:
    app(prog_name="fibrolog")
