"""The summary of a period (SPEC §4): daily rows, metrics against the previous period, areas.

Pure: the caller passes the entries of the days it asks about, plus history for the flare rules.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from datetime import date, timedelta
from statistics import fmean
from typing import Any, Protocol

from msgspec import Struct

from fibrolog.analysis.days import (
    METRICS,
    Day,
    PainDay,
    _round,
    days_between,
    group_days,
)
from fibrolog.analysis.flares import history_start, judge_days
from fibrolog.config import FlareSettings
from fibrolog.models import Entry
from fibrolog.regions import generalized_regions, wpi


class Metric(Struct, frozen=True):
    mean: float | None
    min: float | None
    max: float | None
    previous_mean: float | None

    @property
    def change(self) -> float | None:
        """The difference of the two means as shown (rounded), so that it adds up on screen."""
        if self.mean is None or self.previous_mean is None:
            return None
        return _round(_round(self.mean) - _round(self.previous_mean))  # type: ignore[operator]

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
            # (sleep is reported once a day, so its keys are its fields' names)
            **{
                name if name.startswith("sleep") else f"{name}_mean": _round(self.values[name])
                for name in METRICS
                if name != "pain"
            },
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


def _period_mean(days: "Iterable[MeanDay]", metric: str) -> float | None:
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
    history: Mapping[date, PainDay] | None = None,
) -> Summary:
    """The summary of [first, last].

    `entries` should cover the previous period of the same length and the period. The flare
    rules also need the year before: pass it as light `history` (DayFacts from the store), or
    let `entries` reach back to `summary_reads_from(first, last)`.
    """
    days = group_days(e for e in entries if summary_reads_from(first, last) <= e.at.date() <= last)
    flare_days = judge_days({**(history or {}), **days}, last, settings)
    return summary_of(days, first, last, flare_days)


class MeanDay(Protocol):
    """What the previous period's comparison reads of a day: a whole `Day`, or the store's
    light `DayFacts` read with every score."""

    def mean(self, metric: str) -> float | None: ...


def summary_of(
    days: Mapping[date, Day],
    first: date,
    last: date,
    flare_days: Collection[date],
    earlier: Mapping[date, MeanDay] | None = None,
) -> Summary:
    """The summary of [first, last] from days already grouped and judged: `days` holds (at
    least) the logged days of the period, `earlier` (default: `days`) those of the previous
    period of the same length, `flare_days` the dates judged flare days. It looks only at
    those days, so a view of many periods grouped and judged once costs the days it shows,
    not periods × history."""
    length = (last - first).days + 1
    previous_first = first - timedelta(days=length)
    before: Mapping[date, MeanDay] = days if earlier is None else earlier
    period = [days[d] for d in days_between(first, last) if d in days]
    previous = [
        before[d] for d in days_between(previous_first, first - timedelta(days=1)) if d in before
    ]

    # Each day's values are gathered once: a long report asks for a summary of every week
    # or month, and each summary would otherwise read every day's entries a dozen times.
    entry_values: dict[str, list[float]] = {metric: [] for metric in METRICS}
    daily = []
    region_days: Counter[str] = Counter()
    tag_days: Counter[str] = Counter()
    med_days: Counter[str] = Counter()
    for d in days_between(first, last):
        day = days.get(d)
        if day is None:
            daily.append(DailyRow(d, 0, dict.fromkeys(METRICS), None, d in flare_days, []))
            continue
        means: dict[str, float | None] = {}
        for metric in METRICS:
            values = day.values(metric)
            entry_values[metric] += values
            means[metric] = fmean(values) if values else None
        pains = day.values("pain")
        tags = day.tags
        daily.append(
            DailyRow(
                date=d,
                entries=len(day.entries),
                values=means,
                pain_max=int(max(pains)) if pains else None,
                flare=d in flare_days,
                tags=tags,
            )
        )
        region_days.update(day.regions)
        tag_days.update(tags)
        med_days.update({m.name for entry in day.entries for m in entry.meds})
    metrics = {}
    for metric in METRICS:
        values = entry_values[metric]
        daily_means = [m for row in daily if (m := row.values[metric]) is not None]
        metrics[metric] = Metric(
            mean=fmean(daily_means) if daily_means else None,
            min=min(values) if values else None,
            max=max(values) if values else None,
            previous_mean=_period_mean(previous, metric),
        )
    return Summary(
        first=first,
        last=last,
        entries=sum(len(day.entries) for day in period),
        metrics=metrics,
        daily=daily,
        # Areas, tags and meds: on how many days, most first (the areas that hurt most lead).
        regions=_by_count(region_days),
        tags=_by_count(tag_days),
        meds=_by_count(med_days),
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
