"""Is a treatment helping? The before/after review of a course, as a careful clinician reads a
diary: the latest weeks on the treatment against the weeks before it, the size of the change by
the IMMPACT benchmarks, its uncertainty, and what could confound it. Pure functions.

- Windows: the `baseline` days before the start; on the treatment, from start + `skip` days
  (the onset lag of SNRIs and pregabalin) to the day before the stop (or today), its last
  `baseline` days.
- Importance (Dworkin et al., J Pain 2008; Farrar et al., Pain 2001): a fall in mean daily pain
  of ≥ 50 % is substantial, ≥ 30 % moderate, ≥ 10 % minimal; a rise of ≥ 10 % is worse. Only
  with at least 7 days with pain in each window.
- The interval is Welch's 95 % t interval for the difference in mean daily pain, days as the
  unit (two samples of unequal variance; the t quantile by the Cornish–Fisher expansion,
  Abramowitz & Stegun 26.7.5). Days in a row are alike, so it is, if anything, too narrow.
- Bands: FIQR remission < 24, mild < 41, moderate < 64, severe < 83, else very severe (Salaffi
  et al., Rheumatology 2021); FS none ≤ 3, mild ≤ 7, moderate ≤ 11, severe ≤ 19, very severe
  (Wolfe et al., J Rheumatol 2015); the FIQR's minimal important change is a 14 % fall
  (Bennett et al., J Rheumatol 2009).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from statistics import fmean, median
from typing import Any

from msgspec import Struct

from fibrolog.analysis.days import HISTORY_DAYS
from fibrolog.analysis.flares import history_start, judge_days
from fibrolog.config import FlareSettings
from fibrolog.models import Course, DayFacts

BASELINE_DAYS = 28
SKIP_DAYS = 14
MIN_DAYS = 7  # days with pain each window needs before a change is judged
SPELL_DAYS = 90  # the days before the baseline that show whether it began in a bad spell
SPELL_MIN_DAYS = 14
SPELL_POINTS = 1.0
FIQR_MCID = 14.0  # per cent
ALL_HISTORY = HISTORY_DAYS + SPELL_DAYS  # before the baseline: the flare rules' year, the spell

Z_975 = 1.959963984540054  # the standard normal distribution's 97.5th percentile
IMPORTANCE = ((50, "substantial"), (30, "moderate"), (10, "minimal"))
FIQR_BANDS = ((24, "remission"), (41, "mild"), (64, "moderate"), (83, "severe"))
FS_BANDS = ((3, "none"), (7, "mild"), (11, "moderate"), (19, "severe"))


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def t_975(df: float) -> float:
    """Student's t distribution's 97.5th percentile for `df` degrees of freedom, by the
    Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5): within 0.0003 of the exact value
    from 5 degrees of freedom up."""
    x = Z_975
    terms = (
        (x**3 + x) / 4,
        (5 * x**5 + 16 * x**3 + 3 * x) / 96,
        (3 * x**7 + 19 * x**5 + 17 * x**3 - 15 * x) / 384,
        (79 * x**9 + 776 * x**7 + 1482 * x**5 - 1920 * x**3 - 945 * x) / 92160,
    )
    return x + sum(term / df**power for power, term in enumerate(terms, start=1))


def welch_interval(first: Sequence[float], second: Sequence[float]) -> tuple[float, float]:
    """Welch's 95 % interval for mean(first) − mean(second) (at least 2 values each)."""
    m1, m2 = fmean(first), fmean(second)
    v1 = sum((v - m1) ** 2 for v in first) / (len(first) - 1) / len(first)
    v2 = sum((v - m2) ** 2 for v in second) / (len(second) - 1) / len(second)
    if v1 + v2 == 0:
        return m1 - m2, m1 - m2
    df = (v1 + v2) ** 2 / (v1**2 / (len(first) - 1) + v2**2 / (len(second) - 1))
    half = t_975(df) * math.sqrt(v1 + v2)
    return m1 - m2 - half, m1 - m2 + half


def fiqr_band(total: float) -> str:
    return next((band for top, band in FIQR_BANDS if total < top), "very severe")


def fs_band(fs: float) -> str:
    return next((band for top, band in FS_BANDS if fs <= top), "very severe")


def importance(change_pct: float | None, change: float) -> str:
    """The IMMPACT benchmark a change in mean daily pain reaches."""
    if change_pct is None:  # mean pain was 0 before
        return "worse" if change > 0 else "none"
    for fall, name in IMPORTANCE:
        if -change_pct >= fall:
            return name
    return "worse" if change_pct >= 10 else "none"


class Window(Struct, frozen=True):
    """What the diary says of a span of days."""

    first: date
    last: date
    days_logged: int
    pain: float | None
    fatigue: float | None
    sleep_quality: float | None
    sleep_hours: float | None
    flare_days: int
    daily_pain: tuple[float, ...]

    @property
    def flare_rate(self) -> float | None:
        """Flare days per 28 logged days."""
        return 28 * self.flare_days / self.days_logged if self.days_logged else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "days_logged": self.days_logged,
            "pain": _r(self.pain),
            "fatigue": _r(self.fatigue),
            "sleep_quality": _r(self.sleep_quality),
            "sleep_hours": _r(self.sleep_hours),
            "flare_days": self.flare_days,
            "flare_rate": _r(self.flare_rate),
        }


class Spans(Struct, frozen=True):
    """The days a review looks at; `on` is None while the treatment is too young to judge,
    and `judge_from` then says from which day it can be."""

    baseline: tuple[date, date]
    on: tuple[date, date] | None
    judge_from: date | None
    course_end: date  # the last day on the treatment (the day before the stop, or today)


def spans(
    course: Course, today: date, baseline: int = BASELINE_DAYS, skip: int = SKIP_DAYS
) -> Spans:
    """The baseline window and the on-treatment window of a course."""
    end = course.stop - timedelta(days=1) if course.stop else today
    first_on = course.start + timedelta(days=skip)
    before = (course.start - timedelta(days=baseline), course.start - timedelta(days=1))
    if first_on > end:
        judge_from = first_on if course.stop is None else None  # a stopped course never will
        return Spans(before, None, judge_from, end)
    return Spans(before, (max(first_on, end - timedelta(days=baseline - 1)), end), None, end)


def reads(
    course: Course, today: date, baseline: int = BASELINE_DAYS, skip: int = SKIP_DAYS
) -> list[tuple[date, date]]:
    """The spans of days a review of `course` reads: each window with the year before it that
    the flare rules judge it by, and the 90 days before the baseline that show a bad spell;
    for a course taken as needed, its last 90 days. A course begun years ago costs two
    years of history, not all of them."""
    span = spans(course, today, baseline, skip)
    if course.as_needed:
        first = max(course.start, span.course_end - timedelta(days=SPELL_DAYS - 1))
        return [(first, span.course_end)]
    found = [(span.baseline[0] - timedelta(days=ALL_HISTORY), span.baseline[1])]
    if span.on:
        found.append((span.on[0] - timedelta(days=HISTORY_DAYS), span.on[1]))
    return found


def window(
    first: date,
    last: date,
    days: Mapping[date, DayFacts],
    flare_dates: set[date],
) -> Window:
    """The diary over [first, last]: means of the daily means, flare days and their rate."""
    inside = [day for d, day in days.items() if first <= d <= last]

    def mean_of(metric: str) -> float | None:
        daily = [m for day in inside if (m := day.mean(metric)) is not None]
        return fmean(daily) if daily else None

    pains = tuple(p for day in inside if (p := day.mean("pain")) is not None)
    return Window(
        first=first,
        last=last,
        days_logged=len(inside),
        pain=fmean(pains) if pains else None,
        fatigue=mean_of("fatigue"),
        sleep_quality=mean_of("sleep_quality"),
        sleep_hours=mean_of("sleep_hours"),
        flare_days=sum(1 for d in flare_dates if first <= d <= last),
        daily_pain=pains,
    )


def other_changes(course: Course, courses: Iterable[Course], spans_: Spans) -> list[dict[str, str]]:
    """Other courses that started, stopped or changed dose inside either window (a course
    taken as needed is a rescue, not a change of regime, and is left out)."""
    ranges = [spans_.baseline, *([spans_.on] if spans_.on else [])]

    def inside(day: date | None) -> bool:
        return day is not None and any(first <= day <= last for first, last in ranges)

    found = []
    for other in courses:
        if (other.id == course.id and other.uid == course.uid) or other.as_needed:
            continue
        events = [("started", other.start), ("stopped", other.stop)]
        events += [("dose change", d.from_) for d in other.doses[1:]]
        for event, day in events:
            if day is not None and inside(day):
                found.append({"name": other.name, "event": event, "date": day.isoformat()})
    return sorted(found, key=lambda c: (c["date"], c["name"]))


def bad_spell(before: Window, history: Mapping[date, DayFacts]) -> tuple[bool, float | None]:
    """Whether the baseline's mean pain was at least a point above the median daily pain of the
    90 days before it (with 14 of them logged): (it was, that median)."""
    first = before.first - timedelta(days=SPELL_DAYS)
    last = before.first - timedelta(days=1)
    pains = [
        p
        for d, facts in history.items()
        if first <= d <= last and (p := facts.pain_mean) is not None
    ]
    if len(pains) < SPELL_MIN_DAYS or before.pain is None:
        return False, None
    usual = median(pains)
    return before.pain - usual >= SPELL_POINTS, usual


def _latest(
    records: Sequence[Mapping[str, Any]], kind: str, first: date, last: date
) -> Mapping[str, Any] | None:
    found = [
        r
        for r in records
        if r["kind"] == kind and first <= date.fromisoformat(str(r["at"])[:10]) <= last
    ]
    return found[-1] if found else None


def assessment_change(
    course: Course, on: tuple[date, date] | None, records: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """The latest FIQR and ACR 2016 FS before the start (within 90 days) against the latest on
    the treatment, with their severity bands."""
    result: dict[str, Any] = {"fiqr": None, "fs": None}
    if on is None:
        return result
    start_window = (course.start - timedelta(days=90), course.start)
    fiqr_before = _latest(records, "fiqr", *start_window)
    fiqr_after = _latest(records, "fiqr", *on)
    if (
        fiqr_before
        and fiqr_after
        and fiqr_before["total"] is not None
        and fiqr_after["total"] is not None
    ):
        before, after = float(fiqr_before["total"]), float(fiqr_after["total"])
        change_pct = 100 * (after - before) / before if before else None
        result["fiqr"] = {
            "before": _r(before),
            "after": _r(after),
            "change_pct": _r(change_pct),
            "mcid_reached": change_pct is not None and change_pct <= -FIQR_MCID,
            "band_before": fiqr_band(before),
            "band_after": fiqr_band(after),
        }
    fs_before = _latest(records, "acr2016", *start_window)
    fs_after = _latest(records, "acr2016", *on)
    if fs_before and fs_after:
        result["fs"] = {
            "before": fs_before["fs"],
            "after": fs_after["fs"],
            "band_before": fs_band(fs_before["fs"]),
            "band_after": fs_band(fs_after["fs"]),
        }
    return result


def taken_or_not(course: Course, days: Mapping[date, DayFacts], end: date) -> dict[str, Any]:
    """For an as-needed course: mean daily pain on days it was taken against days it was not,
    over its last 90 days (from the entries' meds)."""
    first = max(course.start, end - timedelta(days=SPELL_DAYS - 1))
    taken: list[float] = []
    not_taken: list[float] = []
    for d, day in sorted(days.items()):
        pain = day.mean("pain")
        if not first <= d <= end or pain is None:
            continue
        used = any(name.casefold() == course.key for name in day.meds)
        (taken if used else not_taken).append(pain)
    result: dict[str, Any] = {
        "from": first.isoformat(),
        "to": end.isoformat(),
        "days_taken": len(taken),
        "days_not_taken": len(not_taken),
        "pain_taken": _r(fmean(taken)) if taken else None,
        "pain_not_taken": _r(fmean(not_taken)) if not_taken else None,
        "difference": None,
        "ci95": None,
    }
    if len(taken) >= MIN_DAYS and len(not_taken) >= MIN_DAYS:
        low, high = welch_interval(taken, not_taken)
        result["difference"] = _r(fmean(taken) - fmean(not_taken))
        result["ci95"] = [_r(low), _r(high)]
    return result


def review(
    course: Course,
    courses: Sequence[Course],
    days: Mapping[date, DayFacts],
    assessments: Sequence[Mapping[str, Any]],
    today: date,
    settings: FlareSettings,
    baseline: int = BASELINE_DAYS,
    skip: int = SKIP_DAYS,
) -> dict[str, Any]:
    """The review of one course (its JSON form). `days` must cover its `reads`."""
    span = spans(course, today, baseline, skip)

    def flare_dates(first: date, last: date) -> set[date]:
        """The flare days of [first, last], judged with the year before it (SPEC §5)."""
        since = history_start(first)
        judged = judge_days({d: f for d, f in days.items() if since <= d}, last, settings)
        return {d for d in judged if first <= d}

    result: dict[str, Any] = {
        "course": {
            "id": course.id,
            "name": course.name,
            "kind": course.kind,
            "as_needed": course.as_needed,
            "start": course.start.isoformat(),
            "stop": course.stop.isoformat() if course.stop else None,
            "doses": [{"dose": d.dose, "from": d.from_.isoformat()} for d in course.doses],
        },
        "baseline": None,
        "on": None,
        "judge_from": span.judge_from.isoformat() if span.judge_from else None,
        "pain_change": None,
        "pain_change_pct": None,
        "ci95": None,
        "importance": None,
        "needs_days": None,
        "other_changes": [],
        "bad_spell": False,
        "bad_spell_median": None,
        "assessments": assessment_change(course, span.on, assessments),
        "pgic": None,
        "as_needed_days": None,
    }
    if course.ratings:
        latest = course.ratings[-1]
        result["pgic"] = {
            "answer": latest.answer,
            "label": latest.label,
            "date": latest.date.isoformat(),
        }
    if course.as_needed:  # a before/after comparison does not fit a course taken as needed
        result["as_needed_days"] = taken_or_not(course, days, span.course_end)
        return result
    before = window(*span.baseline, days, flare_dates(*span.baseline))
    on = window(*span.on, days, flare_dates(*span.on)) if span.on else None
    spell, usual = bad_spell(before, days)
    result.update(
        baseline=before.to_dict(),
        on=on.to_dict() if on else None,
        other_changes=other_changes(course, courses, span),
        bad_spell=spell,
        bad_spell_median=_r(usual),
    )
    if on is None:
        return result
    change = change_pct = None
    if before.pain is not None and on.pain is not None:
        change = on.pain - before.pain
        change_pct = 100 * change / before.pain if before.pain else None
        result["pain_change"] = _r(change)
        result["pain_change_pct"] = _r(change_pct)
        if len(before.daily_pain) >= 2 and len(on.daily_pain) >= 2:
            low, high = welch_interval(on.daily_pain, before.daily_pain)
            result["ci95"] = [_r(low), _r(high)]
    short = {
        "baseline": max(0, MIN_DAYS - len(before.daily_pain)),
        "on": max(0, MIN_DAYS - len(on.daily_pain)),
    }
    if any(short.values()) or change is None:
        result["needs_days"] = short
    else:  # judged on the unrounded values
        result["importance"] = importance(change_pct, change)
    return result
