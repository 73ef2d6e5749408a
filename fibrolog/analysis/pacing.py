"""Pacing: effort and the days after. Pure: days in, a typed result out; no I/O, no clock.

Boom and bust is the pattern fibromyalgia self-management warns of: a day of high effort,
then a crash a day to three later. For each lag of 0 to 3 days this compares pain, fatigue
and the share of flare days on the days after high-effort days (the person's own top
quarter of exertion) with the days after the rest; and it looks for a personal envelope,
the effort above which flares came more often in the following 3 days.

The intervals are the product's one method (`fibrolog.analysis.stats`, as for the tags in
`insights`): a difference of two means whose days come in runs, the likeness of days read from
the person's own values of that measure in the period, with exact t quantiles. Each is widened
for the 12 comparisons made at once (Bonferroni, `stats.widened`), because twelve plain 95 %
intervals call something clear on a diary with no effect far more often than one time in
twenty. Measured by `benchmarks/calibration.py` (500 simulated 120-day diaries per φ in which
effort does nothing): with a plain 95 % interval per cell, 33–37 % of diaries showed a clear
cell (5 % of cells); widened, 2.6–3.6 % (0.3–0.5 % of cells). A planted +2 pain two days after
effort ≥ 7 stays clear at lag 2 in 40 of 40 diaries of 240 days, and at lag 0 in none.

A difference is *clear* when its interval leaves out zero; otherwise it is *unclear*: it could
be chance. Nothing is random: the same diary always gives the same answer.
"""

from bisect import bisect_right
from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from statistics import fmean
from typing import Any, Literal

from msgspec import Struct

from fibrolog.analysis.days import ScoredDay, round_half_up
from fibrolog.analysis.flares import judge_days
from fibrolog.analysis.stats import Interval, Likeness, Split, likeness, mean_difference, widened
from fibrolog.config import FlareSettings

LAGS = (0, 1, 2, 3)
MEASURES = ("pain", "fatigue", "flare")
FAMILY = len(MEASURES) * len(LAGS)  # the comparisons of the table, made at once
ENOUGH_DAYS = 28  # days with exertion before any comparison is made
MIN_GROUP = 5  # days on each side of a comparison
ENVELOPE_WINDOW = 3  # "flares in the following 3 days"
AFTER = [timedelta(days=n) for n in range(1, ENVELOPE_WINDOW + 1)]  # the days that follow


class Comparison(Struct, frozen=True):
    """One measure, `lag` days after high-effort days against `lag` days after the others:
    the two means (pain, fatigue: 0–10; flare: the share of days, 0–1), their difference and
    its 95 % interval; `clear` when the interval leaves out zero."""

    measure: str
    lag: int
    after_high: float | None
    after_rest: float | None
    n_high: int
    n_rest: int
    difference: float | None
    interval: tuple[float, float] | None
    clear: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "lag": self.lag,
            "after_high": round_half_up(self.after_high),
            "after_rest": round_half_up(self.after_rest),
            "n_high": self.n_high,
            "n_rest": self.n_rest,
            "difference": round_half_up(self.difference),
            "interval": None
            if self.interval is None
            else [round_half_up(self.interval[0]), round_half_up(self.interval[1])],
            "clear": self.clear,
        }


class Envelope(Struct, frozen=True):
    """The effort from which flares came clearly more often in the next 3 days: `level` is
    the lowest effort of those days ("7 or more"), None when no level stands out or there is
    not enough data yet (`status` says which); the two flare rates beside it."""

    status: Literal["found", "none stands out", "not enough yet"]
    level: int | None = None
    rate_above: float | None = None
    rate_at_or_below: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "level": self.level,
            "flare_rate_above": round_half_up(self.rate_above),
            "flare_rate_at_or_below": round_half_up(self.rate_at_or_below),
        }


class Pacing(Struct, frozen=True):
    """Effort and the days after, for the days [first, last]."""

    first: date
    last: date
    days_with_effort: int
    high_from: int | None  # high effort: this level or more (None: not enough days)
    high_days: int
    comparisons: list[Comparison]
    envelope: Envelope

    @property
    def enough(self) -> bool:
        return self.high_from is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "days_with_effort": self.days_with_effort,
            "enough": self.enough,
            "needs_days": ENOUGH_DAYS,
            "high_from": self.high_from,
            "high_days": self.high_days,
            "comparisons": [c.to_dict() for c in self.comparisons],
            "envelope": self.envelope.to_dict(),
        }


# -- the interval ------------------------------------------------------------------------------


def interval_of(
    pairs: Sequence[tuple[date, bool, float]], alike: Likeness, comparisons: int = 1
) -> tuple[float, float] | None:
    """The interval of mean(high) − mean(rest) for (day, is_high, value) pairs, days alike as
    `alike` says, widened for `comparisons` made at once (95 % for the family). None with
    fewer than 2 days on a side."""
    high = {day: value for day, is_high, value in pairs if is_high}
    rest = {day: value for day, is_high, value in pairs if not is_high}
    return _widened(mean_difference(high, rest, alike), comparisons)


def _widened(found: Interval | None, comparisons: int) -> tuple[float, float] | None:
    if found is None:
        return None
    found = widened(found, comparisons)
    return found.low, found.high


def _compare(
    measure: str,
    lag: int,
    high: Mapping[date, float],
    rest: Mapping[date, float],
    alike: Likeness,
    comparisons: int,
) -> Comparison:
    """`measure` `lag` days after the `high` days against after the `rest` (each keyed by
    the effort day)."""
    if len(high) < MIN_GROUP or len(rest) < MIN_GROUP:
        return Comparison(
            measure,
            lag,
            fmean(high.values()) if high else None,
            fmean(rest.values()) if rest else None,
            len(high),
            len(rest),
            None,
            None,
            False,
        )
    means = fmean(high.values()), fmean(rest.values())
    found = mean_difference(high, rest, alike)
    return _compared(measure, lag, (len(high), len(rest)), means, found, comparisons)


def _compared(
    measure: str,
    lag: int,
    sizes: tuple[int, int],
    means: tuple[float, float],
    found: Interval | None,
    comparisons: int,
) -> Comparison:
    interval = _widened(found, comparisons)
    clear = interval is not None and (interval[0] > 0 or interval[1] < 0)
    return Comparison(measure, lag, *means, *sizes, means[0] - means[1], interval, clear)


# -- the analysis ------------------------------------------------------------------------------


def top_quarter(efforts: Collection[float]) -> int:
    """Where high effort starts: the lowest whole level at or above which at most a quarter
    of the days fall (levels are whole, so often fewer); the highest level if even that
    holds more than a quarter of the days."""
    levels = sorted({int(value) for value in efforts}, reverse=True)
    high_from = levels[0]
    for level in levels:
        if sum(1 for value in efforts if value >= level) > len(efforts) / 4:
            break
        high_from = level
    return high_from


def _outcome(
    measure: str,
    days: Mapping[date, ScoredDay],
    flare_days: Collection[date],
    first: date,
    last: date,
) -> dict[date, float]:
    """Each logged day's `measure` in [first, last] (flare: 1 on a flare day, else 0)."""
    if measure == "flare":
        return {day: 1.0 if day in flare_days else 0.0 for day in days if first <= day <= last}
    return {
        day: value
        for day, info in days.items()
        if first <= day <= last and (value := info.mean(measure)) is not None
    }


def pacing(
    days: Mapping[date, ScoredDay],
    flare_days: Collection[date],
    first: date,
    last: date,
    family: int = FAMILY,
) -> Pacing:
    """Effort and the days after for effort days in [first, last] (their outcomes may fall
    up to 3 days later, within `last`). `flare_days` are the flare rules' days. Each interval
    holds for `family` comparisons at once (1: a plain 95 % interval each, which the
    calibration benchmark measures against)."""
    effort = {
        day: value
        for day, info in days.items()
        if first <= day <= last and (value := info.mean("exertion")) is not None
    }
    if len(effort) < ENOUGH_DAYS or len(set(effort.values())) < 2:
        return Pacing(
            first, last, len(effort), None, 0, [], _envelope(effort, days, flare_days, last)
        )
    high_from = top_quarter(effort.values())
    high_days = [day for day, value in effort.items() if value >= high_from]
    rest_days = [day for day, value in effort.items() if value < high_from]
    # each effort day with the day `lag` days after it (an outcome day), high and the rest
    shifted: dict[int, tuple[list[tuple[date, date]], list[tuple[date, date]]]] = {}
    for lag in LAGS:
        step = timedelta(days=lag)
        shifted[lag] = ([(d, d + step) for d in high_days], [(d, d + step) for d in rest_days])
    comparisons = []
    for measure in MEASURES:
        series = _outcome(measure, days, flare_days, first, last)
        # How alike the person's days are in this measure, read from the whole period (a pair
        # keyed by its effort day is its outcome day shifted, so the distances are the same).
        alike = likeness(series)
        for lag in LAGS:
            # (an outcome day is after `first`, so it is in `series` if within `last`)
            high, rest = shifted[lag]
            after_high = {d: r for d, later in high if (r := series.get(later)) is not None}
            after_rest = {d: r for d, later in rest if (r := series.get(later)) is not None}
            comparisons.append(_compare(measure, lag, after_high, after_rest, alike, family))
    envelope = _envelope(effort, days, flare_days, last)
    return Pacing(first, last, len(effort), high_from, len(high_days), comparisons, envelope)


def _envelope(
    effort: Mapping[date, float],
    days: Mapping[date, ScoredDay],
    flare_days: Collection[date],
    last: date,
) -> Envelope:
    """The lowest effort level above which a flare came clearly more often in the next
    ENVELOPE_WINDOW days than at or below it."""
    # effort day → (its effort, 1 if a flare day falls in the next ENVELOPE_WINDOW days, 0 if
    # none does and one of them is logged); left out when none is logged (nothing known)
    flare_soon = {day - step for day in flare_days for step in AFTER}
    logged_soon = {day - step for day in days if day <= last for step in AFTER}
    judged_until = last - timedelta(days=ENVELOPE_WINDOW)  # whose next days are all in
    followed = {
        day: (value, 1.0 if day in flare_soon else 0.0)
        for day, value in sorted(effort.items())
        if day <= judged_until and (day in flare_soon or day in logged_soon)
    }
    if len(followed) < ENOUGH_DAYS or not any(flared for _, flared in followed.values()):
        return Envelope("not enough yet")
    # The change point: of the levels with enough days on each side, the one whose split
    # separates the flare rates most surely (the highest lower end of the interval: the
    # largest difference alone favours a split with a handful of days on one side).
    # Whether a flare follows within 3 days is alike on neighbouring days by its making (their
    # windows overlap): the likeness is read from that series itself.
    flares = {day: flared for day, (_, flared) in followed.items()}
    # Every level splits the same days (`Split`: what the comparisons share is worked out once).
    split = Split(flares, likeness(flares))
    levels = sorted({int(value) for value, _ in followed.values()})
    by_effort = sorted(followed, key=lambda day: followed[day][0])
    efforts = [followed[day][0] for day in by_effort]
    splits = []
    for level in levels:
        at_or_below = bisect_right(efforts, level)  # the days above `level` come after these
        if MIN_GROUP <= len(efforts) - at_or_below <= len(efforts) - MIN_GROUP:
            splits.append((level, by_effort[at_or_below:]))
    if not splits:
        return Envelope("not enough yet")
    found = []
    for level, above in splits:
        compared = split.difference(above)
        assert compared is not None  # at least MIN_GROUP days a side
        interval, after_high, after_rest = compared
        sizes = (len(above), len(split) - len(above))
        means = (after_high, after_rest)
        found.append(
            (level, _compared("flare", ENVELOPE_WINDOW, sizes, means, interval, len(splits)))
        )
    level, best = max(found, key=lambda lc: lc[1].interval[0] if lc[1].interval else -1.0)
    if best.clear and best.difference is not None and best.difference > 0:
        from_level = min(int(value) for value, _ in followed.values() if value > level)
        return Envelope("found", from_level, best.after_high, best.after_rest)
    return Envelope("none stands out")


def pacing_of(
    days: Mapping[date, ScoredDay], first: date, last: date, settings: FlareSettings
) -> Pacing:
    """`pacing` of the logged days (date-sorted), their flare days judged by the flare rules
    (give the days from `flares.history_start(first)` for the baselines)."""
    return pacing(days, judge_days(days, last, settings).keys(), first, last)
