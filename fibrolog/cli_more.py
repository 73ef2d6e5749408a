"""The rest of the command line: showing and changing entries, files, backups, the demo,
self-assessments, insights, the report and settings.

These live apart from `cli.py` because of start-up time. Typer reads options from
annotations, and building an option object costs ~0.17 M instructions; this module's ~40 would
cost every `add` ~2 ms. Here annotations are kept as text (`from __future__ import
annotations`) and Typer evaluates them only for the command that runs. `add`, `list`,
`summary` and `flares` stay in `cli.py` with ordinary annotations, which Typer reads directly.
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from fibrolog import __version__
from fibrolog.cli import (
    AtOpt,
    DbOpt,
    FatigueOpt,
    FlareOpt,
    FogOpt,
    FromOpt,
    JsonOpt,
    MedOpt,
    NoteOpt,
    PainOpt,
    SleepHoursOpt,
    SleepQualityOpt,
    StiffnessOpt,
    SymptomOpt,
    TagOpt,
    ToOpt,
    WhereOpt,
    _ask,
    _checked,
    _collect,
    _diary,
    _from_to,
    _Group,
    _now,
    _period,
    _print_json,
    _score_answer,
    _settings,
    _usage,
    command,
    commands,
)
from fibrolog.errors import FibrologError, UsageProblem

config_app = typer.Typer(cls=_Group, rich_markup_mode=None, invoke_without_command=True)
commands.add_typer(config_app, name="config")

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
