"""Pure analysis: entries (+ settings and dates) → summary and flare results (SPEC §4, §5).

No I/O and no clock: the caller passes the entries of the days it asks about, plus history.
Comparisons use unrounded values; only `to_dict` rounds (2 decimals), for JSON and display.
"""

import math
from bisect import bisect_left, insort
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Protocol

from msgspec import Struct

from fibrolog.config import FlareSettings
from fibrolog.models import Entry
from fibrolog.regions import ALL_AREAS, generalized_regions, wpi

METRICS = ("pain", "fatigue", "fog", "stiffness", "sleep_hours", "sleep_quality")
# Higher is better for these; for every other metric, lower is better.
HIGHER_IS_BETTER = frozenset({"sleep_hours", "sleep_quality"})
HISTORY_DAYS = 365


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# The two statistics the views need, as the statistics module computes them (it costs ~4 ms
# to import, with fractions and decimal, on every summary and flares).
def fmean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float:
    return _middle(sorted(values))


def _middle(ordered: Sequence[float]) -> float:
    """The median of values already in order."""
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


class Day(Struct, frozen=True):
    """One calendar day of the diary: its entries' values, combined."""

    date: date
    entries: tuple[Entry, ...]

    def values(self, metric: str) -> list[float]:
        return [v for e in self.entries if (v := getattr(e, metric)) is not None]

    def mean(self, metric: str) -> float | None:
        values = self.values(metric)
        return fmean(values) if values else None

    @property
    def pain_mean(self) -> float | None:
        return self.mean("pain")

    @property
    def pain_max(self) -> int | None:
        values = self.values("pain")
        return int(max(values)) if values else None

    @property
    def marked(self) -> bool:
        return any(e.flare for e in self.entries)

    @property
    def tags(self) -> list[str]:
        return sorted({t for e in self.entries for t in e.tags})

    @property
    def regions(self) -> set[str]:
        return {r for e in self.entries for r in e.regions}


class PainFacts(Protocol):
    """What the flare rules read of a day: a whole `Day`, or the store's light `DayFacts`."""

    @property
    def pain_mean(self) -> float | None: ...

    @property
    def pain_max(self) -> int | None: ...

    @property
    def marked(self) -> bool: ...

    @property
    def tags(self) -> Sequence[str]: ...


def group_days(entries: Iterable[Entry]) -> dict[date, Day]:
    """Entries by calendar day (the date part of `at`); days without entries are absent."""
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.at.date(), []).append(entry)
    return {d: Day(d, tuple(es)) for d, es in sorted(by_day.items())}


# -- flares (SPEC §5) --------------------------------------------------------------------------


class FlareDay(Struct, frozen=True):
    date: date
    pain_mean: float | None
    pain_max: int | None
    baseline: float | None
    reasons: tuple[str, ...]
    tags: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "pain_mean": _round(self.pain_mean),
            "pain_max": self.pain_max,
            "baseline": _round(self.baseline),
            "reasons": list(self.reasons),
            "tags": self.tags,
        }


class Episode(Struct, frozen=True):
    start: date
    end: date
    flare_days: int
    peak: int | None
    mean: float | None
    triggers: dict[str, int]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "flare_days": self.flare_days,
            "peak": self.peak,
            "mean": _round(self.mean),
            "triggers": self.triggers,
        }


class Flares(Struct, frozen=True):
    first: date
    last: date
    settings: FlareSettings
    days: list[FlareDay]
    episodes: list[Episode]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "threshold": self.settings.threshold,
            "delta": self.settings.delta,
            "baseline_days": self.settings.baseline_days,
            "days": [d.to_dict() for d in self.days],
            "episodes": [e.to_dict() for e in self.episodes],
        }


def history_start(first: date) -> date:
    """The first day whose entries the flare rules look at for a period starting `first`."""
    return first - timedelta(days=HISTORY_DAYS)


def judge_days(
    days: Mapping[date, PainFacts], last: date, settings: FlareSettings
) -> dict[date, FlareDay]:
    """Every logged day up to `last` judged in date order; flare days only in the result.

    `days` should hold the history from `history_start(first)` on: days before it are unknown
    and count as not logged. A baseline needs 7 logged non-flare days with a pain score among
    the `baseline_days` days before the day judged.
    """
    flare_days: dict[date, FlareDay] = {}
    # The non-flare days of the moving window, in date order, and their pains kept sorted,
    # so that each day's baseline is read off the middle instead of sorting the window again.
    window: deque[tuple[date, float]] = deque()
    ordered: list[float] = []
    for day in sorted(d for d in days if d <= last):
        info = days[day]
        pain_mean = info.pain_mean
        window_start = day - timedelta(days=settings.baseline_days)
        while window and window[0][0] < window_start:
            del ordered[bisect_left(ordered, window.popleft()[1])]
        baseline = _middle(ordered) if len(ordered) >= 7 else None
        reasons = []
        if info.marked:
            reasons.append("marked")
        if pain_mean is not None and pain_mean >= settings.threshold:
            reasons.append("severe")
        if (
            baseline is not None
            and pain_mean is not None
            and pain_mean >= baseline + settings.delta
        ):
            reasons.append("above-baseline")
        if reasons:
            flare_days[day] = FlareDay(
                day, pain_mean, info.pain_max, baseline, tuple(reasons), list(info.tags)
            )
        elif pain_mean is not None:
            window.append((day, pain_mean))
            insort(ordered, pain_mean)
    return flare_days


def episodes_of(flare_days: Sequence[FlareDay], days: Mapping[date, PainFacts]) -> list[Episode]:
    """Runs of flare days at most 2 calendar days apart (one day between them is bridged)."""
    runs: list[list[FlareDay]] = []
    for flare_day in flare_days:
        if runs and (flare_day.date - runs[-1][-1].date).days <= 2:
            runs[-1].append(flare_day)
        else:
            runs.append([flare_day])
    episodes = []
    for run in runs:
        start = run[0].date
        triggers: Counter[str] = Counter()
        for d in days_between(start - timedelta(days=2), start):
            if d in days:
                triggers.update(days[d].tags)
        peaks = [f.pain_max for f in run if f.pain_max is not None]
        means = [f.pain_mean for f in run if f.pain_mean is not None]
        episodes.append(
            Episode(
                start=start,
                end=run[-1].date,
                flare_days=len(run),
                peak=max(peaks) if peaks else None,
                mean=fmean(means) if means else None,
                triggers=dict(sorted(triggers.items(), key=lambda kv: (-kv[1], kv[0]))),
            )
        )
    return episodes


def flares(entries: Iterable[Entry], first: date, last: date, settings: FlareSettings) -> Flares:
    """The flare days and episodes of [first, last], judged with up to a year of history."""
    return flares_of(
        group_days(e for e in entries if history_start(first) <= e.at.date() <= last),
        first,
        last,
        settings,
    )


def flares_of(
    days: Mapping[date, PainFacts], first: date, last: date, settings: FlareSettings
) -> Flares:
    """As `flares`, from days already grouped (whole days or the store's light DayFacts)."""
    judged = judge_days(days, last, settings)
    in_period = [f for d, f in sorted(judged.items()) if first <= d <= last]
    return Flares(first, last, settings, in_period, episodes_of(in_period, days))


# -- summary (SPEC §4) -------------------------------------------------------------------------


class Metric(Struct, frozen=True):
    mean: float | None
    min: float | None
    max: float | None
    previous_mean: float | None

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": _round(self.mean),
            "min": self.min,
            "max": self.max,
            "previous_mean": _round(self.previous_mean),
            "change": _round(self.change),
        }


class DailyRow(Struct, frozen=True):
    date: date
    entries: int
    values: dict[str, float | None]  # metric → the day's mean
    pain_max: int | None
    flare: bool
    tags: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "entries": self.entries,
            "pain_mean": _round(self.values["pain"]),
            "pain_max": self.pain_max,
            "fatigue_mean": _round(self.values["fatigue"]),
            "fog_mean": _round(self.values["fog"]),
            "stiffness_mean": _round(self.values["stiffness"]),
            "sleep_hours": _round(self.values["sleep_hours"]),
            "sleep_quality": _round(self.values["sleep_quality"]),
            "flare": self.flare,
            "tags": self.tags,
        }


class Summary(Struct, frozen=True):
    first: date
    last: date
    entries: int
    metrics: dict[str, Metric]
    daily: list[DailyRow]
    regions: dict[str, int]
    tags: dict[str, int]
    meds: dict[str, int]
    areas: frozenset[str] = frozenset()

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def days_logged(self) -> int:
        return sum(1 for row in self.daily if row.entries)

    @property
    def flare_days(self) -> int:
        return sum(1 for row in self.daily if row.flare)

    @property
    def wpi(self) -> int:
        return wpi(self.areas)

    @property
    def generalized_regions(self) -> int:
        return generalized_regions(self.areas)

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "days": self.days,
            "days_logged": self.days_logged,
            "entries": self.entries,
            "flare_days": self.flare_days,
            "metrics": {name: m.to_dict() for name, m in self.metrics.items()},
            "daily": [row.to_dict() for row in self.daily],
            "regions": self.regions,
            "wpi": self.wpi,
            "generalized_regions": self.generalized_regions,
            "tags": self.tags,
            "meds": self.meds,
        }


def _period_mean(days: Iterable[Day], metric: str) -> float | None:
    """The mean of daily means: each logged day weighs the same, however many entries it has."""
    daily = [m for day in days if (m := day.mean(metric)) is not None]
    return fmean(daily) if daily else None


def _by_count(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def summary_reads_from(first: date, last: date) -> date:
    """The first day of entries `summarize` needs: flare history and the previous period."""
    return min(history_start(first), first - timedelta(days=(last - first).days + 1))


def summarize(
    entries: Iterable[Entry],
    first: date,
    last: date,
    settings: FlareSettings,
    history: Mapping[date, PainFacts] | None = None,
) -> Summary:
    """The summary of [first, last].

    `entries` should cover the previous period of the same length and the period. The flare
    rules also need the year before: pass it as light `history` (DayFacts from the store), or
    let `entries` reach back to `summary_reads_from(first, last)`.
    """
    length = (last - first).days + 1
    previous_first = first - timedelta(days=length)
    days = group_days(e for e in entries if summary_reads_from(first, last) <= e.at.date() <= last)
    flare_days = judge_days({**(history or {}), **days}, last, settings)
    period = [days[d] for d in days_between(first, last) if d in days]
    previous = [
        days[d] for d in days_between(previous_first, first - timedelta(days=1)) if d in days
    ]

    metrics = {}
    for metric in METRICS:
        values = [v for day in period for v in day.values(metric)]
        metrics[metric] = Metric(
            mean=_period_mean(period, metric),
            min=min(values) if values else None,
            max=max(values) if values else None,
            previous_mean=_period_mean(previous, metric),
        )
    daily = []
    for d in days_between(first, last):
        day = days.get(d, Day(d, ()))
        daily.append(
            DailyRow(
                date=d,
                entries=len(day.entries),
                values={metric: day.mean(metric) for metric in METRICS},
                pain_max=day.pain_max,
                flare=d in flare_days,
                tags=day.tags,
            )
        )
    region_days: Counter[str] = Counter()
    tag_days: Counter[str] = Counter()
    med_entries: Counter[str] = Counter()
    for day in period:
        region_days.update(day.regions)
        tag_days.update(day.tags)
        for entry in day.entries:
            med_entries.update({m.name for m in entry.meds})
    order = {area: i for i, area in enumerate(ALL_AREAS)}
    return Summary(
        first=first,
        last=last,
        entries=sum(len(day.entries) for day in period),
        metrics=metrics,
        daily=daily,
        regions=dict(sorted(region_days.items(), key=lambda kv: order[kv[0]])),
        tags=_by_count(tag_days),
        meds=_by_count(med_entries),
        areas=frozenset(region_days),
    )


class MedUsage(Struct, frozen=True):
    name: str
    days: int
    first: date
    last: date


def med_usage(entries: Iterable[Entry], first: date, last: date) -> list[MedUsage]:
    """Each med taken in [first, last]: on how many days, first and last use; most used first."""
    taken: dict[str, set[date]] = {}
    for entry in entries:
        day = entry.at.date()
        if first <= day <= last:
            for med in entry.meds:
                taken.setdefault(med.name, set()).add(day)
    usage = [MedUsage(name, len(days), min(days), max(days)) for name, days in taken.items()]
    return sorted(usage, key=lambda m: (-m.days, m.name))
