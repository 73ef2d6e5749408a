"""What a status line needs of the diary, read fast: how many entries a day has, and the
latest pain among them. `fibrolog check` is where a file's every rule is checked.

A shell prompt asks this before every line, so it is read with as little start-up as it can:
the standard json module and nothing of the entry models, TinyDB or msgspec. msgspec decodes
a year file in a fraction of the time json takes, but importing it (with typing, inspect,
uuid and decimal) costs about three times Python's own start-up, more than json's whole
decoding of a year of five entries a day. The two fields used are checked here as the entry
type declares them, so a damaged file is reported rather than misread.
"""

import json
import os
from datetime import date, datetime

from fibrolog.errors import CorruptDiary, FibrologError


class DayLogged:
    """A day's entries, counted, and the pain of the latest one that has a pain score.
    (A plain class: a NamedTuple or a dataclass would cost more import time than this
    whole module.)"""

    __slots__ = ("entries", "pain")

    def __init__(self, entries: int, pain: int | None) -> None:
        self.entries = entries
        self.pain = pain


def logged_on(folder: str | os.PathLike[str], day: date) -> DayLogged:
    """What the diary in `folder` holds for `day` (nothing, if the folder or year is new)."""
    path = os.path.join(folder, f"{day.year:04d}.json")
    try:
        with open(path, "rb") as year_file:
            raw = year_file.read()
    except (FileNotFoundError, NotADirectoryError):
        return DayLogged(0, None)
    except OSError as error:
        raise FibrologError(f"cannot read {path}: {error.strerror}") from None
    try:
        return day_in(json.loads(raw, parse_constant=not_json), day.isoformat())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or not a year file's shape
        from pathlib import Path  # only here: the way out is found from the file's Path

        message = f"{path} is damaged; `fibrolog check` says how"
        raise CorruptDiary(message, Path(path)) from None


def not_json(constant: str) -> float:
    """Refuse NaN and Infinity, which Python's json reads but JSON does not have."""
    raise ValueError(f"{constant} is not JSON")


def day_in(year: object, prefix: str) -> DayLogged:
    """The entries of a decoded year file whose time starts with `prefix` ('2026-11-23').
    Raises ValueError if the file is not of a year file's shape."""
    entries = year.get("entries") if isinstance(year, dict) else None
    if not isinstance(entries, dict):
        raise ValueError("a year file holds an object named entries")
    count = 0
    latest: tuple[datetime, int] | None = None  # the latest moment with a pain, and that pain
    for entry in entries.values():
        at, pain = at_and_pain(entry)
        if not at.startswith(prefix):
            continue
        count += 1
        if pain is not None:
            moment = datetime.fromisoformat(at)  # offsets may differ within a day (DST)
            if latest is None or moment > latest[0]:
                latest = (moment, pain)
    return DayLogged(count, latest[1] if latest else None)


def at_and_pain(entry: object) -> tuple[str, int | None]:
    """An entry's time (text) and pain (a whole number or null), as the entry type declares
    them; ValueError if it has neither shape."""
    if isinstance(entry, dict):
        at, pain = entry.get("at"), entry.get("pain")
        whole = isinstance(pain, int) and not isinstance(pain, bool)
        if isinstance(at, str) and (pain is None or whole):
            return at, pain
    raise ValueError("an entry has a time, and a whole number or null for pain")
