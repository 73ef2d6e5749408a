"""What a status line needs of the diary, read fast: how many entries a day has, and the
latest pain among them. One year file, decoded by msgspec into the two fields it needs (no
TinyDB, no entry models); `fibrolog check` is where a file's every rule is checked."""

from datetime import date, datetime
from pathlib import Path

import msgspec
from msgspec import Struct

from fibrolog.errors import CorruptDiary, FibrologError


class _Logged(Struct, gc=False):
    at: str
    pain: int | None = None


class _YearFile(Struct, gc=False):
    entries: dict[str, _Logged]


class DayLogged(Struct, frozen=True):
    """A day's entries, counted, and the pain of the latest one that has a pain score."""

    entries: int
    pain: int | None


def logged_on(folder: Path, day: date) -> DayLogged:
    """What the diary in `folder` holds for `day` (nothing, if the folder or year is new)."""
    path = folder / f"{day.year:04d}.json"
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return DayLogged(0, None)
    except OSError as error:
        raise FibrologError(f"cannot read {path}: {error.strerror}") from None
    try:
        year = msgspec.json.decode(raw, type=_YearFile)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise CorruptDiary(f"{path} is damaged; `fibrolog check` says how", path) from None
    prefix = day.isoformat()
    today = [e for e in year.entries.values() if e.at.startswith(prefix)]
    with_pain = [e for e in today if e.pain is not None]
    latest = max(with_pain, key=lambda e: datetime.fromisoformat(e.at), default=None)
    return DayLogged(len(today), latest.pain if latest else None)
