"""What the commands share: their options (as `Annotated` types) and the steps several
commands take: find the diary, read the clock once, read the settings, check a value the user
typed, ask a question, print JSON, read the reviews of treatment courses, point the way out
of a damaged file.

Everything beyond Typer is imported inside the function that needs it, so that a command
loads only what it uses.
"""

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from fibrolog.cli.lazy import UsageError
from fibrolog.errors import UsageProblem

if TYPE_CHECKING:
    from datetime import date, datetime

    from fibrolog.analysis.review import Review
    from fibrolog.config import FlareSettings, Settings
    from fibrolog.models import Course
    from fibrolog.store.diary import Diary

T = TypeVar("T")


def command_family() -> typer.Typer:
    """The Typer app of one module of commands (plain help, like the main app)."""
    return typer.Typer(rich_markup_mode=None, add_completion=False)


DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Diary folder (default: $FIBROLOG_DB, else the platform data folder).",
        show_default=False,
        file_okay=False,
    ),
]
# The same option before the command; it alone reads $FIBROLOG_DB, so that a --db given after
# the command, then one before it, then the variable, is the order that counts.
RootDbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        envvar="FIBROLOG_DB",
        show_envvar=False,  # the help says it in words
        help="Diary folder (default: $FIBROLOG_DB, else the platform data folder).",
        show_default=False,
        file_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="When you felt this: 'yesterday 9pm', '2026-11-20 21:00', '-2h'."),
]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day: a date or phrase.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day: a date or phrase.")]
LastOpt = Annotated[str | None, typer.Option("--last", help="Span ending today: 7d, 4w, 3m, 1y.")]


def typed(parse: Callable[[str], T]) -> Callable[[str], T]:
    """A parser of user input as Typer's `parser=`: its complaint is the usage error."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except (UsageProblem, ValueError) as error:  # InvalidEntry is a ValueError
            raise typer.BadParameter(str(error)) from None

    convert.__name__ = parse.__name__
    return convert


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    """A Typer `parser=` of a whole number from `low` to `high` (or up), refusing in the
    user's words (click's own range check says "'x' is not a valid int range" and "x>=1")."""
    span = f"from {low} to {high}" if high is not None else f"({low} or more)"

    def whole_number(text: str) -> int:  # (click passes an option's default through too)
        try:
            value = int(str(text).strip())
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise typer.BadParameter(f"'{text}' is not a whole number {span}")
        return value

    return whole_number


def number(low: float, high: float) -> Callable[[str], float]:
    """The same for a number that may have decimals (a point or a comma: 2.5 or 2,5)."""

    def any_number(text: str) -> float:
        try:
            value = float(str(text).strip().replace(",", "."))
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise typer.BadParameter(f"'{text}' is not a number from {low:g} to {high:g}")
        return value

    return any_number


def checked(option: str, parse: Callable[[], T]) -> T:
    """Run a parser of user input; its complaint becomes click's usage error for `option`."""
    try:
        return parse()
    except (UsageProblem, ValueError) as error:  # InvalidEntry is a ValueError
        raise typer.BadParameter(str(error), param_hint=f"'{option}'") from None


def usage(message: str) -> NoReturn:
    """A usage error (exit 2) that is not about one option."""
    raise UsageError(message)


def open_diary(ctx: typer.Context, db: Path | None, merge_copies: bool = True) -> "Diary":
    """The diary the user means: --db (after or before the command), $FIBROLOG_DB, or the
    folder `diary` in the platform data folder.

    Conflict copies a sync tool left beside its files are merged into it first, and what
    was merged is said in one line on stderr (issue 19); `check`, which only reads, passes
    `merge_copies=False`. Finding none costs one directory listing."""
    from fibrolog.store.diary import Diary

    folder = chosen_folder(ctx, db) or data_folder() / "diary"
    timeout = float(os.environ.get("FIBROLOG_LOCK_TIMEOUT", "10"))
    diary = Diary(folder, lock_timeout=timeout)
    ctx.call_on_close(lambda: warn_set_aside(diary))
    if merge_copies:
        _merge_copies(diary)
    return diary


def warn_set_aside(diary: "Diary") -> None:
    """One line on stderr for each entry the command left out because it breaks a rule."""
    from fibrolog.text import printable

    for line in diary.set_aside.values():
        typer.echo(f"Warning: {printable(line)}", err=True)


def named_folder(ctx: typer.Context, db: Path | None) -> Path | None:
    """The diary folder named by --db on the command line (after or before the command), if
    any; not the one $FIBROLOG_DB names."""
    from fibrolog.cli.lazy import ParameterSource

    root = ctx.find_root()
    if db is None and root.get_parameter_source("db") == ParameterSource.COMMANDLINE:
        db = root.params["db"]
    return Path(db).expanduser() if db else None


def _merge_copies(diary: "Diary") -> None:
    try:
        names = os.listdir(diary.folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    if any(map(may_be_copy, names)):
        from fibrolog.store.combine import merge_copies

        for line in merge_copies(diary):
            typer.echo(line, err=True)


def may_be_copy(name: str) -> bool:
    """Whether a name in the diary folder may be a conflict copy, or git's note after a merge.

    A copy's name has a space, a dash or a second dot before ".json"; the diary's own files
    (`2026.json`, `meta.json` …) have none. Checked here, without importing the store's
    conflicts.py (which decides by the tools' exact namings), so that a folder without
    copies costs `add` a directory listing and nothing more."""
    return (name.endswith(".json") and not name[:-5].isalnum()) or name == ".merged-by-git"


def chosen_folder(ctx: typer.Context, db: Path | None) -> Path | None:
    """The diary folder named by --db (after or before the command) or $FIBROLOG_DB, if any."""
    folder = db or ctx.find_root().params.get("db")
    return Path(folder).expanduser() if folder else None


def data_folder() -> Path:
    """fibrolog's platform data folder (on Linux ~/.local/share/fibrolog, or $XDG_DATA_HOME)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("fibrolog"))


def clock(zone_rules: bool = True) -> "datetime":
    """The one reading of the clock a command makes (`zone_rules`: see `dates.now_here`)."""
    from fibrolog.dates import now_here

    return now_here(zone_rules)


def load_settings() -> "Settings":
    from fibrolog import config

    return config.load()


def print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def period(
    from_: str | None, to: str | None, last: str | None, now: "datetime"
) -> tuple["date | None", "date | None"]:
    """The days of --from/--to or --last; either end may stay open."""
    from fibrolog.dates import parse_date, parse_span

    if last is not None and from_ is not None:
        usage("give either --last or --from, not both")
    first = checked("--last", lambda: parse_span(last, now.date())) if last is not None else None
    if from_ is not None:
        first = checked("--from", lambda: parse_date(from_, now))
    end = checked("--to", lambda: parse_date(to, now)) if to is not None else None
    if first and end and first > end:
        usage(f"--from {first} is after --to {end}")
    return first, end


def from_to(from_: str | None, to: str | None, now: "datetime") -> tuple["date", "date"]:
    """A closed period from --from (required) and --to (default: today)."""
    if from_ is None:
        usage("--to needs --from")
    first, last = period(from_, to, None, now)
    assert first is not None
    return first, last or now.date()


def ask(label: str, parse: Callable[[str], T]) -> T | None:
    """Ask until the answer parses; Enter skips. Ctrl-C or Ctrl-D aborts the whole command."""
    while True:
        text = typer.prompt(label, default="", show_default=False, prompt_suffix=": ")
        if not text.strip():
            return None
        try:
            return parse(text)
        except (UsageProblem, ValueError) as error:  # InvalidEntry is a ValueError
            typer.echo(f"  {error} (Enter skips)", err=True)


def recovery_advice(diary: "Diary", path: Path) -> str:
    """The way out for a damaged file: the ways compared, with counts (store/recovery.py)."""
    from fibrolog.store.recovery import way_out

    return way_out(diary, path)


def read_reviews(
    diary: "Diary",
    chosen: Sequence["Course"],
    courses: Sequence["Course"],
    today: "date",
    settings: "FlareSettings",
    baseline: int = 28,
    skip: int = 14,
) -> list["Review"]:
    """The reviews of the `chosen` courses: see `queries.reviews`."""
    from fibrolog import queries

    return queries.reviews(diary, chosen, courses, today, settings, baseline, skip)
