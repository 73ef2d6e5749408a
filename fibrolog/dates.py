"""Phrases the user types (`yesterday 9pm`, `-3d`, `2026-W47`) → aware datetimes and periods.

Pure: every function takes `now` (an aware datetime in the user's zone) instead of reading the
clock. The grammar of SPEC §7 is small and closed, so a few regular expressions parse it with
no import cost and no guessing; the zone's rules come from zoneinfo, so offsets are right on
both sides of a daylight saving change.
"""

import os
import re
import time as _clock
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from fibrolog.errors import UsageProblem

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FUTURE_SLACK = timedelta(minutes=5)
FIRST_YEAR = 1900  # an entry before it is a typo (1026 for 2026)
FAR_BACK_DAYS = 366  # an entry further back is confirmed first (see `far_back`)
NOON = time(12, 0)

# Patterns are kept as text: `re` compiles each on first use (and caches it), so a command
# that parses no phrase, like a plain `add`, does not pay ~1 ms to compile them all.
_TIME = r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>am|pm)?"
_AGO = r"(?P<n>\d+)\s*(?P<unit>m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\s+ago"
_MINUS = r"-(?P<n>\d+)\s*(?P<unit>m|min|h|d|w)"
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SPAN = r"(?P<n>\d+)\s*(?P<unit>d|w|m|y)"
_ISO_WEEK = r"(?i)(?:(?P<y>\d{4})-?)?(?:w|week ?)(?P<w>\d{1,2})"  # 2026-W47, W47, week 47


class UnreadablePhrase(UsageProblem):
    """A phrase that names no time of SPEC §7 (its message gives examples that do)."""


def local_zone() -> tzinfo:
    """The user's zone: $TZ if set, else /etc/localtime, by the zone database (zoneinfo).

    A $TZ the database does not name (a POSIX rule such as `CET-1CEST`) or a system without
    zone files gets the offset in force now, as the C library reads it.
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("TZ", "").removeprefix(":")
    try:
        if name:
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as localtime:
            return ZoneInfo.from_file(localtime, key="localtime")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        if hasattr(_clock, "tzset"):  # not on Windows
            _clock.tzset()  # the C library reads $TZ once; it may have changed since
        zone = datetime.now().astimezone().tzinfo
        assert zone is not None
        return zone


def now_here(zone_rules: bool = True) -> datetime:
    """The current local time to the second; FIBROLOG_NOW (ISO) fixes it for tests and demos.

    Its zone is the user's, with its rules (`local_zone`), so that other wall times can be
    read against it. A command that reads no other wall time (an `add` with no `--at`) asks
    without `zone_rules`: then it carries the offset in force now, as the C library's local
    time gives it from the same $TZ and /etc/localtime, and zoneinfo (about a tenth of
    `add`'s start-up) is not imported.
    """
    fixed = os.environ.get("FIBROLOG_NOW")
    if not zone_rules and not fixed:
        if hasattr(_clock, "tzset"):  # not on Windows
            _clock.tzset()  # the C library reads $TZ once; it may have changed since
        return datetime.now().astimezone().replace(microsecond=0)
    zone = local_zone()
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.replace(microsecond=0)
    return datetime.now(zone).replace(microsecond=0)


def today_here() -> date:
    """Today's date where the user is: the date of now_here(), FIBROLOG_NOW included.

    A date needs no zone rules: the C library's local time, which reads the same $TZ and
    /etc/localtime, gives it without importing zoneinfo (a shell prompt's status line asks
    it before every line, and zoneinfo's import costs about as much as Python's start-up).
    """
    fixed = os.environ.get("FIBROLOG_NOW")
    if fixed:
        return datetime.fromisoformat(fixed).date()  # its wall date, whatever its offset
    if hasattr(_clock, "tzset"):  # not on Windows
        _clock.tzset()  # the C library reads $TZ once; it may have changed since
    return date.today()


def attach(wall: datetime, now: datetime) -> datetime:
    """A naive wall time in the user's zone → an aware time with the offset then in force.

    The result carries a fixed offset, so it prints the same whatever zone database reads it.
    A wall time the clocks skip (the hour lost when daylight saving time starts) does not
    exist: UsageProblem names the gap, rather than quietly storing another hour's instant.
    """
    zone = now.tzinfo
    assert zone is not None
    offset = wall.replace(tzinfo=zone).utcoffset() or timedelta()
    moment = wall.replace(tzinfo=timezone(offset))
    if moment.astimezone(zone).replace(tzinfo=None) != wall:
        raise UsageProblem(_gap_message(wall, zone))
    return moment


def _gap_message(wall: datetime, zone: tzinfo) -> str:
    """Where the clocks jumped around a wall time that does not exist, in the user's words."""
    before = wall.replace(tzinfo=zone, fold=0).utcoffset() or timedelta()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset() or timedelta()
    # The jump happened at an instant between reading `wall` with the new and the old offset.
    low, high = wall - after, wall - before
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        shifted = middle.replace(tzinfo=UTC).astimezone(zone).utcoffset()
        low, high = (middle, high) if shifted == before else (low, middle)
    start, end = high + before, high + after
    return (
        f"{wall:%Y-%m-%d %H:%M} does not exist here: the clocks jumped from {start:%H:%M} "
        f"to {end:%H:%M} on {start:%d %b %Y}. Give a time outside that gap."
    )


def parse_clock(text: str) -> time | None:
    """A time of day as typed ('21:00', '9pm', '7:30am', 'noon'); None if it is not one."""
    return _parse_clock(text)


def _parse_clock(text: str) -> time | None:
    if text in ("noon", "midday"):
        return NOON
    if text == "midnight":
        return time(0, 0)
    match = re.fullmatch(_TIME, text)
    if not match:
        return None
    hour, minute, second = int(match["h"]), int(match["m"] or 0), int(match["s"] or 0)
    ampm = match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif match["m"] is None:
        return None  # a bare number like "9" is too ambiguous to be a time
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _parse_day(text: str, today: date) -> date | None:
    if text == "today":
        return today
    if text == "yesterday":
        return today - timedelta(days=1)
    last = text.startswith("last ")
    name = text[5:] if last else text
    for index, weekday in enumerate(WEEKDAYS):
        if name in (weekday, weekday[:3]):
            back = (today.weekday() - index) % 7
            if back == 0 and last:
                back = 7
            return today - timedelta(days=back)
    match = re.fullmatch(r"(\d+)\s*days?\s+ago", text)
    if match:
        return today - timedelta(days=int(match[1]))
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_when(text: str, now: datetime) -> tuple[datetime, bool]:
    """Parse a phrase of SPEC §7. Returns the aware time and whether the phrase named a time.

    A date without a time means 12:00 (or now, for today before noon). Raises UsageProblem
    quoting the phrase when it cannot be read, or names a day out of the calendar's range.
    """
    try:
        return _parse_when(text, now)
    except (OverflowError, ValueError):  # "999999 days ago": before the year 1
        raise UsageProblem(f"'{text}' is too far from today to be a date") from None


def _parse_when(text: str, now: datetime) -> tuple[datetime, bool]:
    phrase = " ".join(text.strip().lower().split())
    if phrase == "now":
        return now, True
    for pattern in (_AGO, _MINUS):
        match = re.fullmatch(pattern, phrase)
        if match:
            unit = match["unit"][0]
            seconds = int(match["n"]) * _UNIT_SECONDS[unit]
            if unit in "dw":
                # "3 days ago" is a calendar step: same wall time, whatever DST did meanwhile.
                return attach(now.replace(tzinfo=None) - timedelta(seconds=seconds), now), True
            # "2h ago" is elapsed time: step back in UTC, then read the local wall clock.
            moment = (now.astimezone(UTC) - timedelta(seconds=seconds)).astimezone(now.tzinfo)
            return attach(moment.replace(tzinfo=None), now), True
    today = now.date()
    whole_day = _parse_day(phrase, today)
    if whole_day is not None:
        wall = datetime.combine(whole_day, NOON)
        if whole_day == today and wall > now.replace(tzinfo=None):
            return now, False  # "today" before noon means now, not a time still to come
        return attach(wall, now), False
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[t ]\S+", phrase):
        try:
            moment = datetime.fromisoformat(text.strip().upper().replace(" ", "T", 1))
        except ValueError:
            pass
        else:
            if moment.tzinfo is None:
                return attach(moment.replace(microsecond=0), now), True
            return moment.replace(microsecond=0), True
    # "<day> <time>", "<day> at <time>", or a bare time.
    words = phrase.replace(" at ", " ").split(" ")
    for cut in range(len(words) - 1, -1, -1):
        day_text, clock_text = " ".join(words[:cut]), " ".join(words[cut:])
        clock = _parse_clock(clock_text)
        if clock is None:
            continue
        if not day_text:
            wall = datetime.combine(today, clock)
            if wall > now.replace(tzinfo=None):
                wall -= timedelta(days=1)  # a bare time is its most recent past occurrence
            return attach(wall, now), True
        day = _parse_day(day_text, today)
        if day is not None:
            return attach(datetime.combine(day, clock), now), True
    raise UnreadablePhrase(
        f"cannot read the time '{text}'. Try '2026-11-20 21:00', 'yesterday 9pm', "
        "'last monday', '3 days ago' or '-2h'."
    )


def parse_at(text: str, now: datetime) -> datetime:
    """The moment of an entry: like parse_when, but refuses more than 5 minutes in the future
    and years before 1900 (a typo: `1026-11-20` for 2026)."""
    moment, _ = parse_when(text, now)
    if moment - now > FUTURE_SLACK:
        raise UsageProblem(
            f"'{text}' is {moment.isoformat(' ', 'minutes')}, in the future; "
            "an entry records how you felt, so give a time up to now"
        )
    if moment.year < FIRST_YEAR:
        raise UsageProblem(
            f"'{text}' is in the year {moment.year}; give a date from {FIRST_YEAR} on "
            f"(a typo for {now.year}?)"
        )
    return moment


def far_back(moment: datetime, now: datetime) -> str | None:
    """How long ago `moment` was, in words, if more than a year ('3 years ago'); else None.
    An entry that far back is more often a typo than a memory, so the CLI asks first."""
    days = (now.date() - moment.date()).days
    if days <= FAR_BACK_DAYS:
        return None
    years = days // 365
    return f"{years} years ago" if years > 1 else "more than a year ago"


def parse_date(text: str, now: datetime) -> date:
    """The day a phrase falls on (for --from, --to, --on and --week)."""
    try:
        return parse_when(text, now)[0].date()
    except UnreadablePhrase:  # the same phrases, but the examples a day option needs
        raise UnreadablePhrase(
            f"cannot read the day '{text}'. Try '2026-11-20', 'yesterday', 'last monday' "
            "or '3 days ago'."
        ) from None


def parse_span(text: str, today: date) -> date:
    """`--last 7d|4w|3m|1y` → the first day of the span that ends today (inclusive)."""
    match = re.fullmatch(_SPAN, text.strip().lower())
    if not match or int(match["n"]) < 1:
        raise UsageProblem(f"cannot read the span '{text}'. Try '7d', '4w', '3m' or '1y'.")
    try:
        return _span_start(int(match["n"]), match["unit"], today)
    except (OverflowError, ValueError):
        raise UsageProblem(f"'{text}' reaches too far back to be a span of days") from None


def _span_start(n: int, unit: str, today: date) -> date:
    if unit == "d":
        return today - timedelta(days=n - 1)
    if unit == "w":
        return today - timedelta(weeks=n) + timedelta(days=1)
    months = n if unit == "m" else 12 * n
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return _clamped_date(year, month + 1, today.day) + timedelta(days=1)


def _clamped_date(year: int, month: int, day: int) -> date:
    import calendar

    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def week_start_of(day: date, week_start: str = "monday") -> date:
    first = 0 if week_start == "monday" else 6
    return day - timedelta(days=(day.weekday() - first) % 7)


def parse_week(text: str, now: datetime, week_start: str = "monday") -> date:
    """`--week this|last|2026-W47|W47|<any date in it>` → the first day of that week (a week
    number without a year is the latest week of that number that has begun)."""
    phrase = text.strip().lower()
    today = now.date()
    if phrase == "this":
        return week_start_of(today, week_start)
    if phrase == "last":
        return week_start_of(today, week_start) - timedelta(days=7)
    match = re.fullmatch(_ISO_WEEK, phrase)
    if match:
        # Without a year, the latest week of that number that has begun: W47 this year, W50
        # in January last year's.
        # (a week 53 comes every 5 or 6 years, so look back far enough to find one)
        this_year = today.isocalendar().year
        years = [int(match["y"])] if match["y"] else [this_year - n for n in range(7)]
        mondays = []
        for year in years:
            try:
                mondays.append(date.fromisocalendar(year, int(match["w"]), 1))
            except ValueError:  # week 0, 54, or 53 of a year of 52 weeks
                continue
        if not mondays:
            raise UsageProblem(f"'{text}' is not a week: weeks run from 1 to 52 or 53")
        begun = [monday for monday in mondays if monday <= today] or mondays
        return week_start_of(begun[0], week_start)
    try:
        return week_start_of(parse_date(text, now), week_start)
    except UnreadablePhrase:
        raise UnreadablePhrase(
            f"cannot read the week '{text}'. Try 'this', 'last', '2026-W47' or a day in it, "
            "such as '2026-11-20'."
        ) from None


def week_number(first: date) -> int:
    """The ISO number of the week that starts on `first`: that of its Monday, so that a week
    from Sunday 29 Nov 2026 is week 49, as `--week W49` chose it."""
    return (first + timedelta(days=(7 - first.weekday()) % 7)).isocalendar().week


def parse_month(text: str) -> tuple[date, date]:
    """`--month 2026-11` → its first and last day."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise UsageProblem(f"cannot read the month '{text}'. Try '2026-11'.")
    year, month = int(match[1]), int(match[2])
    return date(year, month, 1), _clamped_date(year, month, 31)
