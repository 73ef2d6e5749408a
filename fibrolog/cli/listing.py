"""Commands that show entries: list (and its other name, log) and show.

They read the diary through queries.py and render with Rich, loaded inside the command.
"""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from fibrolog.cli.entries import SCORE, EntryId, parse_tags
from fibrolog.cli.options import (
    DbOpt,
    FromOpt,
    JsonOpt,
    LastOpt,
    ToOpt,
    checked,
    clock,
    command_family,
    open_diary,
    period,
    print_json,
    whole,
)

if TYPE_CHECKING:
    from fibrolog.models import Entry

commands = command_family()


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

    from fibrolog import queries

    diary = open_diary(ctx, db)
    filtered = bool(tags or areas or min_pain is not None or flare_only)
    if json_ and not limit:
        sys.stdout.flush()  # the pieces are bytes, written under the text layer
        sys.stdout.buffer.writelines(
            queries.entries_json(diary, keep if filtered else None, first, end)
        )
        sys.stdout.write("\n")
        return
    entries = queries.newest(diary, limit, keep, first, end) if limit else None
    if json_:
        from fibrolog.formats.export import json_array

        sys.stdout.writelines(json_array(e.to_dict() for e in entries or ()))
        sys.stdout.write("\n")
        return
    from fibrolog.render.console import make_console
    from fibrolog.render.entries import entries_view, given_way, print_streamed

    console = make_console()
    if entries is not None and len(entries) <= console.height:
        hint = f"The newest {limit} shown; -n 0 shows all." if len(entries) == limit else ""
        for part in entries_view(entries, console.width, hint):
            console.print(part)
        return
    # More than a screenful: printed row by row as the year files are read.
    hint = f"The newest {limit} shown; -n 0 shows all." if entries and len(entries) == limit else ""
    if entries is None:
        streamed = queries.checked_streamed(diary, first, end, keep if filtered else None)
        print_streamed(console, streamed, queries.highest_id(diary), hint)
    else:  # read already: the columns with no value give way to the details
        highest = queries.highest_id(diary)
        hidden = given_way(entries, console.width, highest)
        print_streamed(console, entries, highest, hint, hidden)


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
