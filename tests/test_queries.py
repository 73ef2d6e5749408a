"""queries.py reads a span once and slices it: the slicing changes no number."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from fibrolog import queries
from fibrolog.analysis.days import METRICS
from fibrolog.analysis.flares import flares as flares_of_entries
from fibrolog.analysis.summary import summarize, summary_reads_from
from fibrolog.config import Settings
from fibrolog.formats.report import months, weeks
from fibrolog.store.diary import Diary

from .conftest import Run

TODAY = date(2026, 11, 23)
SETTINGS = Settings()


@pytest.fixture
def diary(run: Run, diary_dir: Path) -> Diary:
    """Three years of demo entries, two a day, ending today."""
    assert run("--db", str(diary_dir), "demo", "--days", "1100", "--seed", "7").exit_code == 0
    return Diary(diary_dir)


def test_the_store_reads_the_same_entries_either_way(diary: Diary) -> None:
    spans = ((None, None), (date(2025, 2, 3), date(2026, 1, 9)), (date(2026, 11, 16), TODAY))
    for first, last in spans:  # the whole diary, years, a week (read entry by entry)
        read_once = queries.entries(diary, first, last)
        assert read_once == diary.entries(first, last)
        assert [e.id for e in read_once] == [e.id for e in diary.entries(first, last)]
        assert list(queries.entries_streamed(diary, first, last)) == read_once


def test_many_summaries_read_once_equal_each_summary_on_its_own(diary: Diary) -> None:
    periods = [
        (date(2026, 11, 16) - timedelta(weeks=n), date(2026, 11, 22) - timedelta(weeks=n))
        for n in range(30, -1, -1)
    ]
    sliced = queries.summaries(diary, periods, SETTINGS.flare)
    # The old way: every week filters, groups and judges the whole span again.
    history = diary.day_facts(summary_reads_from(*periods[0]), periods[-1][1])
    entries = diary.entries(periods[0][0] - timedelta(days=7), periods[-1][1])
    for (first, last), summary in zip(periods, sliced, strict=True):
        alone = summarize(entries, first, last, SETTINGS.flare, history)
        assert summary.to_dict() == alone.to_dict()


def test_flares_equal_those_of_the_entries(diary: Diary) -> None:
    first, last = date(2025, 6, 1), TODAY
    entries = diary.entries(first - timedelta(days=365), last)
    expected = flares_of_entries(entries, first, last, SETTINGS.flare)
    assert queries.flares(diary, first, last, SETTINGS.flare).to_dict() == expected.to_dict()


@pytest.mark.parametrize("span_weeks", [12, 104, 150])
def test_a_long_report_equals_week_by_week_the_summaries_of_those_weeks(
    diary: Diary, span_weeks: int
) -> None:
    first = date(2026, 11, 23) - timedelta(weeks=span_weeks - 1)
    made = datetime(2026, 11, 23, 9, 15)
    report = queries.report(diary, first, TODAY, SETTINGS, made)
    assert report is not None
    monthly = span_weeks > 104
    assert report.every == ("Monthly" if monthly else "Weekly")
    spans = months(first, TODAY) if monthly else weeks(first, TODAY, "monday")
    assert [(p.first, p.last) for p in report.points] == spans
    entries = diary.entries(first - timedelta(days=400), TODAY)
    for point in report.points:
        alone = summarize(entries, point.first, point.last, SETTINGS.flare)
        assert point.means == {m: alone.metrics[m].mean for m in METRICS}, point.first
    whole = summarize(
        diary.entries(summary_reads_from(first, TODAY), TODAY), first, TODAY, SETTINGS.flare
    )
    assert report.summary.metrics == whole.metrics
    assert report.summary.regions == whole.regions and report.summary.tags == whole.tags
    assert report.summary.entries == whole.entries


def test_a_report_of_an_empty_span_is_none(diary: Diary) -> None:
    made = datetime(2026, 11, 23, 9, 15)
    assert queries.report(diary, date(2001, 1, 1), date(2001, 3, 1), SETTINGS, made) is None


@pytest.mark.parametrize("weeks_back", [13, 150])
def test_insights_from_the_light_days_equal_those_of_whole_entries(
    diary: Diary, weeks_back: int
) -> None:
    """Insights and pacing read the store's light `DayFacts`; what they find is what the whole
    entries give (the demo logs meds, sleep, tags, exertion and two entries a day)."""
    from fibrolog.analysis.days import group_days
    from fibrolog.analysis.flares import judge_days
    from fibrolog.analysis.insights import insights, reads_from
    from fibrolog.analysis.pacing import pacing

    first = TODAY - timedelta(weeks=weeks_back)
    found, paced = queries.insights(diary, first, TODAY, SETTINGS.flare)
    whole = group_days(diary.entries(reads_from(first), TODAY))
    courses = diary.courses()
    expected = insights(whole, first, TODAY, {c.key for c in courses}, found.treatments)
    assert found.to_json() == expected.to_json()
    # The demo's meds are all courses (left to their reviews): compared here without them.
    light = diary.day_facts(reads_from(first), TODAY, all_scores=True)
    with_meds = insights(whole, first, TODAY)
    assert weeks_back < 150 or with_meds.meds
    assert insights(light, first, TODAY).to_json() == with_meds.to_json()
    flare_days = judge_days(whole, TODAY, SETTINGS.flare).keys()
    assert paced.enough and paced.to_dict() == pacing(whole, flare_days, first, TODAY).to_dict()
