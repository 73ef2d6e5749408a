"""The command line: each command reads its options, calls the diary or analysis once, and
hands the result to render/export. Errors become one `Error:` line here, and nowhere else.

Start-up time matters (a user in pain is waiting), so this module imports only Typer at load
time; everything else is imported inside the command that needs it.
"""

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
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
config_app = typer.Typer(cls=_Group, rich_markup_mode=None, invoke_without_command=True)
commands.add_typer(config_app, name="config")


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
    from types import MappingProxyType

    from fibrolog.models import tags_in_note

    tags = set(fields.get("tags", ()))
    tags.update(tags_in_note(fields.get("note", "")))
    fields["tags"] = tuple(sorted(tags))
    if "symptoms" in fields:
        fields["symptoms"] = MappingProxyType(dict(sorted(fields["symptoms"].items())))
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
        entry = Entry(uid=uuid.uuid4().hex, at=moment, logged=now, **_with_note_tags(fields))
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


EntryId = Annotated[int, typer.Argument(min=1, help="The entry's number, as `list` shows it.")]


@command()
def show(ctx: typer.Context, entry_id: EntryId, json_: JsonOpt = False, db: DbOpt = None) -> None:
    """Show every field of one entry.

    \b
    Example:
      fibrolog show 57
    """
    entry = _diary(ctx, db).get(entry_id)
    if json_:
        _print_json(entry.to_dict())
    else:
        from fibrolog.render import print_entry

        print_entry(entry)


@command()
def edit(
    ctx: typer.Context,
    entry_id: EntryId,
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
    clear_where: Annotated[bool, typer.Option("--clear-where", help="Remove all areas.")] = False,
    clear_tags: Annotated[bool, typer.Option("--clear-tags", help="Remove all tags.")] = False,
    clear_meds: Annotated[bool, typer.Option("--clear-meds", help="Remove all meds.")] = False,
    clear_symptoms: Annotated[
        bool, typer.Option("--clear-symptoms", help="Remove all other symptoms.")
    ] = False,
    clear_note: Annotated[bool, typer.Option("--clear-note", help="Remove the note.")] = False,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Change an entry: only what you give changes (a list you give replaces the old one).

    \b
    Examples:
      fibrolog edit 57 --pain 5 --no-flare
      fibrolog edit 57 --clear-tags -t weather --at "yesterday 21:00"
    """
    from types import MappingProxyType

    from fibrolog.dates import parse_at
    from fibrolog.models import InvalidEntry, tags_in_note

    now = _now()
    changes = _collect(
        pain=pain,
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
    if at:
        changes["at"] = _checked("--at", lambda: parse_at(at, now))
    for wanted, name, empty in (
        (clear_where, "regions", ()),
        (clear_tags, "tags", ()),
        (clear_meds, "meds", ()),
        (clear_symptoms, "symptoms", {}),
        (clear_note, "note", ""),
    ):
        if wanted:
            if name in changes:
                _usage(f"--clear-{name if name != 'regions' else 'where'} and a new value together")
            changes[name] = empty
    if not changes:
        _usage("nothing to change: give a value such as --pain 5 or --clear-note")
    diary = _diary(ctx, db)
    old = diary.get(entry_id)
    if "tags" in changes:
        changes["tags"] = tuple(sorted(set(changes["tags"])))
    if changes.get("note"):
        changes["tags"] = tuple(
            sorted(set(changes.get("tags", old.tags)) | set(tags_in_note(changes["note"])))
        )
    if "symptoms" in changes:
        changes["symptoms"] = MappingProxyType(dict(sorted(changes["symptoms"].items())))
    try:
        new = old.replace(**changes)
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    diary.update(new)
    if json_:
        _print_json(new.to_dict())
    else:
        from fibrolog.text import headline

        typer.echo(f"Updated {headline(new)}")


@command()
def delete(
    ctx: typer.Context,
    entry_ids: Annotated[list[int], typer.Argument(min=1, help="Entry numbers to delete.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Delete entries (a backup is made first; their numbers are never reused).

    \b
    Example:
      fibrolog delete 57 58 --yes
    """
    from fibrolog.text import headline

    diary = _diary(ctx, db)
    entries = [diary.get(i) for i in dict.fromkeys(entry_ids)]
    if not yes:
        for entry in entries:
            typer.echo(f"  {headline(entry)}")
        count = f"these {len(entries)} entries" if len(entries) > 1 else "this entry"
        typer.confirm(f"Delete {count}?", abort=True)
    deleted = diary.delete(e.id for e in entries)
    for entry in deleted:
        typer.echo(f"Deleted {headline(entry)}")


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"


@command()
def export(
    ctx: typer.Context,
    format_: Annotated[
        ExportFormat, typer.Option("--format", help="json, csv or md.")
    ] = ExportFormat.json,
    from_: FromOpt = None,
    to: ToOpt = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (private, 0600).", dir_okay=False),
    ] = None,
    db: DbOpt = None,
) -> None:
    """Export entries as JSON, CSV (for spreadsheets) or a Markdown table.

    \b
    Examples:
      fibrolog export -o diary.json
      fibrolog export --format csv --from 2026-01-01 -o 2026.csv
    """
    from fibrolog import export as exporters
    from fibrolog.store import current_schema

    now = _now()
    first, end = _period(from_, to, None, now)
    entries = _diary(ctx, db).entries(first, end)  # all read (and checked) before any output
    if format_ is ExportFormat.json:
        pieces = exporters.iter_json(entries, now, current_schema())
    elif format_ is ExportFormat.csv:
        pieces = exporters.iter_csv(entries)
    else:
        pieces = exporters.iter_markdown(entries)
    if output is None:
        sys.stdout.writelines(pieces)
        return
    from fibrolog.safefile import atomic_write

    atomic_write(output.expanduser().absolute(), (piece.encode() for piece in pieces))
    typer.echo(f"Exported {len(entries)} entries to {output}")


@command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="A json or csv export."),
    ],
    db: DbOpt = None,
) -> None:
    """Import a JSON or CSV export. All or nothing; entries already here are skipped.

    \b
    Example:
      fibrolog import diary.json
    """
    from fibrolog.export import parse_import

    try:
        raw = file.read_bytes()
    except OSError as error:
        raise FibrologError(f"cannot read {file}: {error.strerror}") from None
    entries = parse_import(raw)
    del raw  # a 100k export is ~50 MB
    added, skipped = _diary(ctx, db).import_entries(entries)
    typer.echo(f"Imported {len(added)} entries; skipped {skipped} already in the diary.")


@command()
def info(ctx: typer.Context, db: DbOpt = None) -> None:
    """Show where the diary lives, how big it is, its backups and the config file.

    \b
    Example:
      fibrolog info
    """
    from fibrolog.config import config_path
    from fibrolog.text import when

    diary = _diary(ctx, db)
    lines = [f"fibrolog {__version__}", f"diary folder: {diary.folder}"]
    years = diary.years()
    if not diary.exists():
        lines.append("entries: 0 (the folder is created by the first `fibrolog add`)")
    else:
        lines.append(f"entries: {diary.count()}")
        # The first and last entries: from the first and last year files that hold any.
        first = next((es[0] for y in years if (es := diary.year_entries(y))), None)
        last = next((es[-1] for y in reversed(years) if (es := diary.year_entries(y))), None)
        for label, entry in (("first", first), ("last", last)):
            if entry is not None:
                lines.append(f"{label} entry: #{entry.id} {when(entry.at)} {entry.at.year}")
        for year in years:
            size = diary.year_path(year).stat().st_size
            lines.append(f"  {diary.year_path(year).name}: {size / 1024:.1f} KiB")
        backups = diary.backups()
        newest = f", newest {backups[-1].path.name}" if backups else ""
        lines.append(f"backups: {len(backups)} in {diary.backups_dir}{newest}")
    lines.append(f"config: {config_path()}")
    typer.echo("\n".join(lines))


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
    settings = _settings().flare
    if threshold is not None:
        settings = settings._replace(threshold=threshold)
    if delta is not None:
        settings = settings._replace(delta=delta)
    days = _diary(ctx, db).day_pains(history_start(first), end)
    result = flares_of(days, first, end, settings)
    if json_:
        _print_json(result.to_dict())
    else:
        from fibrolog.render import print_flares

        print_flares(result)


@command()
def demo(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, max=36500, help="Days of data.")] = 84,
    per_day: Annotated[int, typer.Option("--per-day", min=1, max=24, help="Entries a day.")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same diary.")] = 1,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a non-empty --db diary (backed up first).")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Fill a demo diary with realistic made-up data and show its summary and flares.

    Writes to --db or $FIBROLOG_DB if given, else to its own `demo` folder — never to your
    real diary.

    \b
    Examples:
      fibrolog demo
      fibrolog demo --days 365 --per-day 5 --db /tmp/try
    """
    import shlex
    from datetime import timedelta

    from fibrolog import render
    from fibrolog.analysis import flares as find_flares
    from fibrolog.analysis import history_start, summarize
    from fibrolog.dates import week_start_of
    from fibrolog.demo import generate
    from fibrolog.store import Diary

    chosen = db or ctx.find_root().params.get("db") or os.environ.get("FIBROLOG_DB")
    if chosen:
        diary = _diary(ctx, db)
        if diary.exists():
            if not force:
                raise FibrologError(
                    f"{diary.folder} already holds a diary; demo data never mixes with real "
                    "entries. Choose an empty folder, or add --force to replace it (a backup "
                    "is made first)."
                )
            backup = diary.clear()
            typer.echo(f"Backed up the old diary to {backup}")
    else:
        from fibrolog.places import user_folder

        diary = Diary(user_folder("data") / "demo")
        if diary.exists():
            diary.clear()
    now = _now()
    stored = diary.add_many(generate(days, per_day, seed, now))
    typer.echo(f"Made {len(stored)} demo entries over {days} days in {diary.folder}\n")
    settings = _settings()
    first = week_start_of(now.date(), settings.week_start)
    entries = diary.entries(history_start(first - timedelta(days=90)), now.date())
    render.print_summary(summarize(entries, first, first + timedelta(days=6), settings.flare))
    typer.echo("")
    render.print_flares(
        find_flares(entries, now.date() - timedelta(days=89), now.date(), settings.flare)
    )
    where = shlex.quote(str(diary.folder))
    typer.echo(
        f"\nLook further:\n  fibrolog --db {where} summary --weeks 4\n"
        f"  fibrolog --db {where} list --flare\n  fibrolog --db {where} flares --last 6m"
    )


@command()
def check(ctx: typer.Context, db: DbOpt = None) -> None:
    """Check that the diary is whole: every file, every entry, ids and the id counter.

    It only reads: nothing is written, not even the lock file. Exit 0 when whole, 1 if not.

    \b
    Example:
      fibrolog check
    """
    diary = _diary(ctx, db)
    if not diary.exists():
        typer.echo(f"No diary in {diary.folder} yet: nothing to check.")
        return
    problems = diary.check()
    if problems:
        for problem in problems:
            typer.echo(f"✗ {problem}")
        raise FibrologError(
            f"the diary in {diary.folder} has {len(problems)} problem"
            f"{'s' * (len(problems) > 1)}; `fibrolog backups` lists copies to restore"
        )
    entries = sum(len(diary.year_entries(y)) for y in diary.years())
    years = len(diary.years())
    typer.echo(
        f"✓ The diary in {diary.folder} is whole: {entries} entr{'y' if entries == 1 else 'ies'} "
        f"in {years} year file{'s' * (years != 1)}."
    )


@command()
def backups(ctx: typer.Context, json_: JsonOpt = False, db: DbOpt = None) -> None:
    """List the backups (made before edits, deletes, imports and restores, and daily).

    \b
    Example:
      fibrolog backups
    """
    import contextlib

    from fibrolog.store import load_tables

    diary = _diary(ctx, db)
    rows: list[dict[str, Any]] = []
    for backup in reversed(diary.backups()):
        entries = 0
        for copy in backup.files:
            if copy.name[:4].isdigit():
                with contextlib.suppress(FibrologError):
                    entries += len((load_tables(copy, "entries") or {}).get("entries", {}))
        rows.append(
            {
                "name": backup.path.name,
                "made": backup.made.isoformat(),
                "entries": entries,
                "bytes": sum(f.stat().st_size for f in backup.files),
                "files": [f.name for f in backup.files],
            }
        )
    if json_:
        _print_json(rows)
        return
    if not rows:
        typer.echo(f"No backups yet in {diary.backups_dir}.")
        return
    typer.echo(f"{'backup':<20} {'made':<16} {'entries':>7} {'size':>9}  files")
    for row in rows:
        typer.echo(
            f"{row['name']:<20} {row['made'][:16].replace('T', ' '):<16} {row['entries']:>7} "
            f"{row['bytes'] / 1024:>7.1f}KB  {', '.join(row['files'])}"
        )
    typer.echo("Restore one with: fibrolog restore NAME  (or: fibrolog restore latest)")


@command()
def restore(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A backup name from `fibrolog backups`, or latest.")],
    file: Annotated[
        list[str] | None,
        typer.Option("--file", help="Restore only this file of the backup, e.g. 2026.json."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Put a backup's files back into the diary (the current ones are backed up first).

    \b
    Examples:
      fibrolog backups
      fibrolog restore 20261123T091500
      fibrolog restore latest --file 2026.json
    """
    diary = _diary(ctx, db)
    backup = diary.find_backup(name)
    files = ", ".join(file or [f.name for f in backup.files])
    if not yes:
        typer.confirm(
            f"Replace {files} in {diary.folder} with the copies from {backup.path.name}? "
            "(the current files are backed up first)",
            abort=True,
        )
    safety = diary.restore(backup, file or ())
    typer.echo(f"Restored {files} from {backup.path.name}.")
    if safety:
        typer.echo(f"The files it replaced are in {safety}.")


def _ask_severity(label: str) -> int:
    from fibrolog.assess import SEVERITY_WORDS

    typer.echo(f"{label} over the past week:\n  " + "\n  ".join(SEVERITY_WORDS))
    while True:
        answer = typer.prompt("  0–3", prompt_suffix=": ")
        if answer.strip() in ("0", "1", "2", "3"):
            return int(answer)
        typer.echo("  Please answer 0, 1, 2 or 3.", err=True)


@command()
def assess(
    ctx: typer.Context,
    areas: Annotated[
        str | None, typer.Option("--areas", help="Areas painful in the past week (like --where).")
    ] = None,
    fatigue: Annotated[
        int | None, typer.Option("--fatigue", min=0, max=3, help="Fatigue 0–3.")
    ] = None,
    unrefreshed: Annotated[
        int | None, typer.Option("--unrefreshed", min=0, max=3, help="Waking unrefreshed 0–3.")
    ] = None,
    cognitive: Annotated[
        int | None, typer.Option("--cognitive", min=0, max=3, help="Thinking/memory problems 0–3.")
    ] = None,
    headaches: Annotated[
        bool | None, typer.Option("--headaches/--no-headaches", help="Headaches, past 6 months.")
    ] = None,
    abdominal: Annotated[
        bool | None,
        typer.Option(
            "--abdominal/--no-abdominal", help="Lower-belly pain or cramps, past 6 months."
        ),
    ] = None,
    depression: Annotated[
        bool | None, typer.Option("--depression/--no-depression", help="Depression, past 6 months.")
    ] = None,
    three_months: Annotated[
        bool | None,
        typer.Option(
            "--three-months/--under-three-months", help="Symptoms similar for 3 months or more?"
        ),
    ] = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The ACR 2016 fibromyalgia criteria as a self-assessment (asks, or takes every flag).

    \b
    Examples:
      fibrolog assess
      fibrolog assess --areas shoulders,hips,neck,lower-back,upper-arms --fatigue 2 \\
        --unrefreshed 2 --cognitive 1 --headaches --no-abdominal --no-depression --three-months
    """
    from datetime import timedelta

    from fibrolog.assess import AcrAnswers, AcrResult
    from fibrolog.dates import parse_at
    from fibrolog.regions import parse_areas

    now = _now()
    moment = _checked("--at", lambda: parse_at(at, now)) if at else now
    diary = _diary(ctx, db)
    flags = {
        "--areas": areas,
        "--fatigue": fatigue,
        "--unrefreshed": unrefreshed,
        "--cognitive": cognitive,
        "--headaches": headaches,
        "--abdominal": abdominal,
        "--depression": depression,
        "--three-months": three_months,
    }
    missing = [name for name, value in flags.items() if value is None]
    if missing and not sys.stdin.isatty():
        _usage(f"give every answer as a flag when not on a terminal; missing: {', '.join(missing)}")
    chosen = _checked("--areas", lambda: parse_areas([areas])) if areas is not None else None
    if chosen is None:
        week = diary.entries(moment.date() - timedelta(days=6), moment.date())
        recent = sorted({r for e in week for r in e.regions})
        typer.echo("Painful areas in the past week (Enter keeps the list from your diary).")
        chosen = _ask(f"Areas [{', '.join(recent) or 'none'}]", lambda t: parse_areas([t]))
        if chosen is None:
            chosen = parse_areas(recent)
    answers = AcrAnswers(
        areas=chosen,
        fatigue=fatigue if fatigue is not None else _ask_severity("Fatigue"),
        unrefreshed=unrefreshed if unrefreshed is not None else _ask_severity("Waking unrefreshed"),
        cognitive=cognitive
        if cognitive is not None
        else _ask_severity("Thinking or memory problems"),
        headaches=headaches
        if headaches is not None
        else typer.confirm("Headaches in the past 6 months?"),
        abdominal=abdominal
        if abdominal is not None
        else typer.confirm("Pain or cramps in the lower belly in the past 6 months?"),
        depression=depression
        if depression is not None
        else typer.confirm("Depression in the past 6 months?"),
        three_months=three_months
        if three_months is not None
        else typer.confirm("Have the symptoms been at a similar level for at least 3 months?"),
    )
    result = AcrResult(answers)
    record = diary.add_assessment(result.to_dict(0, moment))
    if json_:
        _print_json({k: v for k, v in record.items() if k != "answers"})
    else:
        from fibrolog.render import print_acr

        print_acr(record)


@command()
def fiqr(
    ctx: typer.Context,
    answers: Annotated[
        str | None,
        typer.Option("--answers", help="21 answers 0–10 separated by commas; '-' for unanswered."),
    ] = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The Revised Fibromyalgia Impact Questionnaire (FIQR): 21 questions, 0–100.

    \b
    Examples:
      fibrolog fiqr
      fibrolog fiqr --answers 3,4,2,6,5,4,5,3,4,6,5,7,6,6,7,4,5,3,6,2,5
    """
    from fibrolog.assess import FIQR_ITEMS as ITEMS
    from fibrolog.assess import FiqrResult, parse_fiqr_answers
    from fibrolog.dates import parse_at

    now = _now()
    moment = _checked("--at", lambda: parse_at(at, now)) if at else now
    if answers is not None:
        values = _checked("--answers", lambda: parse_fiqr_answers(answers))
    elif not sys.stdin.isatty():
        _usage("give --answers with 21 values when not on a terminal")
    else:
        typer.echo(
            "Think of the past 7 days. 0 = no difficulty or none, 10 = the worst. Enter skips."
        )
        collected: list[int | None] = []
        for number, item in enumerate(ITEMS, start=1):
            if number == 1:
                typer.echo("How hard was it to …")
            elif number == 10:
                typer.echo("Overall, rate …")
            elif number == 12:
                typer.echo("Rate …")
            collected.append(_ask(f"{number:2}. {item} (0–10)", _score_answer("answer")))
        values = tuple(collected)
    record = _diary(ctx, db).add_assessment(FiqrResult(values).to_dict(0, moment))
    if json_:
        _print_json(record)
    else:
        from fibrolog.render import print_fiqr

        print_fiqr(record)


class AssessmentKind(StrEnum):
    acr2016 = "acr2016"
    fiqr = "fiqr"


@command()
def assessments(
    ctx: typer.Context,
    kind: Annotated[AssessmentKind | None, typer.Option("--kind", help="acr2016 or fiqr.")] = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Your self-assessments over time, with the trend of FS and the FIQR total.

    \b
    Examples:
      fibrolog assessments
      fibrolog assessments --kind fiqr --json
    """
    records = _diary(ctx, db).assessments(kind.value if kind else None)
    if json_:
        _print_json(records)
    else:
        from fibrolog.render import print_assessments

        print_assessments(records)


@command()
def insights(
    ctx: typer.Context,
    last: Annotated[
        str, typer.Option("--last", help="The span ending today: 90d, 6m, 1y.")
    ] = "90d",
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Patterns in your own data: sleep and pain, tags, new meds, weekdays — with their numbers.

    \b
    Examples:
      fibrolog insights
      fibrolog insights --last 6m --json
    """
    from fibrolog.dates import parse_span
    from fibrolog.insights import insights as find_insights
    from fibrolog.insights import reads_from

    now = _now()
    first = _checked("--last", lambda: parse_span(last, now.date()))
    entries = _diary(ctx, db).entries(reads_from(first), now.date())
    result = find_insights(entries, first, now.date())
    if json_:
        _print_json(result)
    else:
        from fibrolog.render import print_insights

        print_insights(result)


@command()
def report(
    ctx: typer.Context,
    weeks: Annotated[
        int, typer.Option("--weeks", min=1, max=104, help="The N weeks ending today.")
    ] = 12,
    from_: FromOpt = None,
    to: ToOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The HTML file to write.", dir_okay=False)
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Your name, for the header.")] = None,
    db: DbOpt = None,
) -> None:
    """Write a one-page report for your doctor: a self-contained HTML file that prints well.

    \b
    Examples:
      fibrolog report
      fibrolog report --weeks 8 --name "Sam Doe" -o visit.html
      fibrolog report --from 2026-09-01 --to 2026-11-30
    """
    from datetime import timedelta

    from fibrolog.dates import week_start_of
    from fibrolog.report import build, has_entries, reads_from
    from fibrolog.safefile import atomic_write

    now = _now()
    settings = _settings()
    if from_ or to:
        first, last = _from_to(from_, to, now)
    else:
        last = now.date()
        first = week_start_of(last, settings.week_start) - timedelta(weeks=weeks - 1)
    diary = _diary(ctx, db)
    entries = diary.entries(reads_from(first, last), last)
    if not has_entries(entries, first, last):
        typer.echo(f"No entries between {first} and {last}, so there is nothing to report yet.")
        return
    page = build(entries, first, last, settings, now, name, diary.assessments())
    target = output or Path(f"fibrolog-report-{first}-{last}.html")
    atomic_write(target.expanduser().absolute(), page.encode())
    typer.echo(str(target))


def _toml_value(value: object) -> str:
    import tomli_w

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

        for key, value in config.as_flat(config.load()).items():
            typer.echo(f"{key} = {_toml_value(value)}")


@config_app.command("get")
def config_get(key: Annotated[str, typer.Argument(help="A setting, e.g. week_start.")]) -> None:
    """Print one setting.

    \b
    Example:
      fibrolog config get flare.threshold
    """
    from fibrolog import config

    typer.echo(_toml_value(_checked("KEY", lambda: config.get(key))))


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="A setting, e.g. week_start.")],
    value: Annotated[str, typer.Argument(help="Its new value.")],
) -> None:
    """Change one setting (checked before it is saved).

    \b
    Examples:
      fibrolog config set week_start sunday
      fibrolog config set flare.delta 1.5
    """
    from fibrolog import config

    stored = _checked("VALUE", lambda: config.set_value(key, value))
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


def main() -> None:
    app(prog_name="fibrolog")
