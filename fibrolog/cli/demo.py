"""`fibrolog demo`: a realistic made-up diary, in a folder of its own, and its views."""

from typing import Annotated

import typer

from fibrolog.cli.options import (
    DbOpt,
    clock,
    command_family,
    data_folder,
    load_settings,
    named_folder,
    open_diary,
    read_reviews,
    whole,
)
from fibrolog.errors import FibrologError

commands = command_family()


@commands.command()
def demo(
    ctx: typer.Context,
    days: Annotated[
        int,
        typer.Option("--days", parser=whole(1, 36500), metavar="<days>", help="Days of data."),
    ] = 84,
    per_day: Annotated[
        int,
        typer.Option("--per-day", parser=whole(1, 24), metavar="<1-24>", help="Entries a day."),
    ] = 2,
    # Seed 3 makes a first look show every view at work: a few flares with triggers, and a
    # new drug whose review shows the fall of about a third the demo gives it.
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same diary.")] = 3,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a non-empty --db diary (backed up first).")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Fill a demo diary with realistic made-up data and show its summary and flares.

    Writes to its own `demo` folder, or to a folder you name with --db; never to your
    diary (not even the one $FIBROLOG_DB names).

    \b
    Examples:
      fibrolog demo
      fibrolog demo --days 365 --per-day 5 --db /tmp/try
    """
    import shlex
    from datetime import timedelta

    from fibrolog.analysis.flares import flares as find_flares
    from fibrolog.analysis.flares import history_start
    from fibrolog.analysis.summary import summarize
    from fibrolog.dates import week_start_of
    from fibrolog.demo import NEW_DRUG, courses, entries_of
    from fibrolog.render.console import make_console
    from fibrolog.render.summary import flares_view, summary_view
    from fibrolog.render.treatments import reviews_view
    from fibrolog.store.diary import Diary

    # Only an explicit --db: $FIBROLOG_DB names the user's own diary.
    if named_folder(ctx, db):
        diary = open_diary(ctx, db)
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
        diary = Diary(data_folder() / "demo")
        if diary.exists():
            diary.clear()
    now = clock()
    stored = diary.add_all(entries_of(days, per_day, seed, now))  # a year at a time
    made = diary.add_courses(courses(days, now))
    typer.echo(
        f"Made {stored} demo entries over {days} days and {len(made)} treatment courses "
        f"in {diary.folder}\n"
    )
    settings = load_settings()
    first = week_start_of(now.date(), settings.week_start)
    entries = diary.entries(history_start(first - timedelta(days=90)), now.date())
    console = make_console()
    week = summarize(entries, first, first + timedelta(days=6), settings.flare)
    console.print(summary_view(week, console.width, made))
    console.print()
    found = find_flares(entries, now.date() - timedelta(days=89), now.date(), settings.flare)
    console.print(flares_view(found, console.width))
    drug = [c for c in made if c.name == NEW_DRUG]
    if drug:
        console.print()
        results = read_reviews(diary, drug, made, now.date(), settings.flare)
        console.print(reviews_view(results, console.width, "Is the new treatment helping?"))
    where = shlex.quote(str(diary.folder))
    typer.echo(
        f"\nLook further:\n  fibrolog --db {where} summary --weeks 4\n"
        f"  fibrolog --db {where} list --flare\n  fibrolog --db {where} flares --last 6m\n"
        f"  fibrolog --db {where} treatment review"
    )
