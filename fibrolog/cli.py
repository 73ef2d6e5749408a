"""The command line: each command reads its options, calls the diary or analysis once, and
hands the result to render/export. Errors become one `Error:` line here, and nowhere else.

Start-up time matters (a user in pain is waiting), so this module imports only Typer at load
time; everything else is imported inside the command that needs it.
"""

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
import typer.main
from typer._click.exceptions import UsageError  # typer 0.28 vendors click; pinned in pyproject
from typer.core import TyperGroup

from fibrolog import __version__
from fibrolog.errors import FibrologError, UsageProblem

if TYPE_CHECKING:
    from datetime import date, datetime

    from fibrolog.config import Settings
    from fibrolog.models import Entry
    from fibrolog.store import Diary

T = TypeVar("T")


class _Group(TyperGroup):
    """Turns every error into one line on stderr and the exit code of SPEC §8."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.TyperException, typer.Exit, typer.Abort):
            raise  # click's own usage errors, exits and aborts
        except FibrologError as error:
            typer.echo(f"Error: {error}{_recovery_advice(error)}", err=True)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # The reader went away (`fibrolog list | head`): stop quietly, and send what is
            # still buffered nowhere so that Python does not complain about it at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
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


def _recovery_advice(error: FibrologError) -> str:
    """For a damaged diary file: the newest backup with a good copy and how to restore it."""
    from fibrolog.errors import CorruptDiary

    path = getattr(error, "path", None)
    if not isinstance(error, CorruptDiary) or path is None:
        return ""
    from fibrolog.store import Diary

    backup = Diary(path.parent).good_backup_of(path)
    if backup is None:
        return " No backup holds a good copy of it; `fibrolog check` shows what is wrong."
    return (
        f" Newest good backup: {backup.path.name} ({backup.made:%Y-%m-%d %H:%M}); restore it with: "
        f"fibrolog --db {path.parent} restore {backup.path.name} --file {path.name}"
    )


class _Commands(Mapping[str, Any]):
    """The top-level commands by name, each turned from Typer into a click command on first use.

    Typer converts every command of a group, reading each function's signature, on every run:
    for fibrolog's twenty-odd commands that is ~10 ms, more than an `add` spends on the diary.
    A run needs one command, and `--help` asks for each in turn. Names are known without
    converting anything, so unknown-command suggestions still work.
    """

    def __init__(self, registry: typer.Typer) -> None:
        self._infos: dict[str, typer.models.CommandInfo | typer.models.TyperInfo] = {}
        for command in registry.registered_commands:
            assert command.callback is not None
            name = command.name or typer.main.get_command_name(command.callback.__name__)
            self._infos[name] = command
        for group in registry.registered_groups:
            assert isinstance(group.name, str)
            self._infos[group.name] = group
        self._converted: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._converted:
            info = self._infos[name]
            # get_*_from_info are typer.main's own converters (typer is pinned below 0.29).
            if isinstance(info, typer.models.TyperInfo):
                self._converted[name] = typer.main.get_group_from_info(
                    info,
                    pretty_exceptions_short=False,
                    suggest_commands=True,
                    rich_markup_mode=None,
                )
            else:
                self._converted[name] = typer.main.get_command_from_info(
                    command_info=info, pretty_exceptions_short=False, rich_markup_mode=None
                )
        return self._converted[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


class _MainGroup(_Group):
    """`fibrolog` itself: its commands come from `commands`, converted as they are used."""

    def __init__(self, **attrs: Any) -> None:
        assert not attrs.get("commands"), "register commands with @command(), not @app.command()"
        super().__init__(**attrs)
        self.commands = _Commands(commands)  # type: ignore[assignment]


# Commands register here (`@command()`); `app` is the program, with `--db` and `--version`.
commands = typer.Typer()
command = commands.command

app = typer.Typer(
    cls=_MainGroup,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="fibrolog: a private symptom diary for fibromyalgia. Start with: fibrolog add 5",
)


# -- options shared by several commands ----------------------------------------------------

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Diary folder (default: $FIBROLOG_DB, else the platform data folder).",
        show_default=False,
        file_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PainOpt = Annotated[
    int | None, typer.Option("--pain", "-p", min=0, max=10, help="Overall pain, 0 none … 10 worst.")
]
FatigueOpt = Annotated[
    int | None,
    typer.Option("--fatigue", "-f", min=0, max=10, help="Fatigue 0–10, higher is worse."),
]
FogOpt = Annotated[
    int | None, typer.Option("--fog", min=0, max=10, help="Fibro fog 0–10, higher is worse.")
]
StiffnessOpt = Annotated[
    int | None,
    typer.Option("--stiffness", "-s", min=0, max=10, help="Stiffness 0–10, higher is worse."),
]
SleepHoursOpt = Annotated[
    float | None,
    typer.Option("--sleep-hours", min=0, max=24, help="Hours slept last night."),
]
SleepQualityOpt = Annotated[
    int | None,
    typer.Option("--sleep-quality", min=0, max=10, help="Last night's sleep, 0 worst … 10 best."),
]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option("--where", "-w", help="Painful areas: neck,lower-back,shoulders … (repeatable)."),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option("--tag", "-t", help="Trigger or context tag (repeatable); @words in notes too."),
]
MedOpt = Annotated[
    list[str] | None, typer.Option("--med", "-m", help='Med taken: "NAME [DOSE]" (repeatable).')
]
SymptomOpt = Annotated[
    list[str] | None,
    typer.Option("--symptom", help="Another symptom: NAME=SCORE, e.g. headache=6 (repeatable)."),
]
FlareOpt = Annotated[
    bool | None,
    typer.Option("--flare/--no-flare", help="Mark (or unmark) a flare.", show_default=False),
]
NoteOpt = Annotated[
    str | None, typer.Option("--note", "-n", help="Free text; '-' reads it from standard input.")
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="When you felt this: 'yesterday 9pm', '2026-11-20 21:00', '-2h'."),
]
FromOpt = Annotated[str | None, typer.Option("--from", help="First day: a date or phrase.")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last day: a date or phrase.")]
LastOpt = Annotated[str | None, typer.Option("--last", help="Span ending today: 7d, 4w, 3m, 1y.")]


# -- helpers --------------------------------------------------------------------------------


def _checked(option: str, parse: Callable[[], T]) -> T:
    """Run a parser of user input; its complaint becomes click's usage error for `option`."""
    try:
        return parse()
    except (UsageProblem, ValueError) as error:  # InvalidEntry is a ValueError
        raise typer.BadParameter(str(error), param_hint=f"'{option}'") from None


def _usage(message: str) -> NoReturn:
    raise UsageError(message)


def _diary(ctx: typer.Context, db: Path | None) -> "Diary":
    from fibrolog.store import Diary

    folder = db or ctx.find_root().params.get("db")
    if folder is None and os.environ.get("FIBROLOG_DB"):
        folder = Path(os.environ["FIBROLOG_DB"])
    if folder is None:
        from fibrolog.places import user_folder

        folder = user_folder("data") / "diary"
    timeout = float(os.environ.get("FIBROLOG_LOCK_TIMEOUT", "10"))
    return Diary(Path(folder).expanduser(), lock_timeout=timeout)


def _now() -> "datetime":
    from fibrolog.dates import now_here

    return now_here()


def _settings() -> "Settings":
    from fibrolog import config

    return config.load()


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _period(
    from_: str | None, to: str | None, last: str | None, now: "datetime"
) -> tuple["date | None", "date | None"]:
    from fibrolog.dates import parse_date, parse_span

    if last and from_:
        _usage("give either --last or --from, not both")
    first = _checked("--last", lambda: parse_span(last, now.date())) if last else None
    if from_:
        first = _checked("--from", lambda: parse_date(from_, now))
    end = _checked("--to", lambda: parse_date(to, now)) if to else None
    if first and end and first > end:
        _usage(f"--from {first} is after --to {end}")
    return first, end


def _from_to(from_: str | None, to: str | None, now: "datetime") -> tuple["date", "date"]:
    """A closed period from --from (required) and --to (default: today)."""
    if not from_:
        _usage("--to needs --from")
    first, last = _period(from_, to, None, now)
    assert first is not None
    return first, last or now.date()


def _read_note(note: str | None) -> str | None:
    if note == "-":
        return sys.stdin.read().rstrip("\n")
    return note


def _parse_tags(values: Sequence[str]) -> list[str]:
    from fibrolog.models import normalise_tag

    return [normalise_tag(t) for v in values for t in v.replace(",", " ").split()]


def _parse_meds(values: Sequence[str]) -> tuple[Any, ...]:
    from fibrolog.models import Med

    meds = []
    for value in values:
        med = Med.parse(value)
        meds.append(Med(med.name.lower(), med.dose))
    return tuple(dict.fromkeys(meds))


def _parse_symptoms(values: Sequence[str]) -> dict[str, int]:
    from fibrolog.models import InvalidEntry, check_score, check_slug

    symptoms = {}
    for value in values:
        for item in value.replace(",", " ").split():
            name, sep, score = item.partition("=")
            if not sep or not score.strip().isdigit():
                raise InvalidEntry(f"'{item}' should be NAME=SCORE, like headache=6")
            symptoms[check_slug("symptom", name.strip().lower())] = check_score(name, int(score))
    return symptoms


def _collect(
    *,
    pain: int | None,
    fatigue: int | None,
    fog: int | None,
    stiffness: int | None,
    sleep_hours: float | None,
    sleep_quality: int | None,
    where: list[str] | None,
    tag: list[str] | None,
    med: list[str] | None,
    symptom: list[str] | None,
    flare: bool | None,
    note: str | None,
) -> dict[str, Any]:
    """The entry fields the user gave, checked; fields not given are absent."""
    from fibrolog.regions import parse_areas

    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("pain", pain),
            ("fatigue", fatigue),
            ("fog", fog),
            ("stiffness", stiffness),
            ("sleep_quality", sleep_quality),
            ("flare", flare),
        )
        if value is not None
    }
    if sleep_hours is not None:
        given["sleep_hours"] = round(float(sleep_hours), 2)
    if where:
        given["regions"] = _checked("--where", lambda: parse_areas(where))
    if tag:
        given["tags"] = _checked("--tag", lambda: _parse_tags(tag))
    if med:
        given["meds"] = _checked("--med", lambda: _parse_meds(med))
    if symptom:
        given["symptoms"] = _checked("--symptom", lambda: _parse_symptoms(symptom))
    if note is not None:
        given["note"] = _read_note(note)
    return given


def _with_note_tags(fields: dict[str, Any]) -> dict[str, Any]:
    """Tags from @words in the note join the given tags; tags become a sorted unique tuple."""
    from fibrolog.models import tags_in_note

    tags = set(fields.get("tags", ()))
    tags.update(tags_in_note(fields.get("note", "")))
    fields["tags"] = tuple(sorted(tags))
    return fields


# -- interactive prompts --------------------------------------------------------------------


def _ask(label: str, parse: Callable[[str], T]) -> T | None:
    """Ask until the answer parses; Enter skips. Ctrl-C or Ctrl-D aborts the whole entry."""
    from fibrolog.models import InvalidEntry

    while True:
        text = typer.prompt(label, default="", show_default=False, prompt_suffix=": ")
        if not text.strip():
            return None
        try:
            return parse(text)
        except (UsageProblem, InvalidEntry, ValueError) as error:
            typer.echo(f"  {error} (Enter skips)", err=True)


def _score_answer(name: str) -> Callable[[str], int]:
    from fibrolog.models import check_score

    def parse(text: str) -> int:
        if not text.strip().isdigit():
            raise ValueError(f"{name} is a whole number from 0 to 10")
        return check_score(name, int(text))

    return parse


def _hours_answer(text: str) -> float:
    hours = float(text.strip().rstrip("h"))
    if not 0 <= hours <= 24:
        raise ValueError("hours of sleep are from 0 to 24")
    return round(hours, 2)


def _prompt_fields(prompts: Sequence[str], first_of_day: bool) -> dict[str, Any]:
    from fibrolog.regions import parse_areas

    typer.echo("How are you right now? Press Enter to skip a question, Ctrl-C to cancel.")
    fields: dict[str, Any] = {}
    labels = {
        "pain": "Pain 0–10",
        "fatigue": "Fatigue 0–10",
        "fog": "Fibro fog 0–10",
        "stiffness": "Stiffness 0–10",
    }
    for prompt in prompts:
        answer: Any = None
        if prompt in labels:
            answer = _ask(labels[prompt], _score_answer(prompt))
        elif prompt == "sleep":
            if first_of_day:
                hours = _ask("Hours slept last night", _hours_answer)
                quality = _ask("Sleep quality 0–10 (10 = best)", _score_answer("sleep quality"))
                if hours is not None:
                    fields["sleep_hours"] = hours
                if quality is not None:
                    fields["sleep_quality"] = quality
            continue
        elif prompt == "where":
            answer = _ask(
                "Painful areas (e.g. neck, lower-back, shoulders)", lambda t: parse_areas([t])
            )
            prompt = "regions"
        elif prompt == "tags":
            answer = _ask("Tags (e.g. stress weather)", lambda t: _parse_tags([t]))
        elif prompt == "meds":
            answer = _ask(
                "Meds taken (e.g. pregabalin 75mg, ibuprofen)", lambda t: _parse_meds(t.split(","))
            )
        elif prompt == "symptoms":
            answer = _ask("Other symptoms (e.g. headache=6 ibs=3)", lambda t: _parse_symptoms([t]))
        elif prompt == "flare":
            answer = typer.confirm("Are you in a flare?", default=False) or None
        elif prompt == "note":
            answer = _ask("Note", str)
        if answer is not None and answer != () and answer != {}:
            fields[prompt] = answer
    return fields


# -- commands -------------------------------------------------------------------------------


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


@command()
def add(
    ctx: typer.Context,
    pain_arg: Annotated[
        int | None,
        typer.Argument(metavar="[PAIN]", min=0, max=10, help="Pain 0–10.", show_default=False),
    ] = None,
    pain: PainOpt = None,
    fatigue: FatigueOpt = None,
    fog: FogOpt = None,
    stiffness: StiffnessOpt = None,
    sleep_hours: SleepHoursOpt = None,
    sleep_quality: SleepQualityOpt = None,
    where: WhereOpt = None,
    tag: TagOpt = None,
    med: MedOpt = None,
    symptom: SymptomOpt = None,
    flare: FlareOpt = None,
    note: NoteOpt = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Record how you feel now (or --at another time). With no values, asks on a terminal.

    \b
    Examples:
      fibrolog add 6 -f 7 -w neck,shoulders -t stress -n "bad night"
      fibrolog add --flare --at "yesterday 9pm" -m "pregabalin 75mg"
      fibrolog add            (asks question by question)
    """
    import uuid

    from fibrolog.dates import parse_at
    from fibrolog.models import Entry, InvalidEntry

    if pain_arg is not None and pain is not None and pain_arg != pain:
        _usage(f"pain given twice ({pain_arg} and --pain {pain}); give it once")
    now = _now()
    moment = _checked("--at", lambda: parse_at(at, now)) if at else now
    fields = _collect(
        pain=pain if pain is not None else pain_arg,
        fatigue=fatigue,
        fog=fog,
        stiffness=stiffness,
        sleep_hours=sleep_hours,
        sleep_quality=sleep_quality,
        where=where,
        tag=tag,
        med=med,
        symptom=symptom,
        flare=flare,
        note=note,
    )
    if fields.get("flare") is False:
        del fields["flare"]  # --no-flare on a new entry is the default, not something to record
    diary = _diary(ctx, db)
    if not fields:
        if not sys.stdin.isatty():
            _usage(
                'nothing to record: give a value, e.g. `fibrolog add 6 -f 7 -n "note"` '
                "(questions are asked only on a terminal)"
            )
        first_of_day = not diary.has_entries_on(moment.date())
        fields = _prompt_fields(_settings().prompts, first_of_day)
        if not fields:
            typer.echo("Nothing entered, so nothing was logged.")
            return
    try:
        entry = Entry.build(uid=uuid.uuid4().hex, at=moment, logged=now, **_with_note_tags(fields))
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    stored = diary.add(entry)
    if json_:
        _print_json(stored.to_dict())
    else:
        from fibrolog.text import headline

        typer.echo(f"Logged {headline(stored)}")


def _list(
    ctx: typer.Context,
    from_: str | None,
    to: str | None,
    last: str | None,
    tag: list[str] | None,
    where: list[str] | None,
    min_pain: int | None,
    flare_only: bool,
    limit: int,
    json_: bool,
    db: Path | None,
) -> None:
    from fibrolog.regions import parse_areas

    now = _now()
    first, end = _period(from_, to, last, now)
    tags = set(_checked("--tag", lambda: _parse_tags(tag))) if tag else set()
    areas = set(_checked("--where", lambda: parse_areas(where))) if where else set()

    def keep(entry: "Entry") -> bool:
        return (
            (not tags or bool(tags & set(entry.tags)))
            and (not areas or bool(areas & set(entry.regions)))
            and (min_pain is None or (entry.pain is not None and entry.pain >= min_pain))
            and (not flare_only or entry.flare)
        )

    entries = _diary(ctx, db).newest(limit or None, keep, first, end)
    if json_:
        from fibrolog.export import json_array

        sys.stdout.writelines(json_array(e.to_dict() for e in entries))
        sys.stdout.write("\n")
        return
    from fibrolog.render import print_entries

    hint = f"The newest {limit} shown; -n 0 shows all." if limit and len(entries) == limit else ""
    print_entries(entries, hint)


ListTag = Annotated[
    list[str] | None, typer.Option("--tag", "-t", help="Only entries with this tag.")
]
ListWhere = Annotated[
    list[str] | None, typer.Option("--where", "-w", help="Only entries with this area.")
]
MinPain = Annotated[int | None, typer.Option("--min-pain", min=0, max=10, help="Only pain ≥ N.")]
FlareOnly = Annotated[bool, typer.Option("--flare", help="Only entries marked as a flare.")]
Limit = Annotated[int, typer.Option("--limit", "-n", min=0, help="Show the newest N (0: all).")]


@command("list")
def list_command(
    ctx: typer.Context,
    from_: FromOpt = None,
    to: ToOpt = None,
    last: LastOpt = None,
    tag: ListTag = None,
    where: ListWhere = None,
    min_pain: MinPain = None,
    flare_only: FlareOnly = False,
    limit: Limit = 20,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """List entries, newest last (the newest 20 unless -n).

    \b
    Examples:
      fibrolog list --last 7d
      fibrolog list --tag stress --min-pain 6 --json
    """
    _list(ctx, from_, to, last, tag, where, min_pain, flare_only, limit, json_, db)


# `log` is another name for `list`: the same function, registered twice.
command("log", help="Same as `list`.\n\n\b\nExample:\n  fibrolog log --flare")(list_command)


@command()
def summary(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option("--week", help="this (default), last, 2026-W47, or any date in the week."),
    ] = None,
    month: Annotated[str | None, typer.Option("--month", help="A month: 2026-11.")] = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    weeks: Annotated[
        int | None,
        typer.Option("--weeks", min=1, max=520, help="The N weeks ending with --week, a row each."),
    ] = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The weekly summary: each day, the averages and their change, areas, tags and meds.

    \b
    Examples:
      fibrolog summary
      fibrolog summary --week last
      fibrolog summary --weeks 4
      fibrolog summary --month 2026-11 --json
    """
    from datetime import timedelta

    from fibrolog.analysis import summarize, summary_reads_from
    from fibrolog.dates import parse_month, parse_week

    settings = _settings()
    now = _now()
    if sum(x is not None for x in (week, month, from_ or to)) > 1:
        _usage("choose one period: --week, --month, or --from/--to")
    if weeks and (month or from_ or to):
        _usage("--weeks goes with --week (or alone), not with --month or --from/--to")
    if month:
        first, last = _checked("--month", lambda: parse_month(month))
    elif from_ or to:
        first, last = _from_to(from_, to, now)
    else:
        first = _checked("--week", lambda: parse_week(week or "this", now, settings.week_start))
        last = first + timedelta(days=6)
    periods = [(first, last)]
    if weeks:
        periods = [
            (first - timedelta(weeks=n), last - timedelta(weeks=n))
            for n in range(weeks - 1, -1, -1)
        ]
    diary = _diary(ctx, db)
    # Whole entries for the periods and the one before; the year of flare history, light.
    history = diary.day_pains(summary_reads_from(*periods[0]), last)
    length = (periods[0][1] - periods[0][0]).days + 1
    entries = diary.entries(periods[0][0] - timedelta(days=length), last)
    results = [summarize(entries, s, e, settings.flare, history) for s, e in periods]
    if json_:
        _print_json([r.to_dict() for r in results] if weeks else results[0].to_dict())
        return
    from fibrolog import render

    if weeks:
        render.print_weeks(results)
    else:
        render.print_summary(results[0])


@command()
def flares(
    ctx: typer.Context,
    from_: FromOpt = None,
    to: ToOpt = None,
    last: LastOpt = None,
    threshold: Annotated[
        float | None,
        typer.Option("--threshold", min=0, max=10, help="Pain mean that makes a day severe."),
    ] = None,
    delta: Annotated[
        float | None,
        typer.Option("--delta", min=0.01, max=10, help="Points above baseline that make a flare."),
    ] = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Flare days and flare episodes (default: the 90 days ending today).

    \b
    Examples:
      fibrolog flares
      fibrolog flares --last 6m --threshold 6
      fibrolog flares --from 2026-01-01 --json
    """
    from datetime import timedelta

    from fibrolog.analysis import flares_of, history_start

    now = _now()
    first, end = _period(from_, to, last, now)
    end = end or now.date()
    first = first or end - timedelta(days=89)
    if first > end:
        _usage(f"--from {first} is after --to {end}")
    from msgspec.structs import replace

    settings = _settings().flare
    if threshold is not None:
        settings = replace(settings, threshold=threshold)
    if delta is not None:
        settings = replace(settings, delta=delta)
    days = _diary(ctx, db).day_pains(history_start(first), end)
    result = flares_of(days, first, end, settings)
    if json_:
        _print_json(result.to_dict())
    else:
        from fibrolog.render import print_flares

        print_flares(result)


# The other commands register themselves when their module loads.
from fibrolog import cli_more  # noqa: E402, F401


def main() -> None:
    app(prog_name="fibrolog")
