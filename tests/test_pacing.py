"""Pacing (issue 20): effort and the days after, on diaries with a planted effect."""

import random
from datetime import date, datetime, timedelta, timezone

from fibrolog.analysis.days import Day, group_days
from fibrolog.analysis.pacing import interval_of, pacing, top_quarter
from fibrolog.analysis.stats import INDEPENDENT, Likeness, mean_difference, widened
from fibrolog.models import Entry

FIRST = date(2026, 1, 1)
CET = timezone(timedelta(hours=1))


def diary(days: int, pain_of: "PainRule", seed: int = 1) -> dict[date, Day]:
    """`days` days, one entry each at 20:00: exertion drawn 0–10, pain from `pain_of`."""
    rng = random.Random(seed)
    efforts = [rng.randint(0, 10) for _ in range(days)]
    entries = []
    for n, effort in enumerate(efforts):
        at = datetime.combine(FIRST + timedelta(days=n), datetime.min.time(), CET).replace(hour=20)
        pain = pain_of(efforts, n, rng)
        fatigue = round(min(10, max(0, 4 + rng.gauss(0, 1))))
        entries.append(
            Entry(uid=f"{n:032x}", at=at, logged=at, pain=pain, fatigue=fatigue, exertion=effort)
        )
    return group_days(entries)


PainRule = "Callable[[list[int], int, random.Random], int]"


def two_days_after_effort(efforts: list[int], n: int, rng: random.Random) -> int:
    """Pain 4 ± 1, and 2 more two days after a day of effort ≥ 7."""
    boost = 2 if n >= 2 and efforts[n - 2] >= 7 else 0
    return round(min(10, max(0, 4 + boost + rng.gauss(0, 1))))


def no_effect(efforts: list[int], n: int, rng: random.Random) -> int:
    return round(min(10, max(0, 4 + rng.gauss(0, 1))))


def comparison(result, measure: str, lag: int):  # type: ignore[no-untyped-def]
    return next(c for c in result.comparisons if (c.measure, c.lag) == (measure, lag))


def test_effort_raising_pain_two_days_later_shows_at_lag_2_not_lag_0() -> None:
    days = diary(240, two_days_after_effort)
    last = FIRST + timedelta(days=239)
    result = pacing(days, set(), FIRST, last)
    assert result.high_from == 9 and result.days_with_effort == 240  # 9 and 10: 18 % of days
    at_2 = comparison(result, "pain", 2)
    assert at_2.clear and at_2.difference is not None and 1.4 < at_2.difference < 2.2
    assert at_2.interval is not None and at_2.interval[0] > 1
    assert not comparison(result, "pain", 0).clear
    assert not comparison(result, "fatigue", 2).clear


def test_no_effect_shows_no_clear_difference() -> None:
    for seed in (1, 2, 3):
        days = diary(240, no_effect, seed)
        result = pacing(days, set(), FIRST, FIRST + timedelta(days=239))
        clear = [(c.measure, c.lag) for c in result.comparisons if c.clear]
        assert clear == [], seed


def test_flares_after_effort_give_a_personal_envelope() -> None:
    # Mostly calm days (effort 2–5), one in ten of 7–9; a flare two days after each of those.
    rng = random.Random(5)
    entries, flare_days = [], set()
    for n in range(240):
        day = FIRST + timedelta(days=n)
        effort = rng.randint(7, 9) if rng.random() < 0.1 else rng.randint(2, 5)
        if effort >= 7:
            flare_days.add(day + timedelta(days=2))
        at = datetime.combine(day, datetime.min.time(), CET).replace(hour=20)
        entries.append(Entry(uid=f"{n:032x}", at=at, logged=at, pain=4, exertion=effort))
    result = pacing(group_days(entries), flare_days, FIRST, FIRST + timedelta(days=239))
    assert result.envelope.status == "found"
    assert result.envelope.level == 7  # "effort 7 or more"
    assert result.envelope.rate_above == 1.0
    assert result.envelope.rate_at_or_below < 0.3  # type: ignore[operator]
    assert comparison(result, "flare", 2).clear and not comparison(result, "flare", 0).clear
    calm = pacing(group_days(entries), set(), FIRST, FIRST + timedelta(days=239))
    assert calm.envelope.status == "not enough yet"  # no flare at all: nothing to find


def test_too_few_days_say_not_enough_yet() -> None:
    days = diary(20, two_days_after_effort)
    result = pacing(days, set(), FIRST, FIRST + timedelta(days=19))
    assert not result.enough and result.comparisons == []
    assert result.envelope.status == "not enough yet"
    assert result.to_dict()["needs_days"] == 28


def test_top_quarter_and_the_shared_interval_by_hand() -> None:
    assert top_quarter([1, 2, 3, 4, 5, 6, 7, 8]) == 7
    assert top_quarter([5] * 3 + [9]) == 9
    assert top_quarter([5, 5, 6, 6, 6, 6]) == 6  # more than a quarter at the top: the top
    # No spread on either side: the difference is known exactly, however many comparisons.
    flat = [(FIRST + timedelta(days=n), n % 7 == 0, 3.0 if n % 7 == 0 else 1.0) for n in range(28)]
    assert interval_of(flat, INDEPENDENT, 12) == (2.0, 2.0)
    assert interval_of(flat[:1], INDEPENDENT) is None  # one day, no high day beside it
    # It is the shared interval (issue 18's), widened for the 12 comparisons at once.
    pairs = [
        (FIRST + timedelta(days=n), n % 4 == 0, float(n % 3 + (n % 4 == 0))) for n in range(40)
    ]
    alike = Likeness((0.4, 0.1))
    shared = mean_difference(
        {d: v for d, high, v in pairs if high}, {d: v for d, high, v in pairs if not high}, alike
    )
    assert shared is not None and interval_of(pairs, alike) == (shared.low, shared.high)
    family = widened(shared, 12)
    assert interval_of(pairs, alike, 12) == (family.low, family.high)
    assert family.low < shared.low and family.high > shared.high


# -- through the command line -----------------------------------------------------------------


def test_insights_show_effort_and_the_days_after(run, run_json, cli_env) -> None:  # type: ignore[no-untyped-def]
    from .conftest import lines

    assert run("demo", "--db", cli_env["FIBROLOG_DB"]).exit_code == 0
    paced = run_json("insights")["pacing"]
    assert paced["enough"] and paced["high_from"] == 6 and paced["days_with_effort"] == 83
    assert [(c["measure"], c["lag"]) for c in paced["comparisons"]][:4] == [
        ("pain", 0),
        ("pain", 1),
        ("pain", 2),
        ("pain", 3),
    ]
    assert set(paced["envelope"]) == {
        "status",
        "level",
        "flare_rate_above",
        "flare_rate_at_or_below",
    }
    cli_env["COLUMNS"] = "60"
    shown = lines(run("insights").stdout)
    section = shown[shown.index("Effort and the days after") :]
    assert section[4:10] == [  # fatigue gives way first at 60 columns
        "after     pain                 flare days",
        "─────────────────────────────────────────────────",
        "same day  +0.3 (-1.5 to +2.0)  -5 % (-34 to +24)",
        "1 day     +0.3 (-1.4 to +2.0)  +8 % (-28 to +45)",
        "2 days    +0.7 (-1.8 to +3.1)  +18 % (-23 to +58)",
        "3 days    +0.5 (-1.5 to +2.5)  +12 % (-30 to +53)",
    ]
    assert section[10:13] == [
        "● clear: its interval leaves out no difference; the others",
        "could be chance. Intervals allow for alike days in a row and",
        "for 12 comparisons at once.",
    ]
    assert section[-1] == "Your envelope: no effort level stands out yet."
    cli_env["COLUMNS"] = "100"
    shown = lines(run("insights").stdout)
    section = shown[shown.index("Effort and the days after") :]
    assert section[3:5] == [  # a mean difference rounding to nothing is +0.0, never -0.0
        "after     pain                 fatigue              flare days",
        "──────────────────────────────────────────────────────────────────────",
    ]
    assert section[5] == "same day  +0.3 (-1.5 to +2.0)  +0.0 (-2.0 to +1.9)  -5 % (-34 to +24)"
    cli_env["COLUMNS"] = "40"
    assert max(len(line) for line in lines(run("insights").stdout)) <= 40


def test_insights_say_how_many_effort_days_are_still_needed(run) -> None:  # type: ignore[no-untyped-def]
    from .conftest import flat

    for day in ("20", "21", "22"):
        run("add", "5", "-e", "6", "--at", f"2026-11-{day} 20:00")
    text = flat(run("insights").stdout)
    assert "Effort and the days after Not enough yet: 3 of the 28 days it needs" in text
    assert "Your envelope: not enough yet" in text
