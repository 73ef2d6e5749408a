"""The interval method and the t quantile against hand-computed and tabled values (issue 18)."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fibrolog.analysis.stats import (
    INDEPENDENT,
    Interval,
    Likeness,
    Split,
    _positive_sequence,
    _variance_factor,
    _weighted_variance,
    likeness,
    mean_difference,
    t_975,
    t_quantile,
)

DAY = date(2026, 1, 1)


def dated(values: list[float], first: date = DAY) -> dict[date, float]:
    return {first + timedelta(days=i): v for i, v in enumerate(values)}


@pytest.mark.parametrize(
    "df, table",  # Student's t, 97.5th percentile (any statistics table)
    [
        (1, 12.7062),
        (2, 4.3027),
        (3, 3.1824),
        (5, 2.5706),
        (10, 2.2281),
        (30, 2.0423),
        (100, 1.9840),
    ],
)
def test_t_quantile_matches_the_tables(df: int, table: float) -> None:
    assert t_975(df) == pytest.approx(table, rel=1e-4)


def test_t_quantile_at_closed_forms_and_fractional_df() -> None:
    assert t_quantile(0.975, 1) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-9)
    p = 0.9
    assert t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9)
    assert t_quantile(0.025, 7) == pytest.approx(-t_975(7))
    assert t_975(1) > t_975(1.3) > t_975(2), "between the tabled values, in order"


def test_with_independent_days_it_is_welchs_interval() -> None:
    # Unequal variances: df = 8.82 by Welch–Satterthwaite, t = 2.27, standard error 1.826.
    interval = mean_difference(
        dated([1, 2, 3, 4, 5, 6, 7]), dated([2, 4, 6, 8, 10, 12, 14], DAY + timedelta(days=100))
    )
    assert interval is not None
    assert interval.low == pytest.approx(-8.14, abs=0.01)
    assert interval.high == pytest.approx(0.14, abs=0.01)
    assert interval.df == pytest.approx(8.82, abs=0.01)
    assert not interval.clear
    steady = mean_difference(dated([4, 4, 4]), dated([6, 6], DAY + timedelta(days=50)))
    assert steady is not None and (steady.low, steady.high) == (-2.0, -2.0) and steady.clear
    assert mean_difference(dated([4]), dated([6, 6])) is None


def test_alike_days_widen_the_interval_by_hand() -> None:
    # Two neighbouring days correlated 0.5: Var(sum) = 1 + 1 + 2 × 0.5 = 3
    alike = Likeness((0.5,))
    assert _weighted_variance(dated([1.0, 1.0]), alike) == pytest.approx(3.0)
    # Days 2 apart are unalike under a one-lag likeness; a missing day in between changes it
    assert _weighted_variance({DAY: 1.0, DAY + timedelta(days=2): 1.0}, alike) == 2.0
    # The mean of 4 days in a row with ρ₁ = 0.5, ρ₂ = 0.25: (4 + 2(3 × 0.5 + 2 × 0.25)) / 4 = 2
    assert _variance_factor(list(dated([0, 0, 0, 0])), Likeness((0.5, 0.25))) == pytest.approx(2.0)
    assert _variance_factor(list(dated([0, 0, 0, 0])), INDEPENDENT) == 1.0
    first, second = (
        dated([3, 5, 4, 6, 5, 7, 4, 6]),
        dated([5, 7, 6, 8, 7, 9, 6, 8], DAY + timedelta(days=30)),
    )
    plain = mean_difference(first, second)
    wide = mean_difference(first, second, Likeness((0.6, 0.4, 0.2)))
    assert plain is not None and wide is not None
    assert wide.estimate == plain.estimate == -2.0
    assert wide.high - wide.low > plain.high - plain.low and wide.df < plain.df


def test_geyers_sequence_stops_at_the_first_pair_that_is_not_positive() -> None:
    assert _positive_sequence([0.5, 0.25, -0.1, -0.2, -0.1]).rho == (0.5, 0.25, -0.1)
    assert _positive_sequence([-0.6]).rho == (-0.6,)  # 1 + ρ₁ is still positive
    monotone = _positive_sequence([0.3, 0.1, 0.1, 0.4, 0.4]).rho  # pairs 1.3, 0.2, then 0.8
    assert monotone == pytest.approx((0.3, 0.1, 0.1, 0.1, 0.1)), "a later pair is scaled down"


def test_likeness_is_read_from_runs_and_not_from_a_shift_between_blocks() -> None:
    runs = dated([5.0 + (3 if (i // 4) % 2 else 0) for i in range(112)])  # 4-day runs
    assert likeness(runs).rho[0] > 0.5
    alternating = dated([5.0 + (1 if i % 2 else -1) for i in range(112)])
    assert likeness(alternating).rho[0] < 0
    # a level that jumps between two blocks but is flat within each: nothing alike within
    shifted = dated(
        [4.0 + (i % 2) * 0.01 for i in range(28)] + [7.0 + (i % 2) * 0.01 for i in range(28)]
    )
    assert (
        likeness(
            shifted,
            [(DAY, DAY + timedelta(days=27)), (DAY + timedelta(days=28), DAY + timedelta(days=55))],
        ).rho[0]
        < 0
    )
    assert likeness(dated([5.0] * 5)) == INDEPENDENT


def test_widened_holds_for_a_family_of_comparisons() -> None:
    from fibrolog.analysis.stats import Interval, t_quantile, widened

    found = Interval(1.0, 0.0, 2.0, 10.0)
    assert widened(found, 1) == found
    family = widened(found, 12)  # each at 1 − 0.05 / 12: t's 1 − 0.025 / 12 quantile
    half = t_quantile(1 - 0.025 / 12, 10.0) / t_quantile(0.975, 10.0)
    assert family == Interval(1.0, 1.0 - half, 1.0 + half, 10.0)
    assert round(half * t_quantile(0.975, 10.0), 2) == 3.69  # Dunn's table: 12 comparisons, df 10
    assert widened(Interval(1.0, 1.0, 1.0, math.inf), 12) == Interval(1.0, 1.0, 1.0, math.inf)
    normal = widened(Interval(0.0, -1.96, 1.96, math.inf), 12)
    assert round(normal.high, 2) == 2.87  # z at 1 − 0.025 / 12


# -- the shortcuts give the definition's numbers, to the bit ------------------------------------


def likeness_by_definition(
    series: dict[date, float], blocks: list[tuple[date, date]] | None = None
) -> Likeness:
    """`likeness` as first written: every pair of days in a block looked up, every block's
    inflation summed over its calendar in each round (the fast version must match it)."""
    from fibrolog.analysis.stats import BLOCK_DAYS, MAX_LAG, MIN_BLOCK_DAYS

    if len(series) < 2 * MIN_BLOCK_DAYS:
        return INDEPENDENT
    ordered = sorted(series)
    if blocks is None:
        grouped: dict[int, list[date]] = {}
        for day in ordered:
            grouped.setdefault((ordered[-1] - day).days // BLOCK_DAYS, []).append(day)
        members = list(grouped.values())
    else:
        members = [[d for d in ordered if first <= d <= last] for first, last in blocks]
    centred: dict[date, float] = {}
    block_of: dict[date, int] = {}
    sizes = []
    for number, days in enumerate(members):
        if len(days) >= MIN_BLOCK_DAYS:
            mean = math.fsum(series[d] for d in days) / len(days)
            centred.update((d, series[d] - mean) for d in days)
            block_of.update(dict.fromkeys(days, number))
            sizes.append(days)
    if not sizes:
        return INDEPENDENT
    variance = math.fsum(e * e for e in centred.values()) / len(centred)
    if variance == 0:
        return INDEPENDENT
    raw = []
    for lag in range(1, min(MAX_LAG, max(len(days) for days in sizes) // 2) + 1):
        products = [
            e * centred[later]
            for d, e in centred.items()
            if (later := d + timedelta(days=lag)) in centred and block_of[later] == block_of[d]
        ]
        raw.append(math.fsum(products) / len(products) / variance if products else 0.0)
    fitted = _positive_sequence(raw)
    for _ in range(20):
        bias = sum(
            _weighted_variance(dict.fromkeys(days, 1.0), fitted) / len(days) / len(days)
            for days in sizes
        ) / len(sizes)
        new = _positive_sequence([r * (1 - min(bias, 0.9)) + min(bias, 0.9) for r in raw])
        if new == fitted:
            break
        fitted = new
    return fitted


def difference_by_definition(
    first: dict[date, float], second: dict[date, float], alike: Likeness
) -> Interval:
    """`mean_difference` with every weighted sum laid out on the calendar."""
    n1, n2 = len(first), len(second)
    m1, m2 = math.fsum(first.values()) / n1, math.fsum(second.values()) / n2
    f1 = min(_weighted_variance(dict.fromkeys(first, 1.0), alike) / n1, (n1 + 1) / 2)
    f2 = min(_weighted_variance(dict.fromkeys(second, 1.0), alike) / n2, (n2 + 1) / 2)
    s1 = math.fsum((v - m1) ** 2 for v in first.values()) / (n1 - f1)
    s2 = math.fsum((v - m2) ** 2 for v in second.values()) / (n2 - f2)
    sd1, sd2 = math.sqrt(s1), math.sqrt(s2)
    weights = {d: sd1 / n1 for d in first} | {d: 0.0 - sd2 / n2 for d in second}
    variance = max(_weighted_variance(weights, alike), 0.0)
    estimate = m1 - m2
    if variance == 0:
        return Interval(estimate, estimate, estimate, math.inf)
    v1, v2 = s1 * f1 / n1, s2 * f2 / n2
    e1, e2 = max(n1 / f1 - 1, 1.0), max(n2 / f2 - 1, 1.0)
    df = (v1 + v2) ** 2 / (v1**2 / e1 + v2**2 / e2) if v1 + v2 else math.inf
    half = (t_975(df) if math.isfinite(df) else 1.959963984540054) * math.sqrt(variance)
    return Interval(estimate, estimate - half, estimate + half, df)


scores = st.floats(0, 10).map(lambda v: round(v * 4) / 4) | st.integers(0, 10).map(float)


@given(
    values=st.lists(scores | st.none(), min_size=10, max_size=150),
    in_first=st.lists(st.booleans(), min_size=150, max_size=150),
    rho=st.lists(st.floats(-0.4, 0.9), max_size=14),
    cut=st.integers(1, 60),
)
def test_the_counted_sums_are_the_definitions_to_the_bit(
    values: list[float | None], in_first: list[bool], rho: list[float], cut: int
) -> None:
    series = {DAY + timedelta(days=i): v for i, v in enumerate(values) if v is not None}
    assert likeness(series) == likeness_by_definition(series)
    blocks = [
        (DAY, DAY + timedelta(days=cut - 1)),
        (DAY + timedelta(days=cut + 3), DAY + timedelta(days=200)),
    ]
    assert likeness(series, blocks) == likeness_by_definition(series, blocks)
    first = {d: v for d, v in series.items() if in_first[(d - DAY).days]}
    second = {d: v for d, v in series.items() if d not in first}
    alike = Likeness(tuple(rho))
    if len(first) >= 2 and len(second) >= 2:
        assert mean_difference(first, second, alike) == difference_by_definition(
            first, second, alike
        )


# Daily means repeat (few values, as a diary's) or hardly at all (the other way of summing).
repeating = st.sampled_from([0.0, 1 / 3, 2 / 3, 7 / 5, 11 / 7, 2.2, 13 / 3, 5.6, 9.8, 10 / 3])


@given(
    values=st.lists(repeating, min_size=100, max_size=150)
    | st.lists(st.floats(0, 10).map(lambda v: round(v, 4)), min_size=4, max_size=60),
    chosen=st.lists(st.booleans(), min_size=150, max_size=150),
    rho=st.lists(st.floats(-0.4, 0.9), max_size=14),
)
def test_a_split_is_the_difference_of_its_two_sides_to_the_bit(
    values: list[float], chosen: list[bool], rho: list[float]
) -> None:
    series = {DAY + timedelta(days=3 * i // 2): v for i, v in enumerate(values)}
    alike = Likeness(tuple(rho))
    days = [d for i, d in enumerate(series) if chosen[i]]
    first = {d: series[d] for d in days}
    second = {d: v for d, v in series.items() if d not in first}
    found = Split(series, alike).difference(days)
    expected = mean_difference(first, second, alike)
    if expected is None:
        assert found is None
        return
    assert found == (
        expected,
        math.fsum(first.values()) / len(first),
        math.fsum(second.values()) / len(second),
    )
