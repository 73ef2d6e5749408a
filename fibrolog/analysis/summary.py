"""The summary of a period (SPEC §4): daily rows, metrics against the previous period, areas.

Pure: the caller passes the entries of the days it asks about, plus history for the flare rules.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from statistics import fmean
from typing import Any

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
    history: Mapping[date, PainDay] | None = None,
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
    med_days: Counter[str] = Counter()
    for day in period:
        region_days.update(day.regions)
        tag_days.update(day.tags)
        med_days.update({m.name for entry in day.entries for m in entry.meds})
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
