"""Is a treatment helping? The before/after review of a course, as a careful clinician reads a
diary: the latest weeks on the treatment against the weeks before it, whether the change is
clear of the diary's own noise, its size by the IMMPACT benchmarks, and what could confound it.
Pure functions; the result is a declared `Review`, encoded to the JSON of `--json`.

- Windows: the `baseline` days before the start; on the treatment, from start + `skip` days
  (the onset lag of SNRIs and pregabalin) to the day before the stop (or today), its last
  `baseline` days.
- The interval: 95 % for the difference in mean daily pain (and fatigue and sleep), allowing
  for days that come in runs, with the likeness of days read from the person's own year before
  the start and the window on it (`fibrolog.analysis.stats`, whose docstring gives the method
  and why it was chosen; `benchmarks/calibration.py` measures it).
- The verdict needs the interval. When the interval includes no change, the verdict is "no
  clear change" (`clear` false, `importance` "none"). Only a clear change gets a band
  (Dworkin et al., J Pain 2008; Farrar et al., Pain 2001): a fall in mean daily pain of ≥ 50 %
  is substantial, ≥ 30 % moderate, ≥ 10 % minimal; a rise of ≥ 10 % is worse. A change of less
  than 1 point (about the smallest change patients notice: Salaffi et al., Eur J Pain 2004) is
  never called more than minimal, nor worse. Only with at least 7 days with pain each side.
- Confounders: every other course that starts, changes dose or stops from the first baseline
  day to the last day on the treatment (so one begun in the weeks between the windows is named
  too), and any as-needed course taken on at least 1 logged day in 5 of either window.
- Bands: FIQR remission < 24, mild < 41, moderate < 64, severe < 83, else very severe (Salaffi
  et al., Rheumatology 2021); FS none ≤ 3, mild ≤ 7, moderate ≤ 11, severe ≤ 19, very severe
  (Wolfe et al., J Rheumatol 2015); the FIQR's minimal important change is a 14 % fall
  (Bennett et al., J Rheumatol 2009).
"""

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from statistics import fmean, median
from typing import Any, Literal

import msgspec
from msgspec import Struct, field

from fibrolog.analysis.assess import AcrRecord, Assessment, FiqrRecord
from fibrolog.analysis.days import HISTORY_DAYS
from fibrolog.analysis.flares import history_start, judge_days
from fibrolog.analysis.stats import Interval, Likeness, likeness, mean_difference
from fibrolog.config import FlareSettings
from fibrolog.models import Course, DayFacts, Dose

BASELINE_DAYS = 28
SKIP_DAYS = 14
MIN_DAYS = 7  # days with pain each window needs before a change is judged
SPELL_DAYS = 90  # the days before the baseline that show whether it began in a bad spell
SPELL_MIN_DAYS = 14
SPELL_POINTS = 1.0
NOTICEABLE = 1.0  # points: a smaller change is never more than minimal, nor worse
RESCUE_SHARE = 0.2  # an as-needed course taken on this share of a window's days confounds it
RESCUE_MIN_DAYS = 3
FIQR_MCID = 14.0  # per cent
ALL_HISTORY = HISTORY_DAYS + SPELL_DAYS  # before the baseline: the flare rules' year, the spell
SETTLE_MAX_DAYS = 365  # longer windows than this are not suggested

IMPORTANCE = ((50, "substantial"), (30, "moderate"), (10, "minimal"))
FIQR_BANDS = ((24, "remission"), (41, "mild"), (64, "moderate"), (83, "severe"))
FS_BANDS = ((3, "none"), (7, "mild"), (11, "moderate"), (19, "severe"))
OTHER_METRICS = ("fatigue", "sleep_quality", "sleep_hours")

Importance = Literal["substantial", "moderate", "minimal", "none", "worse"]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ci(interval: Interval | None) -> tuple[float, float] | None:
    return None if interval is None else (round(interval.low, 2), round(interval.high, 2))


def fiqr_band(total: float) -> str:
    return next((band for top, band in FIQR_BANDS if total < top), "very severe")


def fs_band(fs: float) -> str:
    return next((band for top, band in FS_BANDS if fs <= top), "very severe")


def importance(change_pct: float | None, change: float) -> Importance:
    """The IMMPACT benchmark a change in mean daily pain reaches, read off the estimate alone
    (`verdict` adds what the interval and the 1-point floor allow)."""
    if change_pct is None:  # mean pain was 0 before
        return "worse" if change > 0 else "none"
    for fall, name in IMPORTANCE:
        if -change_pct >= fall:
            return name  # type: ignore[return-value]
    return "worse" if change_pct >= 10 else "none"


def verdict(
    change: float, change_pct: float | None, interval: Interval | None
) -> tuple[bool, Importance]:
    """(whether the change is clear, its band): "none" unless the interval leaves out no
    change; under 1 point, at most "minimal" and never "worse"."""
    if interval is None or not interval.clear:
        return False, "none"
    band = importance(change_pct, change)
    if abs(change) < NOTICEABLE:
        band = "minimal" if band in ("substantial", "moderate", "minimal") else "none"
    return True, band


def settle_days(interval: Interval | None, window: int) -> int | None:
    """For a change not yet clear: the days a side that would make a change of this size clear
    (the interval narrows with the square root of the days), or None if more than a year."""
    if interval is None or interval.clear or interval.estimate == 0:
        return None
    half = (interval.high - interval.low) / 2
    needed = math.ceil(window * (half / abs(interval.estimate)) ** 2 / 7) * 7
    return needed if needed <= SETTLE_MAX_DAYS else None


class Window(Struct, frozen=True):
    """What the diary says of a span of days (means to 2 decimals, as shown)."""

    first: date = field(name="from")
    last: date = field(name="to")
    days_logged: int = 0
    pain: float | None = None
    fatigue: float | None = None
    sleep_quality: float | None = None
    sleep_hours: float | None = None
    flare_days: int = 0
    flare_rate: float | None = None  # flare days per 28 logged days


class CourseFacts(Struct, frozen=True):
    """The course a review is of, as the review shows it."""

    id: int
    name: str
    kind: str
    as_needed: bool
    start: date
    stop: date | None
    doses: tuple[Dose, ...]


class Confounder(Struct, frozen=True):
    """Another course that started, stopped or changed dose between the first baseline day and
    the last day on the treatment."""

    name: str
    event: str  # "started", "stopped" or "dose change"
    date: date


class RescueUse(Struct, frozen=True):
    """An as-needed course taken on many days of the windows (it lowers pain on those days)."""

    name: str
    days_before: int
    days_logged_before: int
    days_on: int
    days_logged_on: int


class Shortfall(Struct, frozen=True):
    """Days with pain each window still needs before a change is judged."""

    baseline: int
    on: int


class FiqrChange(Struct, frozen=True):
    before: float | None
    after: float | None
    change_pct: float | None
    mcid_reached: bool
    band_before: str
    band_after: str


class FsChange(Struct, frozen=True):
    before: int
    after: int
    band_before: str
    band_after: str


class AssessmentChange(Struct, frozen=True):
    fiqr: FiqrChange | None = None
    fs: FsChange | None = None


class Pgic(Struct, frozen=True):
    answer: int
    label: str
    date: date


class AsNeededDays(Struct, frozen=True):
    """Mean daily pain on the days an as-needed course was taken against the days it was not."""

    first: date = field(name="from")
    last: date = field(name="to")
    days_taken: int = 0
    days_not_taken: int = 0
    pain_taken: float | None = None
    pain_not_taken: float | None = None
    difference: float | None = None
    ci95: tuple[float, float] | None = None
    clear: bool | None = None  # whether the interval leaves out no difference


class MetricChange(Struct, frozen=True):
    """The change of another daily score between the windows, with its interval."""

    change: float | None
    ci95: tuple[float, float] | None
    clear: bool | None


class Review(Struct, frozen=True, kw_only=True):
    """The review of one course. Numbers are rounded to 2 decimals as shown; every judgement
    (`clear`, `importance`, the bad spell) was made on the unrounded values."""

    course: CourseFacts
    baseline: Window | None = None
    on: Window | None = None
    judge_from: date | None = None
    pain_change: float | None = None
    pain_change_pct: float | None = None
    ci95: tuple[float, float] | None = None
    importance: Importance | None = None
    clear: bool | None = None  # whether the interval leaves out no change (None: not judged)
    needs_days: Shortfall | None = None
    other_changes: tuple[Confounder, ...] = ()
    bad_spell: bool = False
    bad_spell_median: float | None = None
    assessments: AssessmentChange = AssessmentChange()
    pgic: Pgic | None = None
    as_needed_days: AsNeededDays | None = None
    rescue_use: tuple[RescueUse, ...] = ()
    confounded: bool = False  # another course changed, or a rescue was taken often
    settle_days: int | None = None  # days a side that would make a change this size clear
    changes: dict[str, MetricChange] = {}  # fatigue and sleep, like the pain change
    # the unrounded interval of the pain change (not in the JSON: the calibration reads it)
    pain_interval: Interval | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of `fibrolog treatment review --json`."""
        data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(self))
        del data["pain_interval"]
        return data


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
    the flare rules judge it by (which also shows how alike the person's days are), and the
    90 days before the baseline that show a bad spell; for a course taken as needed, its last
    90 days. A course begun years ago costs two years of history, not all of them."""
    span = spans(course, today, baseline, skip)
    if course.as_needed:
        first = max(course.start, span.course_end - timedelta(days=SPELL_DAYS - 1))
        return [(first, span.course_end)]
    found = [(span.baseline[0] - timedelta(days=ALL_HISTORY), span.baseline[1])]
    if span.on:
        found.append((span.on[0] - timedelta(days=HISTORY_DAYS), span.on[1]))
    return found


def _daily(
    days: Mapping[date, DayFacts], first: date, last: date, metric: str
) -> dict[date, float]:
    return {
        d: m
        for d, day in days.items()
        if first <= d <= last and (m := day.mean(metric)) is not None
    }


def window(
    first: date,
    last: date,
    days: Mapping[date, DayFacts],
    flare_dates: set[date],
) -> Window:
    """The diary over [first, last]: means of the daily means, flare days and their rate."""
    logged = sum(1 for d in days if first <= d <= last)

    def mean_of(metric: str) -> float | None:
        daily = _daily(days, first, last, metric)
        return _r(fmean(list(daily.values()))) if daily else None

    flare_days = sum(1 for d in flare_dates if first <= d <= last)
    return Window(
        first=first,
        last=last,
        days_logged=logged,
        pain=mean_of("pain"),
        fatigue=mean_of("fatigue"),
        sleep_quality=mean_of("sleep_quality"),
        sleep_hours=mean_of("sleep_hours"),
        flare_days=flare_days,
        flare_rate=_r(28 * flare_days / logged) if logged else None,
    )


def other_changes(course: Course, courses: Iterable[Course], spans_: Spans) -> list[Confounder]:
    """Other courses that started, stopped or changed dose from the first baseline day to the
    last day on the treatment: one begun between the windows runs through one and not the
    other. (A course taken as needed is a rescue, not a change of regime: `rescue_use`.)"""
    first = spans_.baseline[0]
    last = spans_.on[1] if spans_.on else spans_.baseline[1]
    found = []
    for other in courses:
        if (other.id == course.id and other.uid == course.uid) or other.as_needed:
            continue
        events: list[tuple[str, date | None]] = [("started", other.start), ("stopped", other.stop)]
        # a dose given from the start is the start, not a change; a first dose given later
        # (a course begun without one) is a change
        events += [("dose change", d.from_) for d in other.doses if d.from_ != other.start]
        for event, day in events:
            if day is not None and first <= day <= last:
                found.append(Confounder(other.name, event, day))
    return sorted(found, key=lambda c: (c.date, c.name))


def rescue_use(
    course: Course, courses: Iterable[Course], days: Mapping[date, DayFacts], spans_: Spans
) -> list[RescueUse]:
    """As-needed courses (other than this one) taken on at least 1 logged day in 5 (and 3
    days) of either window: they lower pain on the days they are taken."""
    if spans_.on is None:
        return []
    found = []
    for other in courses:
        if not other.as_needed or other.key == course.key:
            continue
        counts = []
        for first, last in (spans_.baseline, spans_.on):
            inside = [day for d, day in days.items() if first <= d <= last]
            used = sum(1 for day in inside if any(n.casefold() == other.key for n in day.meds))
            counts += [used, len(inside)]
        if any(
            used >= RESCUE_MIN_DAYS and used >= RESCUE_SHARE * logged
            for used, logged in (counts[0:2], counts[2:4])
        ):
            found.append(RescueUse(other.name, *counts))
    return found


def bad_spell(
    before_pain: float | None, first: date, history: Mapping[date, DayFacts]
) -> tuple[bool, float | None]:
    """Whether the baseline's mean pain was at least a point above the median daily pain of the
    90 days before it (with 14 of them logged): (it was, that median)."""
    pains = list(
        _daily(
            history, first - timedelta(days=SPELL_DAYS), first - timedelta(days=1), "pain"
        ).values()
    )
    if len(pains) < SPELL_MIN_DAYS or before_pain is None:
        return False, None
    usual = median(pains)
    return before_pain - usual >= SPELL_POINTS, usual


def _latest(
    records: Sequence[Assessment], kind: type[Assessment], first: date, last: date
) -> Assessment | None:
    found = [r for r in records if isinstance(r, kind) and first <= r.at.date() <= last]
    return found[-1] if found else None


def assessment_change(
    course: Course, on: tuple[date, date] | None, records: Sequence[Assessment]
) -> AssessmentChange:
    """The latest FIQR and ACR 2016 FS before the start (within 90 days) against the latest on
    the treatment, with their severity bands."""
    if on is None:
        return AssessmentChange()
    start_window = (course.start - timedelta(days=90), course.start)
    fiqr = fs = None
    fiqr_before = _latest(records, FiqrRecord, *start_window)
    fiqr_after = _latest(records, FiqrRecord, *on)
    if (
        isinstance(fiqr_before, FiqrRecord)
        and isinstance(fiqr_after, FiqrRecord)
        and fiqr_before.total is not None
        and fiqr_after.total is not None
    ):
        before, after = fiqr_before.total, fiqr_after.total
        change_pct = 100 * (after - before) / before if before else None
        fiqr = FiqrChange(
            before=_r(before),
            after=_r(after),
            change_pct=_r(change_pct),
            mcid_reached=change_pct is not None and change_pct <= -FIQR_MCID,
            band_before=fiqr_band(before),
            band_after=fiqr_band(after),
        )
    fs_before = _latest(records, AcrRecord, *start_window)
    fs_after = _latest(records, AcrRecord, *on)
    if isinstance(fs_before, AcrRecord) and isinstance(fs_after, AcrRecord):
        fs = FsChange(fs_before.fs, fs_after.fs, fs_band(fs_before.fs), fs_band(fs_after.fs))
    return AssessmentChange(fiqr, fs)


def taken_or_not(course: Course, days: Mapping[date, DayFacts], end: date) -> AsNeededDays:
    """For an as-needed course: mean daily pain on days it was taken against days it was not,
    over its last 90 days (from the entries' meds), with an interval that allows for alike
    days."""
    first = max(course.start, end - timedelta(days=SPELL_DAYS - 1))
    daily = _daily(days, first, end, "pain")
    taken: dict[date, float] = {}
    not_taken: dict[date, float] = {}
    for d, pain in daily.items():
        used = any(name.casefold() == course.key for name in days[d].meds)
        (taken if used else not_taken)[d] = pain
    interval = None
    if len(taken) >= MIN_DAYS and len(not_taken) >= MIN_DAYS:
        interval = mean_difference(taken, not_taken, likeness(daily))
    return AsNeededDays(
        first=first,
        last=end,
        days_taken=len(taken),
        days_not_taken=len(not_taken),
        pain_taken=_r(fmean(list(taken.values()))) if taken else None,
        pain_not_taken=_r(fmean(list(not_taken.values()))) if not_taken else None,
        difference=_r(interval.estimate) if interval else None,
        ci95=_ci(interval),
        clear=interval.clear if interval else None,
    )


def _alike(days: Mapping[date, DayFacts], span: Spans, metric: str) -> Likeness:
    """How alike the person's days are in `metric`: read from the year before the start and
    the window on the treatment, in blocks of the window's length (the weeks between the
    windows, while a treatment sets in, are left out)."""
    assert span.on is not None
    length = (span.baseline[1] - span.baseline[0]).days + 1
    blocks = [span.on]
    last = span.baseline[1]
    while (span.baseline[1] - last).days < HISTORY_DAYS:
        blocks.append((last - timedelta(days=length - 1), last))
        last -= timedelta(days=length)
    # The baseline's blocks lie back to back: the days are read in two spans, not per block.
    oldest = last + timedelta(days=1)
    series = _daily(days, *span.on, metric) | _daily(days, oldest, span.baseline[1], metric)
    return likeness(series, blocks)


def review(
    course: Course,
    courses: Sequence[Course],
    days: Mapping[date, DayFacts],
    assessments: Sequence[Assessment],
    today: date,
    settings: FlareSettings,
    baseline: int = BASELINE_DAYS,
    skip: int = SKIP_DAYS,
) -> Review:
    """The review of one course. `days` must cover its `reads`."""
    span = spans(course, today, baseline, skip)
    ordered = sorted(days)

    def between(first: date, last: date) -> dict[date, DayFacts]:
        """The logged days of [first, last] (found by bisection: `days` holds years)."""
        return {
            d: days[d] for d in ordered[bisect_left(ordered, first) : bisect_right(ordered, last)]
        }

    def flare_dates(first: date, last: date) -> set[date]:
        """The flare days of [first, last], judged with the year before it (SPEC §5)."""
        judged = judge_days(between(history_start(first), last), last, settings)
        return {d for d in judged if first <= d}

    facts = CourseFacts(
        course.id,
        course.name,
        course.kind,
        course.as_needed,
        course.start,
        course.stop,
        course.doses,
    )
    latest = course.ratings[-1] if course.ratings else None
    common: dict[str, Any] = {
        "course": facts,
        "judge_from": span.judge_from,
        "assessments": assessment_change(course, span.on, assessments),
        "pgic": Pgic(latest.answer, latest.label, latest.date) if latest else None,
    }
    if course.as_needed:  # a before/after comparison does not fit a course taken as needed
        return Review(**common, as_needed_days=taken_or_not(course, days, span.course_end))
    baseline_days = between(*span.baseline)
    before = window(*span.baseline, baseline_days, flare_dates(*span.baseline))
    before_pains = _daily(baseline_days, *span.baseline, "pain")
    spell_days = between(span.baseline[0] - timedelta(days=SPELL_DAYS), span.baseline[0])
    spell, usual = bad_spell(
        fmean(list(before_pains.values())) if before_pains else None, span.baseline[0], spell_days
    )
    others = other_changes(course, courses, span)
    on_days = between(*span.on) if span.on else {}
    rescues = rescue_use(course, courses, baseline_days | on_days, span)
    common.update(
        baseline=before,
        other_changes=tuple(others),
        rescue_use=tuple(rescues),
        confounded=bool(others or rescues),
        bad_spell=spell,
        bad_spell_median=_r(usual),
    )
    if span.on is None:
        return Review(**common)
    on = window(*span.on, on_days, flare_dates(*span.on))
    on_pains = _daily(on_days, *span.on, "pain")
    short = Shortfall(max(0, MIN_DAYS - len(before_pains)), max(0, MIN_DAYS - len(on_pains)))
    if not before_pains or not on_pains:
        return Review(**common, on=on, needs_days=short)
    mean_before = fmean(list(before_pains.values()))
    change = fmean(list(on_pains.values())) - mean_before
    change_pct = 100 * change / mean_before if mean_before else None
    history = between(span.baseline[1] - timedelta(days=HISTORY_DAYS + baseline), span.on[1])
    interval = mean_difference(on_pains, before_pains, _alike(history, span, "pain"))
    changes = {}
    for metric in OTHER_METRICS:
        first_side, second_side = (
            _daily(on_days, *span.on, metric),
            _daily(baseline_days, *span.baseline, metric),
        )
        other = (
            mean_difference(first_side, second_side, _alike(history, span, metric))
            if len(first_side) >= MIN_DAYS and len(second_side) >= MIN_DAYS
            else None
        )
        changes[metric] = MetricChange(
            _r(other.estimate) if other else None, _ci(other), other.clear if other else None
        )
    judged: dict[str, Any] = {}
    if short.baseline or short.on:
        judged["needs_days"] = short
    else:
        clear, band = verdict(change, change_pct, interval)
        judged.update(
            clear=clear,
            importance=band,
            settle_days=settle_days(interval, baseline),
        )
    return Review(
        **common,
        on=on,
        pain_change=_r(change),
        pain_change_pct=_r(change_pct),
        ci95=_ci(interval),
        changes=changes,
        pain_interval=interval,
        **judged,
    )
