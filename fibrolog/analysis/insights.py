"""Patterns in the person's own diary, each with its numbers and its n, never a causal claim.

Pure functions over logged days (whole `Day`s, or the store's light `DayFacts`, which the
`insights` query reads: ten years of whole entries cost several times more); the result is a
declared `Insights`, encoded to the JSON of `--json`. Spearman correlation is Pearson's on
ranks. Every comparison of pain (days with a tag against days without, the day after, a med's
28 days before and after its first use) has a 95 % interval that allows for days that come in
runs, with the likeness of days read from the person's own pain in the period
(`fibrolog.analysis.stats`), and says whether the difference is clear (its interval leaves out
no difference).
"""

from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from statistics import correlation, fmean
from typing import Any

import msgspec
from msgspec import Struct, field

from fibrolog.analysis.days import ScoredDay
from fibrolog.analysis.review import Review
from fibrolog.analysis.stats import Interval, Split, likeness, mean_difference

MIN_SLEEP_DAYS = 10
MIN_TAG_DAYS = 3
MIN_MED_DAYS = 7
MED_WINDOW = 28
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ci(interval: Interval | None) -> tuple[float, float] | None:
    return None if interval is None else (round(interval.low, 2), round(interval.high, 2))


class SleepFinding(Struct, frozen=True, omit_defaults=True):
    """Spearman's rho of a sleep measure with the same day's pain."""

    n: int
    rho: float | None
    missing: str | None = None  # why there is no rho


class Comparison(Struct, frozen=True, omit_defaults=True):
    """Mean daily pain on days with something against days without, with its interval."""

    n_with: int
    n_without: int
    with_mean: float | None
    without_mean: float | None
    difference: float | None
    ci95: tuple[float, float] | None
    clear: bool | None  # whether the interval leaves out no difference (None: not compared)
    missing: str | None = None


class TagFinding(Struct, frozen=True):
    tag: str
    same_day: Comparison
    next_day: Comparison


class MedFinding(Struct, frozen=True, omit_defaults=True):
    """A daily med first taken in the period: pain in the 28 days before against after."""

    med: str
    first_taken: date
    n_before: int
    n_after: int
    before_mean: float | None
    after_mean: float | None
    difference: float | None
    ci95: tuple[float, float] | None
    clear: bool | None
    missing: str | None = None


class AsNeededMed(Struct, frozen=True):
    med: str
    days_taken: int
    days_logged: int


class WeekdayPain(Struct, frozen=True):
    weekday: str
    n: int
    pain_mean: float | None


class SleepFindings(Struct, frozen=True):
    hours: SleepFinding
    quality: SleepFinding


class Insights(Struct, frozen=True, kw_only=True):
    """Every finding for a period."""

    first: date = field(name="from")
    last: date = field(name="to")
    days_logged: int
    sleep: SleepFindings
    tags: tuple[TagFinding, ...]
    treatments: tuple[Review, ...]
    meds: tuple[MedFinding, ...]
    meds_as_needed: tuple[AsNeededMed, ...]
    # Daily meds already taken on the diary's first day, which fell in the period: nothing
    # before them to compare with, and not "first taken in this period" either.
    diary_began: date | None = None  # the diary's first logged day, when it falls in the period
    meds_from_start: tuple[str, ...] = ()
    weekdays: tuple[WeekdayPain, ...]

    def to_json(self) -> dict[str, Any]:
        """The JSON form of `fibrolog insights --json`."""
        data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(self))
        data["treatments"] = [review.to_json() for review in self.treatments]
        return data


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing the mean of their ranks."""
    counts = Counter(values)
    rank = {}
    below = 0  # how many values are lower
    for value in sorted(counts):
        rank[value] = below + (counts[value] + 1) / 2
        below += counts[value]
    return [rank[value] for value in values]


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho, or None when either side does not vary."""
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return correlation(ranks(x), ranks(y))


def _pain(days: Mapping[date, ScoredDay]) -> dict[date, float]:
    return {d: p for d, day in days.items() if (p := day.mean("pain")) is not None}


def sleep_finding(
    days: Mapping[date, ScoredDay], metric: str, pain: Mapping[date, float] | None = None
) -> SleepFinding:
    """Spearman's rho of `metric` with the same day's pain (`pain`: the days' pain, if known)."""
    pain = _pain(days) if pain is None else pain
    pairs = [
        (s, p)
        for d, day in days.items()
        if (s := day.mean(metric)) is not None and (p := pain.get(d)) is not None
    ]
    if len(pairs) < MIN_SLEEP_DAYS:
        return SleepFinding(
            len(pairs),
            None,
            f"needs {MIN_SLEEP_DAYS} days with both {metric.replace('_', ' ')} and pain; "
            f"the diary has {len(pairs)}",
        )
    rho = _r(spearman([s for s, _ in pairs], [p for _, p in pairs]))
    if rho is None:
        return SleepFinding(len(pairs), None, f"{metric.replace('_', ' ')} or pain did not vary")
    return SleepFinding(len(pairs), rho)


def compare(pain: Split, with_days: Collection[date]) -> Comparison:
    """Mean pain on `with_days` against the other days of `pain`, and the 95 % interval of the
    difference."""
    n_with, n_without = len(with_days), len(pain) - len(with_days)
    if n_with < MIN_TAG_DAYS or n_without < MIN_TAG_DAYS:
        return Comparison(
            n_with,
            n_without,
            None,
            None,
            None,
            None,
            None,
            f"needs {MIN_TAG_DAYS} days on each side",
        )
    found = pain.difference(with_days)
    assert found is not None  # at least 3 days a side
    interval, with_mean, without_mean = found
    return Comparison(
        n_with,
        n_without,
        _r(with_mean),
        _r(without_mean),
        _r(interval.estimate),
        _ci(interval),
        interval.clear,
    )


def tag_comparisons(
    days: Mapping[date, ScoredDay],
    first: date,
    last: date,
    pain: Mapping[date, float] | None = None,
) -> list[TagFinding]:
    """Each tag seen on ≥ 3 days and missing on ≥ 3: pain that day and the next, with and
    without it (`pain`: the days' pain, if known)."""
    pain = _pain(days) if pain is None else pain
    in_window = {d: p for d, p in pain.items() if first <= d <= last}
    alike = likeness(in_window)
    tagged: dict[str, set[date]] = {}
    for d in in_window:
        for tag in days[d].tags:
            tagged.setdefault(tag, set()).add(d)
    one_day = timedelta(days=1)
    next_day = {d: n for d in in_window if (n := d + one_day) in pain}  # where its pain is known
    # Every tag's days are compared with the other days of the same two series (the days, and
    # the days after them): what the comparisons share is worked out once (`Split`).
    same_day = Split(in_window, alike)
    day_after = Split({n: pain[n] for n in next_day.values()}, alike)
    findings = []
    for tag in sorted(tagged):
        with_days = tagged[tag]
        if len(with_days) < MIN_TAG_DAYS or len(in_window) - len(with_days) < MIN_TAG_DAYS:
            continue
        after = [next_day[d] for d in with_days if d in next_day]
        findings.append(TagFinding(tag, compare(same_day, with_days), compare(day_after, after)))
    return findings


def tag_findings(days: Mapping[date, ScoredDay], first: date, last: date) -> list[dict[str, Any]]:
    """`tag_comparisons` in their JSON form (the doctor's report reads them so until it takes
    the typed findings)."""
    findings = tag_comparisons(days, first, last)
    return msgspec.json.decode(msgspec.json.encode(findings))  # type: ignore[no-any-return]


def as_needed_meds(days: Mapping[date, ScoredDay], last: date) -> dict[str, tuple[int, int]]:
    """Meds taken on fewer than half of the logged days from their first use to `last`:
    med → (days taken, days logged). A before/after comparison does not fit them."""
    taken: dict[str, set[date]] = {}
    for d, day in days.items():
        if d <= last:
            for med in day.meds:
                taken.setdefault(med, set()).add(d)
    ordered = sorted(d for d in days if d <= last)
    found = {}
    for name, used in taken.items():
        logged = len(ordered) - bisect_left(ordered, min(used))
        if len(used) * 2 < logged:
            found[name] = (len(used), logged)
    return dict(sorted(found.items()))


def first_uses(days: Mapping[date, ScoredDay]) -> dict[str, date]:
    """Each med's first day in `days`, by name."""
    first_use: dict[str, date] = {}
    for d in sorted(days):
        for med in days[d].meds:
            first_use.setdefault(med, d)
    return dict(sorted(first_use.items()))


def diary_began(days: Mapping[date, ScoredDay], first: date) -> date | None:
    """The diary's first logged day, when it falls in [first, …]: `days` read from
    `reads_from(first)` on, nothing logged in the 28 days before it."""
    began = min(days, default=None)
    return began if began is not None and began >= first else None


def meds_from_start(
    days: Mapping[date, ScoredDay],
    first: date,
    last: date,
    as_needed: Collection[str] | None = None,
) -> list[str]:
    """Daily meds already taken on the diary's first logged day, when that day is in the
    period: they were being taken when the diary began, not first taken in it
    (`as_needed`: `as_needed_meds`, if known)."""
    began = diary_began(days, first)
    as_needed = as_needed_meds(days, last) if as_needed is None else as_needed
    return [
        name
        for name, start in first_uses(days).items()
        if start == began and start <= last and name not in as_needed
    ]


def med_findings(
    days: Mapping[date, ScoredDay],
    first: date,
    last: date,
    pain: Mapping[date, float] | None = None,
    as_needed: Collection[str] | None = None,
) -> list[MedFinding]:
    """Daily meds first taken inside [first, last] (none in the 28 days before), after the
    diary's first day: pain before vs after. As-needed meds (`as_needed_meds`) and meds
    already taken when the diary began (`meds_from_start`) are left out. (`pain` and
    `as_needed`: the days' pain and `as_needed_meds`, if known.)"""
    pain = _pain(days) if pain is None else pain
    as_needed = as_needed_meds(days, last) if as_needed is None else as_needed
    began = diary_began(days, first)
    findings = []
    for name, start in first_uses(days).items():
        if not first <= start <= last or name in as_needed or start == began:
            continue
        span = (start - timedelta(days=MED_WINDOW), start + timedelta(days=MED_WINDOW - 1))
        around = {d: p for d, p in pain.items() if span[0] <= d <= span[1]}
        before = {d: p for d, p in around.items() if d < start}
        after = {d: p for d, p in around.items() if d >= start}
        if len(before) < MIN_MED_DAYS or len(after) < MIN_MED_DAYS:
            findings.append(
                MedFinding(
                    name,
                    start,
                    len(before),
                    len(after),
                    None,
                    None,
                    None,
                    None,
                    None,
                    f"needs {MIN_MED_DAYS} days with pain on each side of {start}",
                )
            )
            continue
        interval = mean_difference(after, before, likeness(around, [span]))
        assert interval is not None
        findings.append(
            MedFinding(
                name,
                start,
                len(before),
                len(after),
                _r(fmean(before.values())),
                _r(fmean(after.values())),
                _r(interval.estimate),
                _ci(interval),
                interval.clear,
            )
        )
    return findings


def weekday_findings(
    days: Mapping[date, ScoredDay],
    first: date,
    last: date,
    pain: Mapping[date, float] | None = None,
) -> list[WeekdayPain]:
    pain = _pain(days) if pain is None else pain
    by_weekday: dict[int, list[float]] = {i: [] for i in range(7)}
    for d, p in pain.items():
        if first <= d <= last:
            by_weekday[d.weekday()].append(p)
    return [
        WeekdayPain(WEEKDAY_NAMES[i], len(v), _r(fmean(v)) if v else None)
        for i, v in by_weekday.items()
    ]


def insights(
    logged: Mapping[date, ScoredDay],
    first: date,
    last: date,
    course_names: Collection[str] = (),
    treatments: Sequence[Review] = (),
) -> Insights:
    """All findings for [first, last]. Pass the days from `reads_from(first)` on, so a med's
    first use can be told from one taken before the window.

    `treatments` are the reviews of the courses that started or stopped in the period; a
    med whose name (without regard to case) is in `course_names` is left to them."""
    since = reads_from(first)
    days = {d: day for d, day in sorted(logged.items()) if since <= d <= last}
    window = {d: day for d, day in days.items() if first <= d <= last}
    pain = _pain(days)  # (read once: each finding looks at it)
    as_needed = as_needed_meds(days, last)
    return Insights(
        first=first,
        last=last,
        days_logged=len(window),
        sleep=SleepFindings(
            sleep_finding(window, "sleep_hours", pain), sleep_finding(window, "sleep_quality", pain)
        ),
        tags=tuple(tag_comparisons(days, first, last, pain)),
        treatments=tuple(treatments),
        meds=tuple(
            m
            for m in med_findings(days, first, last, pain, as_needed)
            if m.med.casefold() not in course_names
        ),
        meds_as_needed=tuple(
            AsNeededMed(name, used, logged)
            for name, (used, logged) in as_needed.items()
            if name.casefold() not in course_names
        ),
        diary_began=diary_began(days, first),
        meds_from_start=tuple(
            m
            for m in meds_from_start(days, first, last, as_needed)
            if m.casefold() not in course_names
        ),
        weekdays=tuple(weekday_findings(days, first, last, pain)),
    )


def reads_from(first: date) -> date:
    return first - timedelta(days=MED_WINDOW)
