"""Days of the diary: entries grouped by calendar day, and the few statistics every view shares.

No I/O and no clock. Comparisons use unrounded values; only what is printed or put in JSON is
rounded (2 decimals).
"""

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from statistics import fmean
from typing import Protocol

from msgspec import Struct

from fibrolog.models import Entry

METRICS = ("pain", "fatigue", "fog", "stiffness", "sleep_hours", "sleep_quality")
# Higher is better for these; for every other metric, lower is better.
HIGHER_IS_BETTER = frozenset({"sleep_hours", "sleep_quality"})
HISTORY_DAYS = 365


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


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


class PainDay(Protocol):
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
