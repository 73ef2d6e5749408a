"""Days of the diary: entries grouped by calendar day, and the few statistics every view shares.

No I/O and no clock. Comparisons use unrounded values; only what is printed or put in JSON is
rounded (2 decimals).
"""

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from statistics import fmean
from typing import Protocol

from msgspec import Struct

from fibrolog.models import DAILY_SCORES, FIELDS, SCORES, Entry

# The numbers of an entry, in its field order: the declared scores and the hours slept.
METRICS = tuple(name for name in FIELDS if name in SCORES or name == "sleep_hours")
# Higher is better for these; for every other metric, lower is better (or neither, as for
# exertion: HIGHER_IS_WORSE says which).
HIGHER_IS_BETTER = frozenset(
    {"sleep_hours", *(s.name for s in DAILY_SCORES if s.higher == "better")}
)
HIGHER_IS_WORSE = frozenset(s.name for s in DAILY_SCORES if s.higher == "worse")
HISTORY_DAYS = 365


def round_half_up(value: float | None, digits: int = 2) -> float | None:
    """`value` to `digits` decimals, a half rounded up (3.125 → 3.13, 2.875 → 2.88), as people
    round; Python's round() goes to even (3.12) and a change would then differ from the
    difference of the shown means. (The inner round() removes binary noise: 1.005 × 100 is
    100.49999999999999.)"""
    if value is None:
        return None
    scale = 10.0**digits
    return math.floor(round(value * scale, 6) + 0.5) / scale


_round = round_half_up  # the name the analysis modules round their JSON with


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

    @property
    def meds(self) -> frozenset[str]:
        """The names of the meds taken this day."""
        return frozenset(m.name for e in self.entries for m in e.meds)


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


class ScoredDay(PainDay, Protocol):
    """What insights and pacing read of a day: a whole `Day`, or the store's light `DayFacts`
    read with every score (`Diary.day_facts(..., all_scores=True)`), which costs a fraction of
    building the entries over years."""

    def mean(self, metric: str) -> float | None: ...

    @property
    def meds(self) -> frozenset[str]: ...


def group_days(entries: Iterable[Entry]) -> dict[date, Day]:
    """Entries by calendar day (the date part of `at`); days without entries are absent."""
    by_day: dict[date, list[Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.at.date(), []).append(entry)
    return {d: Day(d, tuple(es)) for d, es in sorted(by_day.items())}
