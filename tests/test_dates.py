from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from fibrolog.dates import (
    local_zone,
    now_here,
    parse_at,
    parse_month,
    parse_span,
    parse_week,
    parse_when,
    today_here,
)
from fibrolog.errors import UsageProblem

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 9, 15, tzinfo=BERLIN)  # Monday


def iso(text: str, now: datetime = NOW) -> str:
    return parse_when(text, now)[0].isoformat()


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("now", "2026-11-23T09:15:00+01:00"),
        ("yesterday", "2026-11-22T12:00:00+01:00"),
        ("yesterday 9pm", "2026-11-22T21:00:00+01:00"),
        ("last monday 08:30", "2026-11-16T08:30:00+01:00"),
        ("last monday", "2026-11-16T12:00:00+01:00"),
        ("friday", "2026-11-20T12:00:00+01:00"),
        ("sunday at 7am", "2026-11-22T07:00:00+01:00"),
        ("3 days ago", "2026-11-20T09:15:00+01:00"),
        ("2h ago", "2026-11-23T07:15:00+01:00"),
        ("-3d", "2026-11-20T09:15:00+01:00"),
        ("9pm", "2026-11-22T21:00:00+01:00"),
        ("8am", "2026-11-23T08:00:00+01:00"),
        ("2026-11-20", "2026-11-20T12:00:00+01:00"),
        ("2026-11-20 21:00", "2026-11-20T21:00:00+01:00"),
        ("2026-11-20T21:00", "2026-11-20T21:00:00+01:00"),
        ("2026-07-01 10:00", "2026-07-01T10:00:00+02:00"),  # summer time offset
        ("2026-11-20T21:00:00+05:30", "2026-11-20T21:00:00+05:30"),
    ],
)
def test_phrases(phrase: str, expected: str) -> None:
    assert iso(phrase) == expected


def test_today_before_noon_is_now_not_the_future() -> None:
    assert parse_when("today", NOW)[0] == NOW


def test_monday_on_a_monday_is_today_but_last_monday_is_a_week_ago() -> None:
    assert parse_when("monday 08:00", NOW)[0].date() == date(2026, 11, 23)
    assert parse_when("last monday 08:00", NOW)[0].date() == date(2026, 11, 16)


def test_offsets_across_dst() -> None:
    # Clocks go back in Berlin on 2026-10-25 at 03:00 → 02:00.
    after = datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN)
    assert iso("yesterday 9am", after) == "2026-10-25T09:00:00+01:00"
    assert iso("2 days ago", after) == "2026-10-24T10:00:00+02:00"
    # "3h ago" is elapsed time: 3 real hours before 04:00 CET on the change day is 02:00 CEST.
    change = datetime(2026, 10, 25, 4, 0, tzinfo=BERLIN)
    assert iso("3h ago", change) == "2026-10-25T02:00:00+02:00"


@pytest.mark.parametrize("phrase", ["next tuesday", "banana", "25:00", "2026-13-01", "9", ""])
def test_unreadable_phrases_are_usage_errors_that_quote_them(phrase: str) -> None:
    with pytest.raises(UsageProblem, match=f"'{phrase}'"):
        parse_when(phrase, NOW)


def test_future_is_refused_for_an_entry_but_five_minutes_are_forgiven() -> None:
    assert parse_at("2026-11-23 09:19", NOW).minute == 19
    with pytest.raises(UsageProblem, match="in the future"):
        parse_at("2026-11-23 09:25", NOW)
    with pytest.raises(UsageProblem, match="in the future"):
        parse_at("2026-12-01", NOW)


def test_spans_weeks_and_months() -> None:
    today = NOW.date()
    assert parse_span("7d", today) == date(2026, 11, 17)
    assert parse_span("4w", today) == date(2026, 10, 27)
    assert parse_span("3m", today) == date(2026, 8, 24)
    assert parse_week("this", NOW) == date(2026, 11, 23)
    assert parse_week("last", NOW) == date(2026, 11, 16)
    assert parse_week("2026-W47", NOW) == date(2026, 11, 16)
    # a week number alone: the latest week of that number that has begun
    assert parse_week("W47", NOW) == parse_week("week 47", NOW) == date(2026, 11, 16)
    assert parse_week("w48", NOW) == date(2026, 11, 23)  # this week
    assert parse_week("W50", NOW) == date(2025, 12, 8)  # W50 of 2026 is still to come
    assert parse_week("W50", NOW.replace(year=2027, month=1, day=5)) == date(2026, 12, 7)
    for not_a_week in ("W0", "2026-W54", "W54"):
        with pytest.raises(UsageProblem, match="is not a week: weeks run from 1 to 52 or 53"):
            parse_week(not_a_week, NOW)
    assert parse_week("2026-11-19", NOW) == date(2026, 11, 16)
    assert parse_week("2026-11-19", NOW, "sunday") == date(2026, 11, 15)
    assert parse_month("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(UsageProblem):
        parse_span("7x", today)


def exists_in_berlin(wall: datetime) -> bool:
    """False for the wall times skipped when the clocks go forward (02:00–02:59, one night)."""
    there = wall.replace(tzinfo=BERLIN)
    return there.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == wall


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2026, 11, 22)))
@example(datetime(2000, 3, 26, 2, 0))  # inside the spring-forward gap
@example(datetime(2000, 10, 29, 2, 30))  # the hour that happens twice
def test_any_iso_wall_time_round_trips_with_the_zone_offset(wall: datetime) -> None:
    wall = wall.replace(microsecond=0)
    text = wall.strftime("%Y-%m-%d %H:%M:%S")
    if not exists_in_berlin(wall):
        with pytest.raises(UsageProblem, match="does not exist here"):
            parse_when(text, NOW)
        return
    moment, has_time = parse_when(text, NOW)
    assert has_time
    assert moment.replace(tzinfo=None) == wall
    assert moment.utcoffset() == wall.replace(tzinfo=BERLIN).utcoffset()
    assert moment.utcoffset() in (timedelta(hours=1), timedelta(hours=2))


@pytest.fixture
def zone_named(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], tzinfo]]:
    """Set $TZ for the C library; put it back afterwards."""
    import time as clock

    def use(name: str) -> tzinfo:
        monkeypatch.setenv("TZ", name)
        return local_zone()

    yield use
    monkeypatch.undo()
    clock.tzset()


@pytest.mark.parametrize("name", ["Europe/Berlin", "Australia/Lord_Howe", ":America/New_York"])
def test_the_local_zone_is_the_zone_tz_names(
    zone_named: Callable[[str], tzinfo], name: str
) -> None:
    assert zone_named(name) == ZoneInfo(name.removeprefix(":"))


def test_a_tz_the_database_does_not_name_gets_the_offset_in_force(
    zone_named: Callable[[str], tzinfo],
) -> None:
    zone = zone_named("ABC-3")  # a POSIX rule: three hours east of UTC, no daylight saving
    assert zone.utcoffset(datetime(2026, 7, 1)) == timedelta(hours=3)
    assert zone.utcoffset(datetime(2026, 1, 1)) == timedelta(hours=3)


def test_now_here_follows_tz(
    zone_named: Callable[[str], tzinfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIBROLOG_NOW", raising=False)
    zone_named("Asia/Kolkata")
    assert now_here().utcoffset() == timedelta(hours=5, minutes=30)
    zone_named("Europe/Berlin")
    monkeypatch.setenv("FIBROLOG_NOW", "2026-07-01T12:00:00")
    assert now_here().isoformat() == "2026-07-01T12:00:00+02:00"


def test_now_without_zone_rules_carries_the_offset_in_force(
    zone_named: Callable[[str], tzinfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain `add` stamps now without importing zoneinfo: the same instant and offset."""
    monkeypatch.delenv("FIBROLOG_NOW", raising=False)
    for name in ("Asia/Kolkata", "America/St_Johns", "Pacific/Kiritimati", "ABC-3"):
        zone_named(name)
        ruled, plain = now_here(), now_here(zone_rules=False)
        assert plain.utcoffset() == ruled.utcoffset(), name
        assert plain.microsecond == 0 and abs((plain - ruled).total_seconds()) <= 1, name
        assert plain.isoformat()[-6:] == ruled.isoformat()[-6:], name
    monkeypatch.setenv("FIBROLOG_NOW", "2026-07-01T12:00:00")  # tests fix it with its rules
    zone_named("Europe/Berlin")
    assert now_here(zone_rules=False).isoformat() == "2026-07-01T12:00:00+02:00"


def test_today_here_is_the_date_of_now_here(
    zone_named: Callable[[str], tzinfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIBROLOG_NOW", raising=False)
    # 26 hours apart: at any moment these two zones are one or two dates apart.
    days = []
    for name in ("Pacific/Kiritimati", "Etc/GMT+12", ":Pacific/Kiritimati"):
        zone_named(name)
        days.append(today_here())
        assert days[-1] == now_here().date(), name
    assert days[0] == days[2] and (days[0] - days[1]).days in (1, 2)
    monkeypatch.setenv("FIBROLOG_NOW", "2026-07-01T23:30:00")  # naive: wall time here
    assert today_here() == date(2026, 7, 1) == now_here().date()
    monkeypatch.setenv("FIBROLOG_NOW", "2026-07-01T00:30:00-11:00")  # its own date
    assert today_here() == date(2026, 7, 1) == now_here().date()


def test_years_before_1900_are_refused_as_the_typo_they_are() -> None:
    from fibrolog.dates import parse_at

    with pytest.raises(UsageProblem, match=r"in the year 1026; give a date from 1900 on"):
        parse_at("1026-11-20", NOW)
    assert parse_at("1900-01-01", NOW).year == 1900


def test_more_than_a_year_back_is_named() -> None:
    from fibrolog.dates import far_back

    assert far_back(NOW - timedelta(days=366), NOW) is None
    assert far_back(NOW - timedelta(days=367), NOW) == "more than a year ago"
    assert far_back(NOW.replace(year=2024), NOW) == "2 years ago"


def test_a_week_is_numbered_by_its_monday_whichever_day_it_starts() -> None:
    from fibrolog.dates import parse_week, week_number

    sunday_start = parse_week("W47", NOW, "sunday")
    assert sunday_start == date(2026, 11, 15) and week_number(sunday_start) == 47
    assert week_number(parse_week("W47", NOW)) == 47
    # 2026 has a week 53, still to come on 23 Nov 2026: the latest one begun is 2020's.
    assert parse_week("W53", NOW) == date(2020, 12, 28)
    assert parse_week("2026-W53", NOW) == date(2026, 12, 28)  # asked for by year: as asked
