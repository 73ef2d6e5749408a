"""Flare days and flare episodes (SPEC §5): pure, the caller passes the days and the history."""

from bisect import bisect_left, insort
from collections import Counter, deque
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from statistics import fmean
from typing import Any

from msgspec import Struct

from fibrolog.analysis.days import (
    HISTORY_DAYS,
    PainDay,
    _round,
    days_between,
    group_days,
)
from fibrolog.config import FlareSettings
from fibrolog.models import Entry


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
    days: Mapping[date, PainDay], last: date, settings: FlareSettings
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


def _middle(ordered: list[float]) -> float:
    """The median of values already sorted (as `statistics.median`, which sorts them again)."""
    half = len(ordered) // 2
    return ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2


def episodes_of(flare_days: Sequence[FlareDay], days: Mapping[date, PainDay]) -> list[Episode]:
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
    days: Mapping[date, PainDay], first: date, last: date, settings: FlareSettings
) -> Flares:
    """As `flares`, from days already grouped (whole days or the store's light DayFacts)."""
    judged = judge_days(days, last, settings)
    in_period = [f for d, f in sorted(judged.items()) if first <= d <= last]
    return Flares(first, last, settings, in_period, episodes_of(in_period, days))
