"""Commands on entries: add (by flags or by questions), edit, delete (list and show: listing.py).

`add`, `edit` and `delete` answer with one plain line and never load Rich.
"""

import inspect
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from fibrolog.cli.lazy import Context, UsageError
from fibrolog.cli.options import (
    AtOpt,
    DbOpt,
    JsonOpt,
    ask,
    checked,
    clock,
    command_family,
    load_settings,
    open_diary,
    print_json,
    typed,
    usage,
    whole,
)
from fibrolog.errors import UsageProblem
from fibrolog.models import DAILY_SCORES, DailyScore, read_hours, read_score
from fibrolog.regions import areas_help

if TYPE_CHECKING:
    from datetime import datetime

    from fibrolog.models import Med

commands = command_family()
Command = TypeVar("Command", bound=Callable[..., None])


class ScoresByName(TyperCommand):
    """A command whose scores, but one, are given by option name. A bare number after it
    (`add 6 7`: pain, then fatigue) is refused saying how to name it; click says only "Got
    unexpected extra argument(s) (7)"."""

    naming = ""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as error:
            if error.message.startswith("Got unexpected extra"):
                error.message += self.naming
            raise


def _named(scores: Sequence[str]) -> str:
    """'-f N (fatigue), --fog N, …': how to give each of `scores` by name."""
    return ", ".join(
        f"{s.short} N ({s.label})" if s.short else f"{s.option} N"
        for s in DAILY_SCORES
        if s.name in scores
    )


class AddCommand(ScoresByName):
    naming = ". Only pain goes without a name; give the others theirs: " + _named(
        ("fatigue", "fog", "stiffness", "sleep_quality", "exertion")
    )


class EditCommand(ScoresByName):
    naming = ". Give the entry's number, then what changes by name: " + _named(
        ("pain", "fatigue", "fog", "stiffness")
    )


# Scores and hours are read by the models' own parsers, so a flag and a prompt accept the same
# text ('7,5' hours too) and refuse it in the same words.
SCORE = {"parser": typed(read_score), "metavar": "<0-10>"}


def with_score_options(after: str) -> Callable[[Command], Command]:
    """Give a command that takes `**scores` one option per declared score (models.DAILY_SCORES),
    placed after its parameter `after`: a new score reaches add, edit and again by itself.

    Typer reads a command's parameters from its signature, so the signature is rewritten;
    the scores then arrive in `**scores` by name (None when not given).
    """

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command)
        params = [p for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]
        at = next(i for i, p in enumerate(params) if p.name == after) + 1
        options = [
            inspect.Parameter(
                s.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None,
                annotation=Annotated[
                    int | None,
                    typer.Option(
                        *([s.option, s.short] if s.short else [s.option]),
                        help=s.help,
                        parser=typed(read_score),
                        metavar="<0-10>",
                    ),
                ],
            )
            for s in DAILY_SCORES
        ]
        command.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*params[:at], *options, *params[at:]]
        )
        return command

    return decorate


SleepHoursOpt = Annotated[
    float | None,
    typer.Option(
        "--sleep-hours",
        help="Hours slept last night: 7, 6.5 or 6,5.",
        parser=typed(read_hours),
        metavar="<hours>",
    ),
]
SleepQualityOpt = Annotated[
    int | None,
    typer.Option("--sleep-quality", help="Last night's sleep, 0 worst … 10 best.", **SCORE),
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
EntryId = Annotated[
    int,
    typer.Argument(parser=whole(1), metavar="ID", help="The entry's number, as `list` shows it."),
]


YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Log a time more than a year back without asking.")
]


def entry_moment(at: str, now: "datetime", yes: bool) -> "datetime":
    """--at as a moment. One more than a year back is asked about first (or needs --yes):
    a mistyped year is the usual slip, and it would file the entry far from the rest."""
    from fibrolog.dates import far_back, parse_at

    moment = checked("--at", lambda: parse_at(at, now))
    ago = far_back(moment, now)
    if ago and not yes:
        shown = f"{moment:%a %d %b %Y %H:%M}"
        if not sys.stdin.isatty():
            usage(f"--at '{at}' is {shown}, {ago}; add --yes if you mean it")
        typer.confirm(f"'{at}' is {shown}, {ago}. Log it then?", abort=True)
    return moment


# -- what the user typed → entry fields ---------------------------------------------------------


def hyphenated(kind: str, text: str) -> str:
    """A tag or symptom name typed with spaces ('bad sleep') as the name it can be
    ('bad-sleep'), saying so on stderr; names have no spaces."""
    words = text.split()
    if len(words) > 1:
        name = "-".join(words).lower()
        typer.echo(f"Note: {kind} '{' '.join(words)}' is kept as '{name}' (no spaces).", err=True)
        return name
    return text.strip()


def parse_tags(values: Sequence[str], spaces_separate: bool = False) -> list[str]:
    """Tags as typed: commas separate them, and 'bad sleep' is the one tag bad-sleep. At the
    prompt (`spaces_separate`) a line without commas is split at spaces: 'stress weather'."""
    from fibrolog.models import normalise_tag

    tags = []
    for value in values:
        items = value.split() if spaces_separate and "," not in value else value.split(",")
        tags += [normalise_tag(hyphenated("tag", item)) for item in items if item.strip()]
    return tags


def parse_meds(values: Sequence[str]) -> tuple["Med", ...]:
    from fibrolog.models import Med

    meds = []
    for value in values:
        med = Med.parse(value)
        meds.append(Med(med.name.lower(), med.dose))
    return tuple(dict.fromkeys(meds))


def parse_symptoms(values: Sequence[str]) -> dict[str, int]:
    """'headache=6', 'headache=6 ibs=3', 'headache=6, pins and needles=4' (the symptom
    pins-and-needles, said so)."""
    import re

    from fibrolog.models import InvalidEntry, check_score, check_slug

    symptoms = {}
    for chunk in (c for value in values for c in value.split(",")):
        rest = chunk.strip()
        while rest:
            pair = re.match(r"([^=]+?)\s*=\s*(\S*)\s*", rest)
            if not pair or not pair[2].isdigit():
                raise InvalidEntry(f"'{rest}' should be NAME=SCORE, like headache=6")
            name = hyphenated("symptom", pair[1]).lower()
            symptoms[check_slug("symptom", name)] = check_score(name, int(pair[2]))
            rest = rest[pair.end() :]
    return symptoms


def read_note(note: str | None) -> str | None:
    if note == "-":
        return sys.stdin.read().rstrip("\n")
    return note


def collect(
    scores: Mapping[str, int | None],
    *,
    sleep_hours: float | None,
    where: list[str] | None,
    tag: list[str] | None,
    med: list[str] | None,
    symptom: list[str] | None,
    flare: bool | None,
    note: str | None,
) -> dict[str, Any]:
    """The entry fields the user gave, checked; fields not given are absent."""
    from fibrolog.regions import parse_areas

    given: dict[str, Any] = {name: value for name, value in scores.items() if value is not None}
    if flare is not None:
        given["flare"] = flare
    if sleep_hours is not None:
        given["sleep_hours"] = sleep_hours
    if where:
        given["regions"] = checked("--where", lambda: parse_areas(where))
    if tag:
        given["tags"] = checked("--tag", lambda: parse_tags(tag))
    if med:
        given["meds"] = checked("--med", lambda: parse_meds(med))
    if symptom:
        given["symptoms"] = checked("--symptom", lambda: parse_symptoms(symptom))
    if note is not None:
        given["note"] = read_note(note)
    return given


def with_note_tags(fields: dict[str, Any]) -> dict[str, Any]:
    """Tags from @words in the note join the given tags."""
    from fibrolog.models import tags_in_note

    tags = set(fields.get("tags", ()))
    tags.update(tags_in_note(fields.get("note", "")))
    fields["tags"] = tuple(sorted(tags))
    return fields


# -- interactive prompts ----------------------------------------------------------------------


# The scores each prompt name asks (sleep quality is asked with the hours slept, under "sleep").
SCORES_ASKED: dict[str, list[DailyScore]] = {}
for _score in DAILY_SCORES:
    SCORES_ASKED.setdefault(_score.asked_with, []).append(_score)


def prompt_fields(prompts: Sequence[str], first_of_day: bool) -> dict[str, Any]:
    """Ask for each field in `prompts`, in order; sleep only in the day's first entry."""
    from fibrolog.regions import parse_areas

    typer.echo("How are you right now? Press Enter to skip a question, Ctrl-C to cancel.")
    fields: dict[str, Any] = {}
    for prompt in prompts:
        answer: Any = None
        if prompt == "sleep" and not first_of_day:
            continue
        if prompt == "sleep" and (hours := ask("Hours slept last night", read_hours)) is not None:
            fields["sleep_hours"] = hours
        if prompt in SCORES_ASKED:  # (sleep quality is asked after the hours slept)
            for score in SCORES_ASKED[prompt]:
                if (value := ask(score.question, read_score)) is not None:
                    fields[score.name] = value
        elif prompt == "where":
            answer = ask(
                "Painful areas (e.g. neck, lower-back, shoulders)", lambda t: parse_areas([t])
            )
            prompt = "regions"
        elif prompt == "tags":
            answer = ask(
                "Tags (e.g. stress weather)", lambda t: parse_tags([t], spaces_separate=True)
            )
        elif prompt == "meds":
            answer = ask(
                "Meds taken (e.g. pregabalin 75mg, ibuprofen)", lambda t: parse_meds(t.split(","))
            )
        elif prompt == "symptoms":
            answer = ask("Other symptoms (e.g. headache=6 ibs=3)", lambda t: parse_symptoms([t]))
        elif prompt == "flare":
            answer = typer.confirm("Are you in a flare?", default=False) or None
        elif prompt == "note":
            answer = ask("Note", str)
        if answer is not None and answer != () and answer != {}:
            fields[prompt] = answer
    return fields


# -- commands ---------------------------------------------------------------------------------


@commands.command(cls=AddCommand, epilog="\b\n" + areas_help())
@with_score_options(after="pain_arg")
def add(
    ctx: typer.Context,
    pain_arg: Annotated[
        int | None,
        typer.Argument(
            metavar="[PAIN]", help="Pain 0–10.", show_default=False, parser=typed(read_score)
        ),
    ] = None,
    sleep_hours: SleepHoursOpt = None,
    where: WhereOpt = None,
    tag: TagOpt = None,
    med: MedOpt = None,
    symptom: SymptomOpt = None,
    flare: FlareOpt = None,
    note: NoteOpt = None,
    at: AtOpt = None,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    db: DbOpt = None,
    **scores: int | None,
) -> None:
    """Record how you feel now (or --at another time). With no values, asks on a terminal.

    Any one value makes an entry: a trigger logged when it happens is a tag on its own.

    \b
    Examples:
      fibrolog add 6 -f 7 -w neck,shoulders -t stress -n "bad night"
      fibrolog add --flare --at "yesterday 9pm" -m "pregabalin 75mg"
      fibrolog add -t gluten  (a trigger on its own)
      fibrolog add            (asks question by question)
    """
    import uuid

    from fibrolog.models import Entry, InvalidEntry

    pain = scores["pain"]
    if pain_arg is not None and pain is not None and pain_arg != pain:
        usage(f"pain given twice ({pain_arg} and --pain {pain}); give it once")
    now = clock(zone_rules=at is not None)  # only another wall time needs the zone's rules
    moment = entry_moment(at, now, yes) if at is not None else now
    fields = collect(
        scores | {"pain": pain if pain is not None else pain_arg},
        sleep_hours=sleep_hours,
        where=where,
        tag=tag,
        med=med,
        symptom=symptom,
        flare=flare,
        note=note,
    )
    if fields.get("flare") is False:
        del fields["flare"]  # --no-flare on a new entry is the default, not something to record
    diary = open_diary(ctx, db)
    if not fields:
        if not sys.stdin.isatty():
            usage(
                'nothing to record: give a value, e.g. `fibrolog add 6 -f 7 -n "note"` '
                "(questions are asked only on a terminal)"
            )
        first_of_day = not diary.has_entries_on(moment.date())
        fields = prompt_fields(load_settings().prompts, first_of_day)
        if not fields:
            typer.echo("Nothing entered, so nothing was logged.")
            return
    try:
        entry = Entry.build(uid=uuid.uuid4().hex, at=moment, logged=now, **with_note_tags(fields))
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    stored = diary.add(entry)
    if json_:
        print_json(stored.to_dict())
    else:
        from fibrolog.text import headline

        typer.echo(f"Logged {headline(stored, now.year)}")


@commands.command(cls=EditCommand)
@with_score_options(after="entry_id")
def edit(
    ctx: typer.Context,
    entry_id: EntryId,
    sleep_hours: SleepHoursOpt = None,
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
    yes: YesOpt = False,
    json_: JsonOpt = False,
    db: DbOpt = None,
    **scores: int | None,
) -> None:
    """Change an entry: only what you give changes (a list you give replaces the old one).

    \b
    Examples:
      fibrolog edit 57 --pain 5 --no-flare
      fibrolog edit 57 --clear-tags -t weather --at "yesterday 21:00"
    """
    from fibrolog.models import InvalidEntry, tags_in_note

    now = clock()
    changes = collect(
        scores,
        sleep_hours=sleep_hours,
        where=where,
        tag=tag,
        med=med,
        symptom=symptom,
        flare=flare,
        note=note,
    )
    if at is not None:
        changes["at"] = entry_moment(at, now, yes)
    for wanted, name, empty in (
        (clear_where, "regions", ()),
        (clear_tags, "tags", ()),
        (clear_meds, "meds", ()),
        (clear_symptoms, "symptoms", {}),
        (clear_note, "note", ""),
    ):
        # Clearing and giving new values (`--clear-tags -t weather`) means: these instead.
        if wanted and name not in changes:
            changes[name] = empty
    if not changes:
        usage("nothing to change: give a value such as --pain 5 or --clear-note")
    diary = open_diary(ctx, db)
    old = diary.get(entry_id, mending=changes)  # an entry set aside is mended by its edit
    if changes.get("note"):
        changes["tags"] = tuple(
            sorted(set(changes.get("tags", old.tags)) | set(tags_in_note(changes["note"])))
        )
    try:
        new = old.replace(**changes)
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    diary.update(new, when=now)
    if json_:
        print_json(new.to_dict())
    else:
        from fibrolog.text import headline

        typer.echo(f"Updated {headline(new, now.year)}")


@commands.command()
def delete(
    ctx: typer.Context,
    entry_ids: Annotated[
        list[int],
        typer.Argument(parser=whole(1), metavar="ID...", help="Entry numbers to delete."),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Delete entries (a backup is made first; their numbers are never reused).

    \b
    Example:
      fibrolog delete 57 58 --yes
    """
    from fibrolog.text import headline

    diary = open_diary(ctx, db)
    this_year = clock().year
    entries = [diary.get(i) for i in dict.fromkeys(entry_ids)]
    if not yes:
        for entry in entries:
            typer.echo(f"  {headline(entry, this_year)}")
        count = f"these {len(entries)} entries" if len(entries) > 1 else "this entry"
        typer.confirm(f"Delete {count}?", abort=True)
    deleted = diary.delete((e.id for e in entries), when=clock())
    for entry in deleted:
        typer.echo(f"Deleted {headline(entry, this_year)}")
