"""The summary and flare rules on small diaries whose answers are worked out by hand."""

from datetime import date, datetime, timedelta, timezone
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from fibrolog.analysis.flares import flares
from fibrolog.analysis.summary import summarize
from fibrolog.config import FlareSettings
from fibrolog.models import Entry

CET = timezone(timedelta(hours=1))
RULES = FlareSettings()  # threshold 7, delta 2, baseline 28 days
_uids = count(1)


def e(at: str, pain: int | None = None, offset: timezone = CET, **fields: object) -> Entry:
    moment = datetime.fromisoformat(at).replace(tzinfo=offset)
    if pain is None and not fields:
        fields = {"note": "x"}
    return Entry(uid=f"{next(_uids):032x}", at=moment, logged=moment, pain=pain, **fields)  # type: ignore[arg-type]


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_a_week_with_gaps_weighs_each_logged_day_the_same() -> None:
    diary = [
        e("2026-11-16T08:00", 4, fatigue=6),
        e("2026-11-16T20:00", 6),
        e("2026-11-18T12:00", 5, sleep_hours=6.0, sleep_quality=4),
        e("2026-11-22T09:00", 8, fatigue=3, tags=("stress",), regions=("jaw-left", "neck")),
        e("2026-11-22T21:00", 8, regions=("hip-left", "neck")),
    ]
    s = summarize(diary, d("2026-11-16"), d("2026-11-22"), RULES)
    out = s.to_dict()
    # daily pain means: Mon 5, Wed 5, Sun 8 → (5 + 5 + 8) / 3 = 6.0; entry mean would be 6.2
    assert out["metrics"]["pain"] == {
        "mean": 6.0,
        "min": 4,
        "max": 8,
        "previous_mean": None,
        "change": None,
    }
    assert out["metrics"]["fatigue"]["mean"] == 4.5  # Mon 6, Sun 3
    assert (out["days"], out["days_logged"], out["entries"]) == (7, 3, 5)
    assert [row["entries"] for row in out["daily"]] == [2, 0, 1, 0, 0, 0, 2]
    tuesday = out["daily"][1]
    assert tuesday == {
        "date": "2026-11-17",
        "entries": 0,
        "pain_mean": None,
        "pain_max": None,
        "fatigue_mean": None,
        "fog_mean": None,
        "stiffness_mean": None,
        "sleep_hours": None,
        "sleep_quality": None,
        "exertion_mean": None,
        "flare": False,
        "tags": [],
    }
    assert out["daily"][6]["flare"] is True  # Sunday: pain mean 8 ≥ threshold 7
    assert out["flare_days"] == 1
    # days, most first, then by name
    assert list(out["regions"].items()) == [("hip-left", 1), ("jaw-left", 1), ("neck", 1)]
    assert out["wpi"] == 3
    assert out["generalized_regions"] == 2  # left lower + axial; jaw does not count
    assert out["tags"] == {"stress": 1}


def test_previous_period_change() -> None:
    diary = [
        e("2026-11-10T10:00", 2),
        e("2026-11-12T10:00", 3),
        e("2026-11-17T10:00", 4),
        e("2026-11-19T10:00", 5),
    ]
    pain = summarize(diary, d("2026-11-16"), d("2026-11-22"), RULES).metrics["pain"]
    assert (pain.mean, pain.previous_mean) == (4.5, 2.5)
    assert pain.to_dict()["change"] == 2.0


def test_the_day_is_the_local_date_at_midnight_in_any_offset() -> None:
    late_sunday = e("2026-11-22T23:30", 3)  # 22:30 UTC
    early_monday = e("2026-11-23T00:10", 9)  # 23:10 UTC on Sunday, but Monday where it was felt
    far_east = e(
        "2026-11-23T01:00", 5, offset=timezone(timedelta(hours=5, minutes=30))
    )  # Sun 19:30 UTC
    diary = [late_sunday, early_monday, far_east]
    week47 = summarize(diary, d("2026-11-16"), d("2026-11-22"), RULES)
    week48 = summarize(diary, d("2026-11-23"), d("2026-11-29"), RULES)
    assert week47.entries == 1 and week47.metrics["pain"].mean == 3
    assert week48.entries == 2 and week48.metrics["pain"].mean == 7  # (9 + 5) / 2 on Monday


def test_a_dst_week_still_has_seven_days() -> None:
    # Europe: clocks go back on Sunday 2026-10-25; the week 19–25 Oct is 7 days of 24 or 25 h.
    cest = timezone(timedelta(hours=2))
    diary = [e("2026-10-25T01:30", 4, offset=cest), e("2026-10-25T23:00", 6, offset=CET)]
    s = summarize(diary, d("2026-10-19"), d("2026-10-25"), RULES)
    assert s.days == 7 and len(s.daily) == 7
    assert s.daily[-1].entries == 2 and s.daily[-1].values["pain"] == 5


def baseline_diary(days: int, then: int) -> list[Entry]:
    """`days` days of pain 3 from 1 Nov, then one day of pain `then`."""
    start = date(2026, 11, 1)
    diary = [e(f"{start + timedelta(days=i)}T10:00", 3) for i in range(days)]
    return [*diary, e(f"{start + timedelta(days=days)}T10:00", then)]


def test_baseline_needs_seven_usable_days() -> None:
    six = flares(baseline_diary(6, 6), d("2026-11-01"), d("2026-11-30"), RULES)
    assert six.days == []  # 6 < 7 days: no baseline; 6 < threshold 7
    seven = flares(baseline_diary(7, 5), d("2026-11-01"), d("2026-11-30"), RULES)
    (day,) = seven.days
    assert (day.date, day.baseline, day.reasons) == (d("2026-11-08"), 3, ("above-baseline",))
    below = flares(baseline_diary(7, 4), d("2026-11-01"), d("2026-11-30"), RULES)
    assert below.days == []  # 4 < 3 + 2


def test_flare_days_are_left_out_of_later_baselines() -> None:
    start = date(2026, 11, 1)
    diary = [e(f"{start + timedelta(days=i)}T10:00", 3) for i in range(7)]
    diary += [e("2026-11-08T10:00", 9), e("2026-11-09T10:00", 9, flare=True)]
    diary += [e("2026-11-10T10:00", 5)]
    result = flares(diary, d("2026-11-01"), d("2026-11-30"), RULES)
    assert [(f.date.day, f.reasons) for f in result.days] == [
        (8, ("severe", "above-baseline")),
        (9, ("marked", "severe", "above-baseline")),
        (10, ("above-baseline",)),  # baseline stays 3: the two flare days are excluded
    ]
    assert result.days[2].baseline == 3


def test_history_before_the_period_shapes_the_baseline() -> None:
    diary = baseline_diary(7, 5)  # 1–7 Nov pain 3, 8 Nov pain 5
    result = flares(diary, d("2026-11-08"), d("2026-11-08"), RULES)
    assert [f.reasons for f in result.days] == [("above-baseline",)]


def test_episodes_bridge_one_day_but_not_two() -> None:
    diary = [
        e("2026-11-02T10:00", 8, tags=("stress",)),
        e("2026-11-04T10:00", 9),  # one day between: same episode
        e("2026-11-07T10:00", 7),  # two days between: a new episode
        e("2026-11-05T10:00", 2, tags=("weather",)),
        e("2026-11-06T10:00", 2, tags=("stress", "weather")),
    ]
    result = flares(diary, d("2026-11-01"), d("2026-11-30"), RULES)
    first, second = result.to_dict()["episodes"]
    assert first == {
        "start": "2026-11-02",
        "end": "2026-11-04",
        "days": 3,
        "flare_days": 2,
        "peak": 9,
        "mean": 8.5,
        "triggers": {"stress": 1},
    }
    assert second["start"] == "2026-11-07" and second["days"] == 1
    assert second["triggers"] == {"weather": 2, "stress": 1}  # days 5, 6 and 7 November


def test_marked_flare_days_without_pain() -> None:
    diary = [e("2026-11-03T10:00", flare=True), e("2026-11-04T10:00", flare=True, note="awful")]
    result = flares(diary, d("2026-11-01"), d("2026-11-30"), RULES).to_dict()
    assert [day["reasons"] for day in result["days"]] == [["marked"], ["marked"]]
    assert result["days"][0]["pain_mean"] is None
    (episode,) = result["episodes"]
    assert (episode["peak"], episode["mean"], episode["flare_days"]) == (None, None, 2)


def test_only_flare_days_inside_the_period_are_listed() -> None:
    diary = [e("2026-10-30T10:00", 9), e("2026-11-01T10:00", 9)]
    result = flares(diary, d("2026-11-01"), d("2026-11-30"), RULES)
    assert [f.date for f in result.days] == [d("2026-11-01")]
    assert result.episodes[0].start == d("2026-11-01")


def test_settings_change_the_verdict() -> None:
    diary = [e("2026-11-03T10:00", 6)]
    assert flares(diary, d("2026-11-01"), d("2026-11-30"), FlareSettings(threshold=6)).days
    assert not flares(diary, d("2026-11-01"), d("2026-11-30"), RULES).days


def test_comparisons_use_unrounded_values() -> None:
    # pains 7, 7, 6: mean 6.666…, printed as 6.67, yet below a threshold of 6.67
    diary = [e(f"2026-11-03T{hour:02d}:00", pain) for hour, pain in ((8, 7), (12, 7), (18, 6))]
    days = summarize(diary, d("2026-11-02"), d("2026-11-08"), FlareSettings(threshold=6.67))
    assert days.to_dict()["daily"][1]["pain_mean"] == 6.67
    assert days.flare_days == 0
    assert flares(diary, d("2026-11-01"), d("2026-11-30"), FlareSettings(threshold=6.66)).days


def test_light_history_gives_the_same_results_as_whole_entries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from fibrolog.analysis.flares import flares_of, history_start
    from fibrolog.analysis.summary import summary_reads_from
    from fibrolog.demo import generate
    from fibrolog.store.diary import Diary

    now = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    diary = Diary(tmp_path / "d")
    diary.add_many(generate(500, 3, 11, now))
    first, last = d("2026-10-01"), d("2026-11-22")
    whole = flares(diary.entries(history_start(first), last), first, last, RULES)
    light = flares_of(diary.day_facts(history_start(first), last), first, last, RULES)
    assert light.to_dict() == whole.to_dict() and whole.episodes
    week = (d("2026-11-16"), d("2026-11-22"))
    full = summarize(diary.entries(summary_reads_from(*week), week[1]), *week, RULES)
    lean = summarize(
        diary.entries(d("2026-11-09"), week[1]),
        *week,
        RULES,
        history=diary.day_facts(summary_reads_from(*week), week[1]),
    )
    assert lean.to_dict() == full.to_dict()


def test_light_history_reports_a_damaged_document(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    import pytest

    from fibrolog.errors import CorruptDiary
    from fibrolog.store.diary import Diary

    diary = Diary(tmp_path / "d")
    diary.add_many([e("2026-03-01T10:00", 4), e("2026-03-02T10:00", 5)])
    path = tmp_path / "d" / "2026.json"
    data = json.loads(path.read_text())
    data["entries"]["2"]["pain"] = "five"
    path.write_text(json.dumps(data))
    # One bad value sets that entry aside (SPEC §1): the others are read, the bad one named.
    assert list(diary.day_facts(d("2026-01-01"), d("2026-12-31"))) == [d("2026-03-01")]
    assert "entry #2 of 2026.json is left out (pain must be a whole number" in diary.set_aside[2]
    path.write_text("{")
    with pytest.raises(CorruptDiary, match=r"2026\.json is damaged"):
        Diary(tmp_path / "d").day_facts(d("2026-01-01"), d("2026-12-31"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 120), st.integers(0, 10), st.booleans()), min_size=1, max_size=90
    ),
    st.integers(3, 40),
)
def test_judged_days_match_the_rules_read_literally(
    logged: list[tuple[int, int, bool]], baseline_days: int
) -> None:
    """The moving-window baseline gives what SPEC §5 says, day by day, computed naively."""
    from statistics import median as textbook_median

    from fibrolog.analysis.flares import judge_days
    from fibrolog.models import DayFacts

    start = date(2026, 1, 1)
    days = {
        start + timedelta(days=n): DayFacts(start + timedelta(days=n), (pain,), marked, ())
        for n, pain, marked in logged
    }
    rules = FlareSettings(threshold=7, delta=2, baseline_days=baseline_days)
    judged = judge_days(days, start + timedelta(days=200), rules)
    non_flare: dict[date, float] = {}
    for day in sorted(days):
        pain = days[day].pains[0]
        window = [p for d, p in non_flare.items() if day - timedelta(days=baseline_days) <= d < day]
        baseline = textbook_median(window) if len(window) >= 7 else None
        flare = days[day].marked or pain >= 7 or (baseline is not None and pain >= baseline + 2)
        assert (day in judged) == flare, day
        if day in judged:
            assert judged[day].baseline == baseline
        else:
            non_flare[day] = pain


@given(st.lists(st.floats(0, 10, allow_nan=False), min_size=1, max_size=40))
def test_the_middle_of_sorted_pains_is_their_median(pains: list[float]) -> None:
    from statistics import median

    from fibrolog.analysis.flares import _middle

    assert _middle(sorted(pains)) == median(pains)
