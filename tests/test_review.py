"""The arithmetic of a treatment review, on hand-made diaries (issue 14)."""

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from fibrolog.analysis.assess import AcrRecord, AcrReplies, Assessment, Criteria, FiqrRecord
from fibrolog.analysis.review import fiqr_band, fs_band, importance, review, spans, verdict
from fibrolog.analysis.stats import Interval
from fibrolog.config import FlareSettings
from fibrolog.models import Course, DayFacts, Dose, Rating

TODAY = date(2026, 11, 23)
START = date(2026, 10, 1)


def course(name: str = "duloxetine", **fields: Any) -> Course:
    fields.setdefault("start", START)
    return Course.build(uid=f"{abs(hash(name)) % 16**32:032x}", name=name, **fields)


def diary(pains: dict[date, int], meds: dict[date, str] | None = None) -> dict[date, DayFacts]:
    """A day logged with the pain given (and a med on some days), as the store reads it."""
    taken = meds or {}
    return {
        day: DayFacts(day, (pain,), False, (), meds=frozenset({taken[day]} if day in taken else ()))
        for day, pain in sorted(pains.items())
    }


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def run(
    the_course: Course,
    days: dict[date, DayFacts],
    others: tuple[Course, ...] = (),
    assessments: tuple[Assessment, ...] = (),
    **options: int,
) -> dict[str, Any]:
    """The review's JSON form, as `--json` prints it."""
    return review(
        the_course,
        [the_course, *others],
        days,
        list(assessments),
        TODAY,
        FlareSettings(threshold=11, delta=10),  # no flares unless marked: the numbers stay simple
        **options,
    ).to_json()


def steady(before: int, after: int) -> dict[date, int]:
    """Pain `before` every day of the baseline window, `after` every day on the treatment."""
    pains = {d: before for d in days(START - timedelta(days=28), START - timedelta(days=1))}
    pains.update({d: after for d in days(START, TODAY)})
    return pains


def test_windows_at_their_edges() -> None:
    running = spans(course(), TODAY)
    assert running.baseline == (date(2026, 9, 3), date(2026, 9, 30))
    assert running.on == (date(2026, 10, 27), TODAY), "the last 28 days of start+14 … today"
    stopped = spans(course(stop=date(2026, 11, 1)), TODAY)
    assert stopped.on == (date(2026, 10, 15), date(2026, 10, 31)), "the stop day is off it"
    young = spans(course(start=date(2026, 11, 15)), TODAY)
    assert young.on is None and young.judge_from == date(2026, 11, 29)
    short = spans(course(stop=date(2026, 10, 10)), TODAY)
    assert short.on is None and short.judge_from is None, "skip longer than the course"
    assert spans(course(), TODAY, baseline=14, skip=0).on == (date(2026, 11, 10), TODAY)


def test_a_steady_fall_of_a_third_is_moderate() -> None:
    result = run(course(), diary(steady(6, 4)))
    assert result["baseline"]["pain"] == 6.0 and result["on"]["pain"] == 4.0
    assert (result["pain_change"], result["pain_change_pct"]) == (-2.0, -33.33)
    assert result["importance"] == "moderate" and result["needs_days"] is None
    assert result["ci95"] == [-2.0, -2.0] and result["clear"] is True
    assert (result["baseline"]["days_logged"], result["on"]["days_logged"]) == (28, 28)
    assert result["baseline"]["flare_rate"] == 0.0


@pytest.mark.parametrize(
    "change_pct, expected",
    [
        (-50.0, "substantial"),
        (-49.99, "moderate"),
        (-30.0, "moderate"),
        (-29.99, "minimal"),
        (-10.0, "minimal"),
        (-9.99, "none"),
        (9.99, "none"),
        (10.0, "worse"),
    ],
)
def test_each_importance_band_at_its_boundary(change_pct: float, expected: str) -> None:
    assert importance(change_pct, change_pct / 10) == expected


def test_no_pain_before_makes_any_rise_worse() -> None:
    assert importance(None, 0.0) == "none" and importance(None, 1.0) == "worse"


def test_too_few_days_say_how_many_more_are_needed() -> None:
    pains = {d: 6 for d in days(date(2026, 9, 25), date(2026, 9, 30))}  # 6 days before
    pains.update({d: 4 for d in days(date(2026, 11, 20), TODAY)})  # 4 days on it
    result = run(course(), diary(pains))
    assert result["importance"] is None
    assert result["needs_days"] == {"baseline": 1, "on": 3}
    too_young = run(course(start=date(2026, 11, 15)), diary(pains))
    assert too_young["on"] is None and too_young["judge_from"] == "2026-11-29"


def test_other_courses_changing_from_the_first_baseline_day_to_the_last_are_listed() -> None:
    others = (
        course(
            "pregabalin",
            start=date(2026, 5, 1),
            doses=(Dose("75mg", date(2026, 5, 1)), Dose("150mg", date(2026, 9, 10))),
        ),
        course("cbt", kind="therapy", start=date(2026, 11, 2)),
        course("tens", kind="device", start=date(2026, 3, 1), stop=date(2026, 10, 20)),  # between
        course("yoga", kind="exercise", start=date(2026, 10, 21)),  # started between the windows
        course("ibuprofen", as_needed=True, start=date(2026, 9, 5)),  # a rescue: not a change
        course("swimming", kind="exercise", start=date(2026, 1, 5), stop=date(2026, 9, 1)),
    )
    result = run(course(), diary(steady(6, 4)), others)
    assert result["other_changes"] == [
        {"name": "pregabalin", "event": "dose change", "date": "2026-09-10"},
        {"name": "tens", "event": "stopped", "date": "2026-10-20"},
        {"name": "yoga", "event": "started", "date": "2026-10-21"},
        {"name": "cbt", "event": "started", "date": "2026-11-02"},
    ]
    assert result["confounded"] is True and result["importance"] == "moderate"


def test_a_first_dose_given_after_a_start_without_one_is_a_change() -> None:
    started_bare = course(
        "physio", kind="therapy", start=date(2026, 8, 1), doses=(Dose("weekly", date(2026, 9, 15)),)
    )
    result = run(course(), diary(steady(6, 4)), (started_bare,))
    assert result["other_changes"] == [
        {"name": "physio", "event": "dose change", "date": "2026-09-15"}
    ]


def test_an_as_needed_course_taken_often_in_the_windows_is_named() -> None:
    pains = steady(6, 4)
    often = {d: "ibuprofen" for d in pains if d.day % 4 == 0}  # 1 day in 4
    rescue = course("ibuprofen", as_needed=True, start=date(2026, 1, 1))
    result = run(course(), diary(pains, often), (rescue,))
    (use,) = result["rescue_use"]
    assert use["name"] == "ibuprofen" and use["days_logged_before"] == 28
    assert use["days_before"] == 7 and result["confounded"] is True
    seldom = {d: "ibuprofen" for d in pains if d.day == 1}
    assert run(course(), diary(pains, seldom), (rescue,))["rescue_use"] == []


def _interval(low: float, high: float) -> Interval:
    return Interval((low + high) / 2, low, high, 20.0)


def test_the_verdict_needs_the_interval_and_a_point() -> None:
    # the interval includes no change: no band, whatever the estimate
    assert verdict(-2.0, -40.0, _interval(-4.0, 0.0)) == (False, "none")
    assert verdict(2.0, 40.0, _interval(-0.1, 4.1)) == (False, "none")
    # clear: the IMMPACT band of the estimate
    assert verdict(-3.0, -50.0, _interval(-4.0, -2.0)) == (True, "substantial")
    assert verdict(-1.8, -30.0, _interval(-2.5, -1.1)) == (True, "moderate")
    assert verdict(-1.0, -10.0, _interval(-1.5, -0.5)) == (True, "minimal")
    assert verdict(-0.5, -9.99, _interval(-0.9, -0.1)) == (True, "none")
    assert verdict(1.0, 10.0, _interval(0.5, 1.5)) == (True, "worse")
    # under a point: never more than minimal, never worse (1.66 → 2.70 would be +63 %)
    assert verdict(-0.99, -60.0, _interval(-1.5, -0.5)) == (True, "minimal")
    assert verdict(0.99, 63.0, _interval(0.3, 1.7)) == (True, "none")
    assert verdict(-1.0, -60.0, _interval(-1.5, -0.5)) == (True, "substantial")


def test_a_change_within_the_noise_is_no_clear_change() -> None:
    # Pain wanders 4, 5, 6, 7 in runs of a week on both sides: a mean half a point lower on it
    # is well inside what the weeks do anyway.
    wander = [4] * 7 + [6] * 7 + [5] * 7 + [7] * 7
    pains = dict(
        zip(days(START - timedelta(days=28), START - timedelta(days=1)), wander, strict=True)
    )
    on = days(date(2026, 10, 27), TODAY)
    pains.update(dict(zip(on, [w - 0.5 for w in reversed(wander)], strict=True)))  # type: ignore[misc]
    result = run(course(), diary({d: round(p) for d, p in pains.items()}))
    assert result["clear"] is False and result["importance"] == "none"
    low, high = result["ci95"]
    assert low < 0 < high


def test_a_start_in_a_bad_spell_is_flagged() -> None:
    usual = days(START - timedelta(days=118), START - timedelta(days=29))
    pains = {d: 3 for d in usual}
    pains.update(steady(4, 3))  # the baseline exactly a point above the usual 3
    assert run(course(), diary(pains))["bad_spell"] is True
    assert run(course(), diary(pains))["bad_spell_median"] == 3.0
    pains.update({d: 3 + i % 2 for i, d in enumerate(usual)})  # usual 3.5: half a point
    assert run(course(), diary(pains))["bad_spell"] is False
    few = {d: 3 for d in days(START - timedelta(days=42), START - timedelta(days=29))}  # 14 days
    few.update(steady(5, 4))
    assert run(course(), diary(few))["bad_spell"] is True
    del few[START - timedelta(days=42)]  # 13 days: too few to say
    assert run(course(), diary(few))["bad_spell"] is False


def test_an_as_needed_course_is_compared_by_the_days_it_was_taken() -> None:
    pains = {d: 3 for d in days(date(2026, 8, 26), TODAY)}
    bad = {d for d in pains if d.day % 5 == 0}
    pains.update({d: 7 for d in bad})
    result = run(course("ibuprofen", as_needed=True), diary(pains, {d: "ibuprofen" for d in bad}))
    assert result["importance"] is None and result["pain_change"] is None
    taken = result["as_needed_days"]
    assert (taken["pain_taken"], taken["pain_not_taken"], taken["difference"]) == (7.0, 3.0, 4.0)
    assert taken["days_taken"] == len([d for d in bad if d >= date(2026, 10, 1)])


def test_self_assessments_before_and_on_it_with_bands_and_the_mcid() -> None:
    def at(day: str) -> datetime:
        return datetime.fromisoformat(f"{day}T10:00:00+01:00")

    def fiqr(day: str, total: float) -> FiqrRecord:
        return FiqrRecord(
            id=0, at=at(day), answers=(), function=None, overall=None, symptoms=None, total=total
        )

    def acr(day: str, fs: int) -> AcrRecord:
        replies = AcrReplies(0, 0, 0, False, False, False, True)
        return AcrRecord(
            id=0,
            at=at(day),
            areas=(),
            answers=replies,
            wpi=fs,
            sss=0,
            fs=fs,
            generalized_regions=0,
            criteria=Criteria(False, False, True),
            criteria_met=False,
        )

    records = (
        fiqr("2026-05-01", 80.0),  # over 90 days before the start: not used
        fiqr("2026-09-20", 50.0),
        acr("2026-09-20", 20),
        fiqr("2026-10-10", 10.0),  # inside the skipped weeks: not used
        fiqr("2026-11-20", 43.0),
        acr("2026-11-21", 12),
    )
    result = run(course(), diary(steady(6, 4)), assessments=records)
    assert result["assessments"]["fiqr"] == {
        "before": 50.0,
        "after": 43.0,
        "change_pct": -14.0,
        "mcid_reached": True,
        "band_before": "moderate",
        "band_after": "moderate",
    }
    assert result["assessments"]["fs"] == {
        "before": 20,
        "after": 12,
        "band_before": "very severe",
        "band_after": "severe",
    }


def test_severity_bands_at_their_boundaries() -> None:
    assert [fiqr_band(v) for v in (0, 23.99, 24, 40.99, 41, 63.99, 64, 82.99, 83, 100)] == [
        "remission",
        "remission",
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
        "very severe",
        "very severe",
    ]
    assert [fs_band(v) for v in (0, 3, 4, 7, 8, 11, 12, 19, 20, 31)] == [
        "none",
        "none",
        "mild",
        "mild",
        "moderate",
        "moderate",
        "severe",
        "severe",
        "very severe",
        "very severe",
    ]


def test_the_latest_rating_is_reported() -> None:
    rated = course(ratings=(Rating(5, date(2026, 10, 20)), Rating(2, date(2026, 11, 20))))
    assert run(rated, diary(steady(6, 4)))["pgic"] == {
        "answer": 2,
        "label": "much improved",
        "date": "2026-11-20",
    }
