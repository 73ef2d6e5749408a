"""Commands on the diary's files: export and import, check, backups and restore, info."""

import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fibrolog import __version__
from fibrolog.cli.options import (
    DbOpt,
    FromOpt,
    JsonOpt,
    ToOpt,
    clock,
    command_family,
    open_diary,
    period,
    print_json,
    recovery_advice,
)
from fibrolog.errors import FibrologError
from fibrolog.text import plural

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime
    from typing import BinaryIO

commands = command_family()


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"


@commands.command()
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
    from fibrolog import queries
    from fibrolog.formats import export as exporters
    from fibrolog.store.migrations import current_schema

    now = clock()
    first, end = period(from_, to, None, now)
    diary = open_diary(ctx, db)
    counted = [0]

    def counting(years: "Iterator[list[Any]]") -> "Iterator[list[Any]]":  # memory stays flat
        for year in years:
            counted[0] += len(year)
            yield year

    # The entries' reader is made first: making it opens the diary, which completes a change
    # a crash interrupted, before the courses and self-assessments are read beside them.
    pieces: Iterator[bytes]
    if format_ is ExportFormat.json:
        pieces = exporters.iter_json(
            counting(diary.checked_entries(first, end)),
            now,
            current_schema(),
            queries.courses(diary),
            diary.assessments(),
        )
    elif format_ is ExportFormat.csv:  # read twice: the header names every symptom first
        names = exporters.symptom_names(diary.checked_entries(first, end))
        years = counting(diary.checked_entries(first, end))
        rows = exporters.iter_csv((e for year in years for e in year), names)
        pieces = (row.encode() for row in rows)
    else:
        years = counting(diary.entries_read_once(first, end))
        lines = exporters.iter_markdown(e for year in years for e in year)
        pieces = (line.encode() for line in lines)
    if output is None:
        sys.stdout.flush()  # the pieces are bytes, written under the text layer
        sys.stdout.buffer.writelines(pieces)
        return
    from fibrolog.store.safefile import write_output

    write_output(output, pieces)
    typer.echo(f"Exported {plural(counted[0], 'entry', 'entries')} to {output}")


@commands.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE", exists=True, dir_okay=False, readable=True, help="A json or csv export."
        ),
    ],
    db: DbOpt = None,
) -> None:
    """Import a JSON or CSV export. All or nothing; entries already here are skipped.

    \b
    Example:
      fibrolog import diary.json
    """
    import stat

    from fibrolog.formats import export as formats

    now = clock()
    try:
        facts = file.stat()
        # Checked before reading: /dev/zero or a FIFO would be read without end.
        if not stat.S_ISREG(facts.st_mode):
            raise FibrologError(f"cannot import {file}: it is not a regular file")
        if facts.st_size > formats.MAX_IMPORT_BYTES:
            raise FibrologError(
                f"cannot import {file}: it is {facts.st_size / 2**30:.1f} GiB, more than the "
                f"{formats.MAX_IMPORT_BYTES // 2**30} GiB an export of a lifetime's diary could be"
            )
        source = file.open("rb")
    except OSError as error:
        raise FibrologError(f"cannot read {file}: {error.strerror}") from None
    with source:
        done = _import_export(ctx, db, file, source, now)
    courses, courses_skipped = done.courses, done.courses_skipped
    assessed, assessed_skipped = done.assessments, done.assessments_skipped
    added = [plural(done.added, "entry", "entries")]
    known = [plural(done.skipped, "entry", "entries")] if done.skipped else []
    if courses or courses_skipped:  # the file holds courses
        added.append(plural(len(courses), "treatment course"))
        known += [plural(courses_skipped, "treatment course")] if courses_skipped else []
    if assessed or assessed_skipped:
        added.append(plural(assessed, "self-assessment"))
        known += [plural(assessed_skipped, "self-assessment")] if assessed_skipped else []
    line = f"Imported {_listed(added)}"
    if known:
        one = len(known) == 1 and known[0].startswith("1 ")
        line += f"; {_listed(known)} {'was' if one else 'were'} already in the diary"
    typer.echo(line + ".")


def _import_export(
    ctx: typer.Context, db: Path | None, file: Path, source: "BinaryIO", now: "datetime"
) -> Any:
    """Import an open export file: one laid out as `export` writes it a piece at a time,
    each piece proved as the store's documents and each year written as its entries end;
    any other layout (compact, CSV, edited by hand) read whole and checked entry by entry."""
    from fibrolog.formats import export as formats
    from fibrolog.store.incoming import document_of, prove

    def blocks(size: int) -> "Iterator[bytes]":
        try:
            while block := source.read(size):
                yield block
        except OSError as error:
            raise FibrologError(f"cannot read {file}: {error.strerror}") from None

    try:
        export = formats.IndentedExport(blocks(formats.BLOCK_BYTES), now)
        diary = open_diary(ctx, db)
        documents = export.entries(prove, document_of)  # proved a piece at a time
        return diary.import_documents(documents, export.others)
    except formats.OtherLayout:
        source.seek(0)
        found = formats.parse_import(b"".join(blocks(-1)), now)
        diary = open_diary(ctx, db)
        return diary.import_all(found.entries, found.courses, found.assessments)


def _listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@commands.command()
def info(ctx: typer.Context, db: DbOpt = None) -> None:
    """Show where the diary lives, how big it is, its backups and the config file.

    \b
    Example:
      fibrolog info
    """
    from fibrolog.config import config_path
    from fibrolog.render.console import make_console
    from fibrolog.render.files import info_view
    from fibrolog.text import when

    diary = open_diary(ctx, db)
    facts = [("fibrolog", __version__), ("diary folder", str(diary.folder))]
    years = diary.years()
    if not diary.exists():
        facts.append(("entries", "0 (the folder is created by the first `fibrolog add`)"))
    else:
        facts.append(("entries", str(diary.count())))
        # The first and last entries: from the first and last year files that hold any.
        first = next((es[0] for y in years if (es := diary.year_entries(y))), None)
        last = next((es[-1] for y in reversed(years) if (es := diary.year_entries(y))), None)
        for label, entry in (("first entry", first), ("last entry", last)):
            if entry is not None:
                facts.append((label, f"#{entry.id} {when(entry.at)} {entry.at.year}"))
        for year in years:
            size = diary.year_path(year).stat().st_size
            facts.append(
                ("year file" if year == years[0] else "", f"{year}.json  {size / 1024:.1f} KiB")
            )
        courses = diary.courses()
        running = sum(1 for c in courses if c.running)
        facts.append(("treatments", f"{plural(len(courses), 'course')}, {running} running"))
        assessed = len(diary.assessments())
        facts.append(("self-assessments", str(assessed)))
        backups = diary.backups()
        newest = f", newest {backups[-1].path.name}" if backups else ""
        facts.append(("backups", f"{len(backups)} in {diary.backups_dir}{newest}"))
        from fibrolog.store.combine import last_merge  # issue 19

        if merged := last_merge(diary):
            facts.append(("last merge", f"{merged[0]:%Y-%m-%d %H:%M} {merged[1]}"))
    facts.append(("config", str(config_path())))
    make_console().print(info_view(facts))


@commands.command()
def check(ctx: typer.Context, json_: JsonOpt = False, db: DbOpt = None) -> None:
    """Check that the diary is whole: every file, every entry, ids and the id counter.

    It only reads: nothing is written, not even the lock file. Exit 0 when whole, 1 if not.
    Temporary files left by an interrupted save are reported (the next change removes them).

    \b
    Examples:
      fibrolog check
      fibrolog check --json
    """
    diary = open_diary(ctx, db, merge_copies=False)
    if not diary.exists():
        if json_:
            print_json({"folder": str(diary.folder), "whole": True, "entries": 0})
        else:
            typer.echo(f"No diary in {diary.folder} yet: nothing to check.")
        return
    from fibrolog.store.combine import sync_problems
    from fibrolog.store.journal import pending
    from fibrolog.store.recovery import checkup

    journal = pending(diary.folder)
    if journal is not None:
        # The files are part way through one change: a crash interrupted it after it was
        # decided. Reading them now would report the half; the next command completes it.
        if json_:
            print_json({"folder": str(diary.folder), "whole": False, "journal": journal.name})
        raise FibrologError(
            f"a change to the diary was interrupted; {journal} records it, and the next "
            f"fibrolog command completes it (for example: fibrolog --db "
            f"{shlex.quote(str(diary.folder))} list)"
        )
    found = checkup(diary)
    problems = found.problems + [(message, None) for message in sync_problems(diary)]
    damaged = sorted({path for _, path in problems if path is not None})
    entries = 0 if problems else found.entries
    stale = diary.stale_temp_files()
    if json_:
        print_json(
            {
                "folder": str(diary.folder),
                "whole": not problems,
                "entries": entries if not problems else None,
                "year_files": len(diary.years()),
                "problems": [message for message, _ in problems],
                "damaged_files": [path.name for path in damaged],
                "stale_temp_files": [path.name for path in stale],
                "damaged_copies": [path.name for path in diary.damaged_copies()],
            }
        )
    else:
        from fibrolog.render.console import make_console
        from fibrolog.render.files import check_view

        make_console().print(
            check_view(
                [message for message, _ in problems],
                str(diary.folder),
                entries,
                len(diary.years()),
                [path.name for path in stale],
                [path.name for path in diary.damaged_copies()],
            )
        )
    if problems:
        advice = " ".join(recovery_advice(diary, path) for path in damaged)
        raise FibrologError(
            f"the diary in {diary.folder} has {plural(len(problems), 'problem')}."
            + (f" {advice}" if advice else "")
        )


@commands.command()
def backups(ctx: typer.Context, json_: JsonOpt = False, db: DbOpt = None) -> None:
    """List the backups (made before edits, deletes, imports and restores, and daily).

    A backup holding a damaged file (one taken of a file that was already damaged) is
    marked; `fibrolog restore latest` passes over it.

    \b
    Example:
      fibrolog backups
    """
    import contextlib

    from fibrolog.store.recovery import damaged_files
    from fibrolog.store.storage import load_tables

    diary = open_diary(ctx, db)
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
                "damaged": damaged_files(backup),
            }
        )
    if json_:
        print_json(rows)
        return
    if not rows:
        typer.echo(f"No backups yet in {diary.backups_dir}.")
        return
    from fibrolog.render.console import make_console
    from fibrolog.render.files import backups_view

    console = make_console()
    console.print(backups_view(rows, console.width))


@commands.command()
def restore(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(metavar="NAME", help="A backup name from `fibrolog backups`, or latest."),
    ],
    file: Annotated[
        list[str] | None,
        typer.Option("--file", help="Restore only this file of the backup, e.g. 2026.json."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Put a backup's files back into the diary (the current ones are backed up first).

    `latest` is the newest backup with good copies of the files you restore.

    \b
    Examples:
      fibrolog backups
      fibrolog restore 20261123T091500
      fibrolog restore latest --file 2026.json
    """
    from fibrolog.store.recovery import find_backup, restore_backup, restore_counts

    diary = open_diary(ctx, db)
    backup = find_backup(diary, name, file or ())
    files = ", ".join(file or [f.name for f in backup.files])
    if not yes:
        counts = restore_counts(diary, backup, file or ())
        typer.confirm(
            f"Replace {files} in {diary.folder} with the copies from {backup.path.name}"
            f"{f' (entries: {counts})' if counts else ''}? "
            "(the current files are backed up first)",
            abort=True,
        )
    done = restore_backup(diary, backup, file or ())
    lines = [f"Restored {files} from {backup.path.name}."]
    if done.brought_back:
        lines.append(f"It brings back {_entries(done.brought_back)} deleted since then.")
    if done.reverted:
        lines.append(f"It undoes the changes made since then to {_entries(done.reverted)}.")
    if done.left_out:
        lines.append(
            f"It leaves out {_entries(done.left_out)} added since then (kept in the copy below)."
        )
    if done.unreadable:
        lines.append(f"The damaged {', '.join(done.unreadable)} it replaced could not be counted.")
    if not (done.brought_back or done.reverted or done.left_out or done.unreadable):
        lines.append("The entries are the same as before.")
    if done.safety:
        lines.append(f"The files it replaced are in {done.safety}.")
    typer.echo("\n".join(lines))


def _entries(ids: tuple[int, ...]) -> str:
    """'1 entry (#7)', '3 entries (#2, #5, #9)'."""
    return f"{plural(len(ids), 'entry', 'entries')} ({', '.join(f'#{i}' for i in ids)})"


@commands.command()
def salvage(
    ctx: typer.Context,
    file: Annotated[
        str, typer.Argument(metavar="FILE", help="The damaged file, e.g. 2026.json or meta.json.")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Save what can still be read of a damaged diary file, when no backup has a good copy.

    The damaged file is kept beside the diary (as FILE.damaged-<time>); a fresh file takes
    its place with every entry that can still be read. For meta.json, the id counter is
    rebuilt above every id the diary still knows.

    \b
    Example:
      fibrolog salvage 2026.json
    """
    from fibrolog.store.recovery import is_whole, salvage_file

    diary = open_diary(ctx, db)
    whole = f"{file} is whole: there is nothing to salvage."
    if file in {p.name for p in diary.data_files()} and is_whole(diary, file):
        typer.echo(whole)
        return
    if not yes:
        typer.confirm(
            f"Move the damaged {file} aside and save what can still be read of it?", abort=True
        )
    done = salvage_file(diary, file)
    if done.damaged_copy is None:  # made whole meanwhile
        typer.echo(whole)
        return
    if file == "meta.json":
        said = f"Rebuilt meta.json: the next entry will be #{done.next_id}."
    else:
        kind = {"assessments.json": "assessment", "treatments.json": "course"}.get(file)
        kept = plural(done.kept, kind) if kind else plural(done.kept, "entry", "entries")
        said = f"Saved {kept} of {file}"
        said += (
            f"; {done.lost} more could not be read." if done.lost else "; nothing else was found."
        )
    typer.echo(f"{said}\nThe damaged file is kept as {done.damaged_copy}.")
