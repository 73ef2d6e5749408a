"""Honest intervals for a diary's comparisons: means of days that come in runs, exact t quantiles.

A diary's days are alike in runs (a flare lasts days, a good spell weeks), so a mean of 28 days
knows less than 28 independent days would. Every comparison fibrolog makes (the treatment
review's before/after, the as-needed days, each tag in `insights`) is a difference of two means
of daily values, and its 95 % interval here allows for that:

1. **How alike are neighbouring days?** The person's own daily values are split into blocks
   (the review: its two windows and 28-day blocks of the year before the start; insights:
   28-day blocks of the period), each block is centred on its own mean (so a treatment's effect
   or a slow drift does not pass for likeness), and the autocorrelation at lags 1 … 14 days is
   pooled over the blocks. Centring in short blocks makes those estimates too low; they are
   corrected for it by a fixed-point iteration (the bias of a block-centred autocovariance is
   the variance of the block's mean). The correlations are then summed by Geyer's initial
   monotone sequence (Statistical Science 1992): in pairs, while a pair stays positive, each
   pair no larger than the one before; beyond, days count as unalike. This follows whatever
   shape the person's runs have (a flare of a few days, a slow AR(1) level); a fitted AR(1)
   or ARMA(1,1) curve overstated the likeness of flare-driven days (the demo's) by half.
2. **The variance of the difference** of the two means is the exact sum over every pair of
   logged days within 14 days of each other of their weights times the correlation (each
   lag's pairs counted with the days as the bits of an int, and summed exactly), so missing
   days and interleaved groups (days with a tag against days without) are handled as they
   fall. Each group keeps its own spread (Welch), corrected for the likeness of its days.
3. **The t quantile** is exact at any degrees of freedom (the regularized incomplete beta
   function, inverted by safeguarded Newton steps from the Cornish–Fisher guess), with the
   Welch–Satterthwaite degrees of freedom taken from each group's effective number of days
   (its days ÷ the inflation of the variance of its mean).

Chosen by measurement (`benchmarks/calibration.py`, 2 500 simulated courses per φ, table in
`benchmarks/RESULTS.md`): with AR(1) day-to-day correlation φ = 0, 0.5, 0.8 and flare
episodes, Welch's interval over days (the method before) held the planted change in 85, 77
and 64 % of courses and called a course that did nothing a change in 14–36 %; weeks as the
unit held it in 96, 95, 90 %; this method in 96, 95, 93 %, with the most power of the honest
ones (a −35 % effect found in 89, 78, 60 %). No p-values: an interval says what is known.
"""

import math
import operator
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from itertools import repeat
from statistics import NormalDist

from msgspec import Struct

BLOCK_DAYS = 28  # the length of the blocks the likeness of days is read in, by default
MIN_BLOCK_DAYS = 7
MAX_LAG = 14  # likeness is read up to two weeks apart; beyond, days count as unalike
NEAR_LAGS = 8  # the lags read first (a person's runs are mostly shorter: see `likeness`)
THERE = ord("1")  # a day that is there, in the calendar's bits (`_calendar_bits`)


class Likeness(Struct, frozen=True):
    """How alike days are: `rho`[k − 1] is the correlation of two days k apart (k ≥ 1), and
    days further apart than its length are taken as unalike."""

    rho: tuple[float, ...] = ()

    def correlation(self, apart: int) -> float:
        if apart == 0:
            return 1.0
        return self.rho[apart - 1] if apart <= len(self.rho) else 0.0


INDEPENDENT = Likeness()


class Interval(Struct, frozen=True):
    """A difference of two means with its 95 % interval (`low`, `high`)."""

    estimate: float
    low: float
    high: float
    df: float  # degrees of freedom of the t quantile

    @property
    def clear(self) -> bool:
        """Whether the interval leaves out no change at all."""
        return self.low > 0 or self.high < 0


# -- the t distribution -------------------------------------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz's method)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1) < 1e-15:
            break
    return result


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T ≤ t) for Student's t with `df` degrees of freedom (any df > 0)."""
    tail = 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t))
    return 1 - tail if t > 0 else tail


def _rough_t(p: float, df: float) -> float:
    """A first guess at the `p` (> 0.5) quantile for Newton's steps: the Cornish–Fisher
    expansion about the normal quantile (good to 1e-4 from 5 degrees of freedom; below, only
    a start)."""
    z = NormalDist().inv_cdf(p)
    z2 = z * z
    return z * (
        1
        + (z2 + 1) / (4 * df)
        + ((5 * z2 + 16) * z2 + 3) / (96 * df**2)
        + (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * df**3)
    )


@lru_cache(maxsize=256)  # (a family of intervals asks for the same quantiles again)
def t_quantile(p: float, df: float) -> float:
    """The `p` quantile of Student's t with `df` > 0 degrees of freedom, to about 1e-10:
    Newton's steps on the exact distribution function from the Cornish–Fisher guess, kept
    inside the bracket of the points tried (halving it when a step leaves it)."""
    if not 0 < p < 1 or df <= 0:
        raise ValueError("t_quantile needs 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, math.inf
    t = _rough_t(p, df)
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    for _ in range(200):
        error = t_cdf(t, df) - p
        if error == 0:
            break
        if error > 0:
            high = t
        else:
            low = t
        density = math.exp(log_norm - (df + 1) / 2 * math.log1p(t * t / df))
        step = t - error / density
        if abs(step - t) < 1e-12 * t or high - low < 1e-12 * t:
            return step if low <= step <= high else t
        # (a step can only leave the bracket below, once a point above the quantile is known)
        t = step if low < step < high else (low + high) / 2
    return t


def t_975(df: float) -> float:
    """The two-sided 95 % quantile of Student's t (its 97.5th percentile)."""
    return t_quantile(0.975, df)


# -- how alike days are -------------------------------------------------------------------------


def _calendar_bits(days: Iterable[int], start: int, span: int) -> int:
    """`days` (ordinals, `date.toordinal`) as the bits of one int, a bit for each day of the
    `span` from `start` (set if the day is there): two such ints shifted k bits against each
    other line up the days k apart, and their pairs are counted in C (`_pairs`)."""
    flags = bytearray(b"0" * span)
    for day in days:
        flags[day - start] = THERE
    return int(flags, 2)


def _pairs(first: int, second: int, apart: int) -> int:
    """How many days of `first` have a day of `second` `apart` days from them, on one side
    (the same for every call: both sides are this and its mirror `_pairs(second, first, …)`).
    Both are `_calendar_bits` from the same origin."""
    return (first & (second >> apart)).bit_count()


def _pair_counts(
    first: Collection[date], second: Collection[date], lags: int
) -> tuple[list[int], list[int], list[int]]:
    """How many pairs of days lie k = 1 … `lags` days apart: both in `first`, both in
    `second`, and one in each (either first)."""
    if not lags:
        return [], [], []
    firsts, seconds = list(map(date.toordinal, first)), list(map(date.toordinal, second))
    everyone = firsts + seconds
    start, span = min(everyone), max(everyone) - min(everyone) + 1
    ones, twos = _calendar_bits(firsts, start, span), _calendar_bits(seconds, start, span)
    apart = range(1, lags + 1)
    return (
        [_pairs(ones, ones, k) for k in apart],
        [_pairs(twos, twos, k) for k in apart],
        [_pairs(ones, twos, k) + _pairs(twos, ones, k) for k in apart],
    )


def _exact_sum(terms: Iterable[tuple[int, float]]) -> float:
    """Σ count × value, rounded once: to the bit what `math.fsum` over `count` copies of each
    value gives, without laying the copies out."""
    # Each float is an exact ratio over a power of two: over the largest of them the sum is
    # one whole number, and dividing whole numbers rounds once (as `math.fsum` does).
    ratios = [(count, *value.as_integer_ratio()) for count, value in terms]
    common = max((bottom for _, _, bottom in ratios), default=1)
    return sum(count * top * (common // bottom) for count, top, bottom in ratios) / common


def _inflation(days: int, pairs: Sequence[int], likeness: Likeness) -> float:
    """Var(mean of `days` values) ÷ (σ² / n) when `pairs`[k − 1] of their pairs lie k days
    apart: 1 for independent days."""
    if not days or not likeness.rho:
        return 1.0
    cross = math.fsum(rho * count for rho, count in zip(likeness.rho, pairs, strict=False) if rho)
    return (days + 2 * cross) / days


def _variance_factor(days: Collection[date], likeness: Likeness) -> float:
    """Var(mean of the values on `days`) ÷ (σ² / n): 1 for independent days."""
    if not days:
        return 1.0
    return _inflation(len(days), _pair_counts(days, (), len(likeness.rho))[0], likeness)


def _weighted_variance(weights: Mapping[date, float], likeness: Likeness) -> float:
    """Σᵢ Σⱼ wᵢ wⱼ ρ(|dᵢ − dⱼ|) over the dated weights: the weights laid out on the calendar
    (0 on days without one), each lag's products summed at once. (The definition, for any
    weights; two groups of one weight each take `_two_group_variance`, to the same bits.)"""
    total = math.fsum(w * w for w in weights.values())
    if not likeness.rho or len(weights) < 2:
        return total
    first = min(weights)
    laid = [0.0] * ((max(weights) - first).days + 1)
    for day, weight in weights.items():
        laid[(day - first).days] = weight
    cross = math.fsum(
        rho * math.fsum(map(operator.mul, laid, laid[lag:]))
        for lag, rho in enumerate(likeness.rho, start=1)
        if rho
    )
    return total + 2 * cross


def _two_group_variance(
    sizes: tuple[int, int],
    pairs: tuple[list[int], list[int], list[int]],
    weights: tuple[float, float],
    likeness: Likeness,
) -> float:
    """`_weighted_variance` of weight a on each of n₁ days and −b on each of n₂ others
    (`sizes`, `weights` = (a, b)), their `_pair_counts` given: each lag's products are a²,
    b² and −ab, so its sum is three counts times three products, exact as `math.fsum`."""
    a, b = weights
    squares, product = (a * a, b * b), a * b
    total = _exact_sum(zip(sizes, squares, strict=True))
    if not likeness.rho or sum(sizes) < 2:
        return total
    within_first, within_second, between = pairs
    cross = math.fsum(
        rho
        * _exact_sum(
            [
                (within_first[k], squares[0]),
                (within_second[k], squares[1]),
                (between[k], -product),
            ]
        )
        for k, rho in enumerate(likeness.rho)
        if rho
    )
    return total + 2 * cross


def _squared_deviations(values: Iterable[float], centre: float) -> float:
    """Σ (v − centre)², in C."""
    return math.fsum(map(pow, map(operator.sub, values, repeat(centre)), repeat(2.0)))


def likeness(
    series: Mapping[date, float], blocks: Sequence[tuple[date, date]] | None = None
) -> Likeness:
    """The likeness of neighbouring days in a person's daily values (see the module's text),
    read in `blocks` (first, last) of days that do not overlap, by default blocks of 28 days
    back from the last."""
    if len(series) < 2 * MIN_BLOCK_DAYS:
        return INDEPENDENT
    ordered = sorted(series)
    ordinals = list(map(date.toordinal, ordered))  # the days as numbers, for the calendar
    if blocks is None:
        newest = ordinals[-1]
        oldest_end = newest - (newest - ordinals[0]) // BLOCK_DAYS * BLOCK_DAYS
        ends = range(oldest_end, newest + 1, BLOCK_DAYS)
        spans = [(end - BLOCK_DAYS + 1, end) for end in ends]
    else:
        spans = [(first.toordinal(), last.toordinal()) for first, last in blocks]
    ranges = [(bisect_left(ordinals, first), bisect_right(ordinals, last)) for first, last in spans]
    kept = [(lo, hi) for lo, hi in ranges if hi - lo >= MIN_BLOCK_DAYS]  # oldest first
    if not kept:
        return INDEPENDENT
    # Each block centred on its own mean and laid out on the calendar, block after block, each
    # followed by MAX_LAG empty days so that no pair spans two blocks: a lag's products within
    # the blocks are then one sum over the whole layout (0 where a day is missing).
    values = [series[day] for day in ordered]
    laid: list[float] = []
    present = bytearray()  # the layout's days that are there, as for `_calendar_bits`
    centred: list[float] = []
    shapes: list[tuple[int, tuple[int, ...]]] = []  # each block's days and pairs k days apart
    pairs_of: dict[bytes, tuple[int, ...]] = {}
    for lo, hi in kept:
        mean = math.fsum(values[lo:hi]) / (hi - lo)
        deviations = list(map(operator.sub, values[lo:hi], repeat(mean)))
        width = ordinals[hi - 1] - ordinals[lo] + 1
        if width == hi - lo:  # every day of the block logged
            laid += deviations
            present += b"1" * width
        else:
            block = [0.0] * width
            marks = bytearray(b"0" * width)
            for day, deviation in zip(ordinals[lo:hi], deviations, strict=True):
                block[day - ordinals[lo]] = deviation
                marks[day - ordinals[lo]] = THERE
            laid += block
            present += marks
        laid += [0.0] * MAX_LAG
        present += b"0" * MAX_LAG
        centred += deviations
        # (most blocks are alike, 28 days logged: their pairs are counted once)
        pattern = bytes(present[-(width + MAX_LAG) :])
        if pattern not in pairs_of:
            bits = int(pattern, 2)
            pairs_of[pattern] = tuple(_pairs(bits, bits, lag) for lag in range(1, MAX_LAG + 1))
        shapes.append((hi - lo, pairs_of[pattern]))
    variance = math.fsum(map(operator.mul, centred, centred)) / len(centred)
    if variance == 0:
        return INDEPENDENT
    longest = min(MAX_LAG, max(hi - lo for lo, hi in kept) // 2)
    everywhere = int(present, 2)

    def correlation(lag: int) -> float:
        """The raw correlation of days `lag` apart within the blocks."""
        count = _pairs(everywhere, everywhere, lag)
        products = math.fsum(map(operator.mul, laid, laid[lag:]))
        return products / count / variance if count else 0.0

    # Geyer's sequence stops at the first pair of lags whose sum is not positive, and the far
    # lags are read only if a round reaches them: the near ones first, the rest when needed
    # (the result is the same as with every lag read).
    raw = [correlation(lag) for lag in range(1, min(longest, NEAR_LAGS) + 1)]
    while True:
        fitted, reached_end = _fitted(raw, shapes)
        if not reached_end or len(raw) == longest:
            return fitted
        raw += [correlation(lag) for lag in range(len(raw) + 1, longest + 1)]


def _fitted(
    raw: Sequence[float], shapes: Sequence[tuple[int, tuple[int, ...]]]
) -> tuple[Likeness, bool]:
    """The likeness from the `raw` correlations of blocks of `shapes` (each block's days and
    its pairs k days apart), and whether a round's sequence reached the last of them.

    Centring each block on its own mean lowers each autocovariance by Var(block mean), and the
    variance by as much: ρ̂ₖ ≈ (ρₖ − b) / (1 − b), b = the mean over blocks of Var(block mean)
    ÷ σ², which depends on ρ itself; a few rounds settle it. (Blocks of the same shape, mostly
    whole 28-day blocks, share their inflation: a round costs a few blocks × lags products.)"""
    distinct = set(shapes)
    fitted = _positive_sequence(raw)
    # (a sequence that stops early keeps at most len(raw) − 3 values: see `_positive_sequence`)
    reached_end = len(fitted.rho) >= len(raw) - 1
    for _ in range(20):
        inflation = {shape: _inflation(*shape, fitted) for shape in distinct}
        bias = sum(inflation[shape] / shape[0] for shape in shapes) / len(shapes)
        bias = min(bias, 0.9)
        new = _positive_sequence([r * (1 - bias) + bias for r in raw])
        reached_end = reached_end or len(new.rho) >= len(raw) - 1
        if new == fitted:
            break
        fitted = new
    return fitted, reached_end


def _positive_sequence(rho: Sequence[float]) -> Likeness:
    """Geyer's initial monotone sequence (Statistical Science 1992): the correlations are
    summed in pairs (ρ₂ₘ + ρ₂ₘ₊₁, with ρ₀ = 1) while a pair's sum stays positive, each pair no
    larger than the one before; beyond, days count as unalike. Noise in the far lags is so
    cut off instead of summed."""
    kept: list[float] = []
    previous_pair = math.inf
    full = [1.0, *rho]
    for m in range(len(full) // 2):
        pair = full[2 * m] + full[2 * m + 1]
        if pair <= 0:
            break
        if pair > previous_pair:  # keep the sequence monotone: scale the pair down
            scale = previous_pair / pair
            first, second = full[2 * m] * scale, full[2 * m + 1] * scale
        else:
            first, second = full[2 * m], full[2 * m + 1]
        previous_pair = min(pair, previous_pair)
        kept += [first, second] if m else [second]
    return Likeness(tuple(round(r, 12) for r in kept))


# -- a difference of two means ------------------------------------------------------------------


def mean_difference(
    first: Mapping[date, float], second: Mapping[date, float], alike: Likeness = INDEPENDENT
) -> Interval | None:
    """mean(first) − mean(second) with its 95 % interval, days alike as `alike` says; None with
    fewer than 2 days on a side. With `INDEPENDENT` this is Welch's interval."""
    n1, n2 = len(first), len(second)
    if n1 < 2 or n2 < 2:
        return None
    m1 = math.fsum(first.values()) / n1
    m2 = math.fsum(second.values()) / n2
    squares = _squared_deviations(first.values(), m1), _squared_deviations(second.values(), m2)
    pairs = _pair_counts(first.keys(), second.keys(), len(alike.rho))
    if first.keys().isdisjoint(second):
        return _difference((n1, n2), (m1, m2), squares, pairs, alike)

    def on_both_sides(a: float, b: float) -> float:  # a day in both (never in fibrolog's uses)
        weights = dict.fromkeys(first, a)
        for d in second:
            weights[d] = weights.get(d, 0.0) - b
        return _weighted_variance(weights, alike)

    return _difference((n1, n2), (m1, m2), squares, pairs, alike, on_both_sides)


def _difference(
    sizes: tuple[int, int],
    means: tuple[float, float],
    squares: tuple[float, float],
    pairs: tuple[list[int], list[int], list[int]],
    alike: Likeness,
    variance_of: Callable[[float, float], float] | None = None,
) -> Interval:
    """The interval of means[0] − means[1] from each side's days, mean, Σ (v − mean)² and
    `_pair_counts`; `variance_of(a, b)`: `_weighted_variance` of a on one side's days and −b
    on the other's, when they share days."""
    (n1, n2), (m1, m2) = sizes, means
    f1 = min(_inflation(n1, pairs[0], alike), (n1 + 1) / 2)
    f2 = min(_inflation(n2, pairs[1], alike), (n2 + 1) / 2)
    # A sample variance of alike days is too small by the share the mean's variance takes.
    s1 = squares[0] / (n1 - f1)
    s2 = squares[1] / (n2 - f2)
    sd1, sd2 = math.sqrt(s1), math.sqrt(s2)
    if variance_of is None:
        variance = _two_group_variance(sizes, pairs, (sd1 / n1, sd2 / n2), alike)
    else:
        variance = variance_of(sd1 / n1, sd2 / n2)
    variance = max(variance, 0.0)
    estimate = m1 - m2
    if variance == 0:
        return Interval(estimate, estimate, estimate, math.inf)
    v1, v2 = s1 * f1 / n1, s2 * f2 / n2
    e1, e2 = max(n1 / f1 - 1, 1.0), max(n2 / f2 - 1, 1.0)  # effective days − 1
    df = (v1 + v2) ** 2 / (v1**2 / e1 + v2**2 / e2) if v1 + v2 else math.inf
    half = (t_975(df) if math.isfinite(df) else 1.959963984540054) * math.sqrt(variance)
    return Interval(estimate, estimate - half, estimate + half, df)


class Split:
    """A person's daily values compared again and again as some of the days against the rest
    (a tag's days against the others, effort above each level against the rest): what every
    comparison shares is worked out once, so that each costs about as much as its chosen days.
    `Split(series, alike).difference(chosen)` gives `mean_difference` of the chosen days and
    the others, to the bit, with the two means."""

    def __init__(self, series: Mapping[date, float], alike: Likeness) -> None:
        self.series, self.alike = series, alike
        ordinals = list(map(date.toordinal, series))
        self.start = min(ordinals, default=0)
        self.span = max(ordinals, default=0) - self.start + 1
        self.every = _calendar_bits(ordinals, self.start, self.span)
        # Daily values repeat (means of a few whole-number scores): the other side's sums are
        # then a few values times how often each comes. Where most values differ, the other
        # side is gone over as it is.
        counts = Counter(series.values())
        self.counts = counts if len(counts) * 8 <= len(series) else None

    def __len__(self) -> int:
        return len(self.series)

    def difference(self, chosen: Collection[date]) -> tuple[Interval, float, float] | None:
        """mean(the `chosen` days) − mean(the others), with the two means; None with fewer
        than 2 days on a side. `chosen` days must be in the series."""
        first = {day: self.series[day] for day in chosen}
        if self.counts is None:
            second = {day: v for day, v in self.series.items() if day not in first}
            found = mean_difference(first, second, self.alike)
            if found is None:
                return None
            return (
                found,
                math.fsum(first.values()) / len(first),
                math.fsum(second.values()) / len(second),
            )
        n1, n2 = len(first), len(self.series) - len(first)
        if n1 < 2 or n2 < 2:
            return None
        m1 = math.fsum(first.values()) / n1
        others = self.counts - Counter(first.values())
        m2 = _exact_sum((count, value) for value, count in others.items()) / n2
        squares = (
            _squared_deviations(first.values(), m1),
            _exact_sum((count, (value - m2) ** 2) for value, count in others.items()),
        )
        ones = _calendar_bits(map(date.toordinal, first), self.start, self.span)
        twos = self.every ^ ones
        apart = range(1, len(self.alike.rho) + 1)
        pairs = (
            [_pairs(ones, ones, k) for k in apart],
            [_pairs(twos, twos, k) for k in apart],
            [_pairs(ones, twos, k) + _pairs(twos, ones, k) for k in apart],
        )
        return _difference((n1, n2), (m1, m2), squares, pairs, self.alike), m1, m2


def widened(interval: Interval, comparisons: int) -> Interval:
    """`interval` widened to hold for `comparisons` made at once (Bonferroni: each at
    1 − 0.05 ÷ `comparisons`, so the family is at 95 %), at its own degrees of freedom."""
    if comparisons <= 1 or interval.high == interval.low:
        return interval
    p = 1 - 0.025 / comparisons
    if math.isfinite(interval.df):
        scale = t_quantile(p, interval.df) / t_975(interval.df)
    else:
        scale = NormalDist().inv_cdf(p) / NormalDist().inv_cdf(0.975)
    half = (interval.high - interval.low) / 2 * scale
    return Interval(
        interval.estimate, interval.estimate - half, interval.estimate + half, interval.df
    )
