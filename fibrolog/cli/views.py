"""Commands that show the pattern: summary, flares, insights and the doctor's report."""

from pathlib import Path
from typing import Annotated

import typer

from fibrolog.cli.options import (
    DbOpt,
    FromOpt,
    JsonOpt,
    LastOpt,
    ToOpt,
    checked,
    clock,
    command_family,
    from_to,
    load_settings,
    number,
    open_diary,
    period,
    print_json,
    read_reviews,
    usage,
    whole,
)

commands = command_family()


@commands.command()
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
        typer.Option(
            "--weeks",
            parser=whole(1, 520),
            metavar="<1-520>",
            help="The N weeks ending with --week, a row each.",
        ),
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

    from fibrolog.analysis.summary import summarize, summary_reads_from
    from fibrolog.dates import parse_month, parse_week

    settings = load_settings()
    now = clock()
    ranged = from_ is not None or to is not None
    if sum((week is not None, month is not None, ranged)) > 1:
        usage("choose one period: --week, --month, or --from/--to")
    if weeks and (month is not None or ranged):
        usage("--weeks goes with --week (or alone), not with --month or --from/--to")
    if month is not None:
        first, last = checked("--month", lambda: parse_month(month))
    elif ranged:
        first, last = from_to(from_, to, now)
    else:
        chosen = "this" if week is None else week
        first = checked("--week", lambda: parse_week(chosen, now, settings.week_start))
        last = first + timedelta(days=6)
    periods = [(first, last)]
    if weeks:
        periods = [
            (first - timedelta(weeks=n), last - timedelta(weeks=n))
            for n in range(weeks - 1, -1, -1)
        ]
    diary = open_diary(ctx, db)
    # Whole entries for the periods and the one before; the year of flare history, light.
    history = diary.day_facts(summary_reads_from(*periods[0]), last)
    length = (periods[0][1] - periods[0][0]).days + 1
    entries = diary.entries(periods[0][0] - timedelta(days=length), last)
    results = [summarize(entries, s, e, settings.flare, history) for s, e in periods]
    if json_:
        print_json([r.to_dict() for r in results] if weeks else results[0].to_dict())
        return
    from fibrolog.render.console import make_console
    from fibrolog.render.summary import summary_view, weeks_view

    console = make_console()
    if weeks:
        console.print(weeks_view(results, console.width))
    else:
        console.print(summary_view(results[0], console.width, diary.courses()))


@commands.command()
def flares(
    ctx: typer.Context,
    from_: FromOpt = None,
    to: ToOpt = None,
    last: LastOpt = None,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            parser=number(0, 10),
            metavar="<0-10>",
            help="Pain mean that makes a day severe.",
        ),
    ] = None,
    delta: Annotated[
        float | None,
        typer.Option(
            "--delta",
            parser=number(0.01, 10),
            metavar="<points>",
            help="Points above baseline that make a flare.",
        ),
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

    from msgspec.structs import replace

    from fibrolog.analysis.flares import flares_of, history_start

    now = clock()
    first, end = period(from_, to, last, now)
    end = end or now.date()
    first = first or end - timedelta(days=89)
    if first > end:
        usage(f"--from {first} is after --to {end}")
    rules = load_settings().flare
    if threshold is not None:
        rules = replace(rules, threshold=threshold)
    if delta is not None:
        rules = replace(rules, delta=delta)
    days = open_diary(ctx, db).day_facts(history_start(first), end)
    result = flares_of(days, first, end, rules)
    if json_:
        print_json(result.to_dict())
    else:
        from fibrolog.render.console import make_console
        from fibrolog.render.summary import flares_view

        console = make_console()
        console.print(flares_view(result, console.width))


@commands.command()
def insights(
    ctx: typer.Context,
    last: Annotated[
        str, typer.Option("--last", help="The span ending today: 90d, 6m, 1y.")
    ] = "90d",
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Patterns in your own data: sleep and pain, tags, treatments, weekdays — with numbers.

    Treatment courses that started or stopped in the period get their review; a med with
    no course recorded is compared before and after its first use.

    \b
    Examples:
      fibrolog insights
      fibrolog insights --last 6m --json
    """
    from fibrolog.analysis.insights import insights as find_insights
    from fibrolog.analysis.insights import reads_from
    from fibrolog.dates import parse_span

    now = clock()
    first = checked("--last", lambda: parse_span(last, now.date()))
    diary = open_diary(ctx, db)
    entries = diary.entries(reads_from(first), now.date())
    courses = diary.courses()
    changed = [c for c in courses if first <= c.start <= now.date() or (c.stop and first <= c.stop)]
    reviews = read_reviews(diary, changed, courses, now.date(), load_settings().flare)
    result = find_insights(entries, first, now.date(), {c.key for c in courses}, reviews)
    from fibrolog.analysis.pacing import pacing_of

    paced = pacing_of(entries, first, now.date(), load_settings().flare)
    if json_:
        print_json(result.to_json() | {"pacing": paced.to_dict()})
    else:
        from fibrolog.render.console import make_console
        from fibrolog.render.insights import insights_view
        from fibrolog.render.pacing import pacing_view

        console = make_console()
        console.print(insights_view(result, console.width))
        console.print(pacing_view(paced, console.width))


@commands.command()
def report(
    ctx: typer.Context,
    weeks: Annotated[
        int,
        typer.Option(
            "--weeks", parser=whole(1, 104), metavar="<1-104>", help="The N weeks ending today."
        ),
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
    from fibrolog.formats.report import build, has_entries, reads_from
    from fibrolog.store.safefile import write_output

    now = clock()
    settings = load_settings()
    if from_ is not None or to is not None:
        first, last = from_to(from_, to, now)
    else:
        last = now.date()
        first = week_start_of(last, settings.week_start) - timedelta(weeks=weeks - 1)
    diary = open_diary(ctx, db)
    entries = diary.entries(reads_from(first, last), last)
    if not has_entries(entries, first, last):
        typer.echo(f"No entries between {first} and {last}, so there is nothing to report yet.")
        return
    courses = diary.courses()
    running = [c for c in courses if c.start <= last and (c.stop is None or c.stop > first)]
    reviews = read_reviews(diary, running, courses, now.date(), settings.flare)
    # The report still reads the reviews' JSON form until it takes the typed `Review`.
    page = build(
        entries,
        first,
        last,
        settings,
        now,
        name,
        diary.assessments(),
        courses,
        [r.to_json() for r in reviews],
    )
    target = output or Path(f"fibrolog-report-{first}-{last}.html")
    write_output(target, page.encode())
    typer.echo(str(target))
