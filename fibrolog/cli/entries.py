"""Commands on entries: add (by flags or by questions), list/log, show, edit, delete.

`add`, `edit` and `delete` answer with one plain line and never load Rich.
"""

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from fibrolog.cli.lazy import Context, UsageError
from fibrolog.cli.options import (
    AtOpt,
    DbOpt,
    FromOpt,
    JsonOpt,
    LastOpt,
    ToOpt,
    ask,
    checked,
    clock,
    command_family,
    load_settings,
    open_diary,
    period,
    print_json,
    typed,
    usage,
    whole,
)
from fibrolog.errors import UsageProblem
from fibrolog.models import read_hours, read_score

if TYPE_CHECKING:
    from fibrolog.models import Entry, Med

commands = command_family()


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


class AddCommand(ScoresByName):
    naming = (
        ". Only pain goes without a name; give the others theirs: "
        "-f N (fatigue), --fog N, -s N (stiffness), --sleep-quality N"
    )


class EditCommand(ScoresByName):
    naming = (
        ". Give the entry's number, then what changes by name: "
        "-p N (pain), -f N (fatigue), --fog N, -s N (stiffness)"
    )


# Scores and hours are read by the models' own parsers, so a flag and a prompt accept the same
# text ('7,5' hours too) and refuse it in the same words.
SCORE = {"parser": typed(read_score), "metavar": "<0-10>"}
PainOpt = Annotated[
    int | None, typer.Option("--pain", "-p", help="Overall pain, 0 none … 10 worst.", **SCORE)
]
FatigueOpt = Annotated[
    int | None,
    typer.Option("--fatigue", "-f", help="Fatigue 0–10, higher is worse.", **SCORE),
]
FogOpt = Annotated[
    int | None, typer.Option("--fog", help="Fibro fog 0–10, higher is worse.", **SCORE)
]
StiffnessOpt = Annotated[
    int | None,
    typer.Option("--stiffness", "-s", help="Stiffness 0–10, higher is worse.", **SCORE),
]
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


# -- what the user typed → entry fields ---------------------------------------------------------


def parse_tags(values: Sequence[str]) -> list[str]:
    from fibrolog.models import normalise_tag

    return [normalise_tag(t) for v in values for t in v.replace(",", " ").split()]


def parse_meds(values: Sequence[str]) -> tuple["Med", ...]:
    from fibrolog.models import Med

    meds = []
    for value in values:
        med = Med.parse(value)
        meds.append(Med(med.name.lower(), med.dose))
    return tuple(dict.fromkeys(meds))


def parse_symptoms(values: Sequence[str]) -> dict[str, int]:
    from fibrolog.models import InvalidEntry, check_score, check_slug

    symptoms = {}
    for value in values:
        for item in value.replace(",", " ").split():
            name, sep, score = item.partition("=")
            if not sep or not score.strip().isdigit():
                raise InvalidEntry(f"'{item}' should be NAME=SCORE, like headache=6")
            symptoms[check_slug("symptom", name.strip().lower())] = check_score(name, int(score))
    return symptoms


def read_note(note: str | None) -> str | None:
    if note == "-":
        return sys.stdin.read().rstrip("\n")
    return note


def collect(
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


SCORE_LABELS = {
    "pain": "Pain 0–10",
    "fatigue": "Fatigue 0–10",
    "fog": "Fibro fog 0–10",
    "stiffness": "Stiffness 0–10",
}


def prompt_fields(prompts: Sequence[str], first_of_day: bool) -> dict[str, Any]:
    """Ask for each field in `prompts`, in order; sleep only in the day's first entry."""
    from fibrolog.regions import parse_areas

    typer.echo("How are you right now? Press Enter to skip a question, Ctrl-C to cancel.")
    fields: dict[str, Any] = {}
    for prompt in prompts:
        answer: Any = None
        if prompt in SCORE_LABELS:
            answer = ask(SCORE_LABELS[prompt], read_score)
        elif prompt == "sleep":
            if first_of_day:
                hours = ask("Hours slept last night", read_hours)
                quality = ask("Sleep quality 0–10 (10 = best)", read_score)
                if hours is not None:
                    fields["sleep_hours"] = hours
                if quality is not None:
                    fields["sleep_quality"] = quality
            continue
        elif prompt == "where":
            answer = ask(
                "Painful areas (e.g. neck, lower-back, shoulders)", lambda t: parse_areas([t])
            )
            prompt = "regions"
        elif prompt == "tags":
            answer = ask("Tags (e.g. stress weather)", lambda t: parse_tags([t]))
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


@commands.command(cls=AddCommand)
def add(
    ctx: typer.Context,
    pain_arg: Annotated[
        int | None,
        typer.Argument(
            metavar="[PAIN]", help="Pain 0–10.", show_default=False, parser=typed(read_score)
        ),
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

    Any one value makes an entry: a trigger logged when it happens is a tag on its own.

    \b
    Examples:
      fibrolog add 6 -f 7 -w neck,shoulders -t stress -n "bad night"
      fibrolog add --flare --at "yesterday 9pm" -m "pregabalin 75mg"
      fibrolog add -t gluten  (a trigger on its own)
      fibrolog add            (asks question by question)
    """
    import uuid

    from fibrolog.dates import parse_at
    from fibrolog.models import Entry, InvalidEntry

    if pain_arg is not None and pain is not None and pain_arg != pain:
        usage(f"pain given twice ({pain_arg} and --pain {pain}); give it once")
    now = clock()
    moment = checked("--at", lambda: parse_at(at, now)) if at is not None else now
    fields = collect(
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


ListTag = Annotated[
    list[str] | None, typer.Option("--tag", "-t", help="Only entries with this tag.")
]
ListWhere = Annotated[
    list[str] | None, typer.Option("--where", "-w", help="Only entries with this area.")
]
MinPain = Annotated[int | None, typer.Option("--min-pain", help="Only pain ≥ N.", **SCORE)]
FlareOnly = Annotated[bool, typer.Option("--flare", help="Only entries marked as a flare.")]
Limit = Annotated[
    int,
    typer.Option(
        "--limit", "-n", parser=whole(0), metavar="<n>", help="Show the newest N (0: all)."
    ),
]


@commands.command("list")
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
    from fibrolog.regions import parse_areas

    first, end = period(from_, to, last, clock())
    tags = set(checked("--tag", lambda: parse_tags(tag))) if tag else set()
    areas = set(checked("--where", lambda: parse_areas(where))) if where else set()

    def keep(entry: "Entry") -> bool:
        return (
            (not tags or bool(tags & set(entry.tags)))
            and (not areas or bool(areas & set(entry.regions)))
            and (min_pain is None or (entry.pain is not None and entry.pain >= min_pain))
            and (not flare_only or entry.flare)
        )

    entries = open_diary(ctx, db).newest(limit or None, keep, first, end)
    if json_:
        from fibrolog.formats.export import json_array

        sys.stdout.writelines(json_array(e.to_dict() for e in entries))
        sys.stdout.write("\n")
        return
    from fibrolog.render.console import make_console
    from fibrolog.render.entries import entries_view

    hint = f"The newest {limit} shown; -n 0 shows all." if limit and len(entries) == limit else ""
    console = make_console()
    for part in entries_view(entries, console.width, hint):
        console.print(part)


# `log` is another name for `list`: the same function, registered twice.
commands.command("log", help="Same as `list`.\n\n\b\nExample:\n  fibrolog log --flare")(
    list_command
)


@commands.command()
def show(ctx: typer.Context, entry_id: EntryId, json_: JsonOpt = False, db: DbOpt = None) -> None:
    """Show every field of one entry.

    \b
    Example:
      fibrolog show 57
    """
    entry = open_diary(ctx, db).get(entry_id)
    if json_:
        print_json(entry.to_dict())
    else:
        from fibrolog.render.console import make_console
        from fibrolog.render.entries import entry_view

        make_console().print(entry_view(entry))


@commands.command(cls=EditCommand)
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
    from fibrolog.dates import parse_at
    from fibrolog.models import InvalidEntry, tags_in_note

    now = clock()
    changes = collect(
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
    if at is not None:
        changes["at"] = checked("--at", lambda: parse_at(at, now))
    for wanted, name, empty in (
        (clear_where, "regions", ()),
        (clear_tags, "tags", ()),
        (clear_meds, "meds", ()),
        (clear_symptoms, "symptoms", {}),
        (clear_note, "note", ""),
    ):
        if wanted:
            if name in changes:
                usage(f"--clear-{name if name != 'regions' else 'where'} and a new value together")
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
