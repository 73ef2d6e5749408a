"""Commands of the daily habit: `status` (a line for a shell prompt), `again` (the usual
entry in one word) and `remind` (a nudge at a set time when nothing was logged)."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from fibrolog.cli.entries import (
    FlareOpt,
    MedOpt,
    NoteOpt,
    SleepHoursOpt,
    SymptomOpt,
    TagOpt,
    WhereOpt,
    YesOpt,
    with_score_options,
)
from fibrolog.cli.options import (
    AtOpt,
    DbOpt,
    JsonOpt,
    chosen_folder,
    clock,
    command_family,
    load_settings,
    open_diary,
    print_json,
    usage,
)
from fibrolog.errors import UsageProblem

if TYPE_CHECKING:
    from fibrolog.store.diary import Diary

commands = command_family()


@commands.command()
def status(
    ctx: typer.Context,
    prompt: Annotated[
        bool,
        typer.Option(
            "--prompt",
            help="Short, for a shell prompt: fl:5 (logged, latest pain 5), fl:✓ (logged, no "
            "pain given), fl:– (nothing yet today).",
        ),
    ] = False,
    db: DbOpt = None,
) -> None:
    """One line: have you logged today, and your latest pain.

    Made for a shell prompt or a status bar: it is the quickest command there is.

    \b
    Examples:
      fibrolog status            (logged today 3× · pain 5)
      fibrolog status --prompt   (fl:5, or fl:– before the day's first entry)
    """
    from fibrolog.cli.status import diary_folder, status_line

    typer.echo(status_line(diary_folder(chosen_folder(ctx, db)), prompt))


# What `again` copies from the entry it repeats: what stays the same from day to day. Scores,
# the note and the flare mark are about that moment, so they are not copied.
REPEATED = ("regions", "tags", "meds", "symptoms")


def ask_pain(usual: int | None) -> int | None:
    """'Pain 0–10 [5]: ' — Enter keeps the usual pain (or, with none, skips)."""
    from fibrolog.cli.options import ask
    from fibrolog.errors import UsageProblem
    from fibrolog.models import read_score

    if usual is None:
        return ask("Pain 0–10", read_score)
    while True:
        text = typer.prompt("Pain 0–10", default=str(usual), prompt_suffix=": ")
        try:
            return read_score(text)
        except (UsageProblem, ValueError) as error:
            typer.echo(f"  {error} (Enter keeps {usual})", err=True)


def given_fields(params: dict[str, Any]) -> dict[str, Any]:
    """The entry fields a command's options gave (add's, edit's and again's options)."""
    from fibrolog.cli.entries import collect
    from fibrolog.models import SCORES

    given = collect(
        {name: params.get(name) for name in SCORES},
        sleep_hours=params.get("sleep_hours"),
        where=params.get("where"),
        tag=params.get("tag"),
        med=params.get("med"),
        symptom=params.get("symptom"),
        flare=params.get("flare"),
        note=params.get("note"),
    )
    if given.get("flare") is False:
        del given["flare"]  # --no-flare on a new entry is the default
    return given


def preset_fields(ctx: typer.Context, name: str, options: str) -> dict[str, Any]:
    """The fields of a preset: its options read as `again` reads its own."""
    import shlex

    from typer._click.exceptions import UsageError  # typer 0.28 vendors click

    try:
        preset = ctx.command.make_context(ctx.info_name, shlex.split(options), parent=ctx.parent)
    except UsageError as error:
        raise UsageProblem(f"preset '{name}' ({options}): {error.message}") from None
    return given_fields(preset.params)


def usual_entry(
    ctx: typer.Context, diary: "Diary", template: str | None
) -> tuple[dict[str, Any], int | None, str]:
    """What `again` repeats: the fields of the preset named `template`, of entry #template, or
    of the latest entry with something to repeat; with that entry's pain (the default of the
    pain question) and words naming where the fields came from."""
    if template is not None:  # the settings are read only for a name: most days have none
        presets = load_settings().preset
        if template in presets:
            return preset_fields(ctx, template, presets[template]), None, f"preset '{template}'"
        if not template.isdigit() or int(template) < 1:
            named = f"; presets: {', '.join(presets)}" if presets else ""
            usage(
                f"'{template}' is neither an entry number nor a preset{named} "
                '(make one with `fibrolog config set preset.NAME "-t rest"`)'
            )
        usual = diary.get(int(template))
    else:  # the latest entry with something to repeat (not a quick pain-only check-in)
        latest = diary.newest(1, lambda entry: any(getattr(entry, n) for n in REPEATED))
        if not latest:
            usage(
                "nothing to repeat yet: no entry has areas, tags, meds or symptoms; "
                "log one with `fibrolog add`"
            )
        usual = latest[0]
    fields = {name: getattr(usual, name) for name in REPEATED}
    return fields, usual.pain, f"entry #{usual.id}"


@commands.command()
@with_score_options(after="template")
def again(
    ctx: typer.Context,
    template: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID|PRESET]",
            help="The entry to repeat (default: your latest), or a preset's name.",
            show_default=False,
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
    """Log your usual entry again, in one word.

    It copies the areas, tags, meds and other symptoms of your latest entry that has some
    (or of entry ID), now. Scores, the note and the flare mark are not copied; on a terminal
    it asks only for pain. Any option you give replaces that field. A preset is a named set
    of options: `fibrolog config set preset.NAME "OPTIONS"`.

    \b
    Examples:
      fibrolog again               (asks "Pain 0–10 [5]:", Enter keeps 5)
      fibrolog again 57 -p 4       (like entry #57, with pain 4)
      fibrolog again -p 6 -t walk  (the latest again, tagged walk instead)
      fibrolog again morning       (a preset: config set preset.morning "-t rest")
    """
    import sys
    import uuid

    from fibrolog.cli.entries import entry_moment, with_note_tags
    from fibrolog.models import Entry, InvalidEntry
    from fibrolog.text import headline

    now = clock(zone_rules=at is not None)  # only another wall time needs the zone's rules
    moment = entry_moment(at, now, yes) if at is not None else now
    given = given_fields(ctx.params)  # the options above, read as add and a preset read them
    diary = open_diary(ctx, db)
    fields, usual_pain, source = usual_entry(ctx, diary, template)
    fields |= given
    if "pain" not in given and sys.stdin.isatty():
        pain = ask_pain(usual_pain)
        if pain is not None:
            fields["pain"] = pain
    if not any(fields.values()) and "flare" not in fields:
        usage(
            f"{source} has no areas, tags, meds or symptoms to repeat: "
            "give a value, e.g. `fibrolog again -p 5`"
        )
    try:
        entry = Entry.build(uid=uuid.uuid4().hex, at=moment, logged=now, **with_note_tags(fields))
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    stored = diary.add(entry)
    if json_:
        print_json(stored.to_dict())
    else:
        typer.echo(f"Logged {headline(stored, now.year)}")
