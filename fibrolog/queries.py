"""What a command asks of the diary: a week's summary or many, flares over a span, insights, the
reviews of treatment courses, the doctor's report. Each reads the span it needs once, as
date-sorted days (whole days where a view shows them, the store's light facts for the year of
history the flare rules look back on), judges the flare days once, and hands each weekly,
monthly or per-window computation its slice: a report over N weeks costs entries + weeks, not
entries × weeks.

Commands call these and render what they return; they do not decide which days to read.
"""

from __future__ import annotations  # (the analysis is imported by the queries that use it)

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from fibrolog.models import Course, DayFacts, Entry

if TYPE_CHECKING:
    from fibrolog.analysis.days import Day, PainDay
    from fibrolog.analysis.flares import Flares
    from fibrolog.analysis.insights import Insights
    from fibrolog.analysis.pacing import Pacing
    from fibrolog.analysis.review import Review
    from fibrolog.analysis.summary import Summary
    from fibrolog.config import FlareSettings, Settings
    from fibrolog.formats.report import Report
    from fibrolog.store.diary import Diary
    from fibrolog.store.documents import CheckedEntry


def entries(diary: Diary, first: date | None = None, last: date | None = None) -> list[Entry]:
    """The entries whose day lies in [first, last] (either end open), in time order."""
    return [entry for year in diary.entries_read_once(first, last) for entry in year]


def entries_streamed(
    diary: Diary,
    first: date | None = None,
    last: date | None = None,
    keep: Callable[[Entry], bool] | None = None,
) -> Iterator[Entry]:
    """The same entries (those that pass `keep`) one year file at a time, for views of the
    whole diary: memory holds one year, however many there are."""
    for year in diary.entries_read_once(first, last):
        yield from (year if keep is None else filter(keep, year))


def newest(
    diary: Diary,
    limit: int,
    keep: Callable[[Entry], bool],
    first: date | None = None,
    last: date | None = None,
) -> list[Entry]:
    """The newest `limit` entries of [first, last] that pass `keep`, oldest first; only the
    year files needed are read, newest first."""
    return diary.newest(limit, keep, first, last)


def checked_streamed(
    diary: Diary,
    first: date | None = None,
    last: date | None = None,
    keep: Callable[[Any], bool] | None = None,
) -> Iterator[CheckedEntry]:
    """As `entries_streamed`, as the store's `CheckedEntry` values: a whole-diary listing
    that only shows the entries (each field's rule checked in C, see there)."""
    for year in diary.checked_entries(first, last):
        yield from (year if keep is None else filter(keep, year))


def entries_json(
    diary: Diary,
    keep: Callable[[Any], bool] | None = None,
    first: date | None = None,
    last: date | None = None,
    depth: int = 0,
) -> Iterator[bytes]:
    """The JSON array of those entries as UTF-8, oldest first, a year file at a time (see
    `formats.export.entries_json`)."""
    from fibrolog.formats.export import entries_json as encoded

    years = diary.checked_entries(first, last)
    return encoded((y if keep is None else list(filter(keep, y)) for y in years), depth)


def highest_id(diary: Diary) -> int:
    """The highest entry id handed out so far (a bound on every id a listing shows)."""
    return diary.read_meta().next_id - 1


def days_of(
    diary: Diary, judged_from: date, whole_from: date, last: date, all_scores: bool = False
) -> dict[date, Day | DayFacts]:
    """The logged days of [judged_from, last], date-sorted: whole `Day`s from `whole_from`
    (what a view shows), light `DayFacts` before it (what the flare rules read of the
    history; with `all_scores`, every score too, for a comparison with the period before).
    One reading of each year file either way."""
    from fibrolog.analysis.days import group_days

    found: dict[date, Day | DayFacts] = {}
    if judged_from < whole_from:
        before = whole_from - timedelta(days=1)
        found.update(diary.day_facts(judged_from, before, all_scores=all_scores))
    found.update(group_days(entries(diary, whole_from, last)))
    return found


def summaries(
    diary: Diary, periods: Sequence[tuple[date, date]], rules: FlareSettings
) -> list[Summary]:
    """The summaries of `periods` (oldest first, each as long as the first or shorter), their
    flare days judged once from the year before the first of them."""
    from fibrolog.analysis.flares import judge_days
    from fibrolog.analysis.summary import summary_of, summary_reads_from

    first, last = periods[0][0], periods[-1][1]
    length = (periods[0][1] - first).days + 1
    days = days_of(diary, summary_reads_from(*periods[0]), first - timedelta(days=length), last)
    judged = judge_days(days, last, rules)
    return [summary_of(_whole(days), start, end, judged) for start, end in periods]


def courses(diary: Diary) -> list[Course]:
    """Every treatment course, by start day."""
    return diary.courses()


def flares(diary: Diary, first: date, last: date, rules: FlareSettings) -> Flares:
    """The flare days and episodes of [first, last], judged with the year before it."""
    from fibrolog.analysis.flares import flares_of, history_start

    return flares_of(diary.day_facts(history_start(first), last), first, last, rules)


def reviews(
    diary: Diary,
    chosen: Sequence[Course],
    courses: Sequence[Course],
    today: date,
    settings: FlareSettings,
    baseline: int = 28,
    skip: int = 14,
) -> list[Review]:
    """The reviews of the `chosen` courses, reading from the diary only the days each one
    looks at, as light `DayFacts`."""
    from fibrolog.analysis.assess import read_assessments
    from fibrolog.analysis.review import reads, review

    days = {
        day: facts
        for course in chosen
        for first, last in reads(course, today, baseline, skip)
        for day, facts in diary.day_facts(first, last, all_scores=True).items()
    }
    assessments = read_assessments(diary.assessments()) if chosen else []
    return [
        review(course, courses, days, assessments, today, settings, baseline, skip)
        for course in chosen
    ]


def insights(
    diary: Diary, first: date, today: date, rules: FlareSettings
) -> tuple[Insights, Pacing]:
    """Patterns of [first, today], with the reviews of the courses that began or ended in it,
    and the pacing of effort (one reading of the days for both)."""
    from fibrolog.analysis.insights import insights as find_insights
    from fibrolog.analysis.insights import reads_from
    from fibrolog.analysis.pacing import pacing_of

    # The light days with every score: what both read, a fraction of the cost of whole
    # entries over years.
    read = diary.day_facts(reads_from(first), today, all_scores=True)
    courses = diary.courses()
    changed = [c for c in courses if first <= c.start <= today or (c.stop and first <= c.stop)]
    found = reviews(diary, changed, courses, today, rules)
    return (
        find_insights(read, first, today, {c.key for c in courses}, found),
        pacing_of(read, first, today, rules),
    )


def report(
    diary: Diary,
    first: date,
    last: date,
    settings: Settings,
    made: datetime,
    name: str | None = None,
) -> Report | None:
    """The doctor's report of [first, last] (None if no entry falls in it). Whole days from a
    month before `first` (each weekly or monthly point compares with the one before); the
    previous period of the same length (the cards' comparison) and the flare rules' year of
    history before it, light."""
    from fibrolog.analysis.flares import history_start, judge_days
    from fibrolog.formats.report import report_of

    length = (last - first).days + 1
    whole_from = first - timedelta(days=31)
    judged_from = history_start(min(whole_from, first - timedelta(days=length)))
    read = days_of(diary, judged_from, whole_from, last, all_scores=True)
    whole = _whole(read)
    if not any(first <= d <= last for d in whole):
        return None
    judged = judge_days(read, last, settings.flare)
    courses = diary.courses()
    running = [c for c in courses if c.start <= last and (c.stop is None or c.stop > first)]
    found = reviews(diary, running, courses, made.date(), settings.flare)
    return report_of(
        whole, judged, first, last, settings, made, name, diary.assessments(), courses, found, read
    )


def _whole(days: Mapping[date, PainDay]) -> dict[date, Day]:
    """The whole days among `days` (the light history left out)."""
    from fibrolog.analysis.days import Day

    return {d: day for d, day in days.items() if isinstance(day, Day)}
