"""Entries and meds: frozen dataclasses with validation and their JSON-able dict forms."""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from fibrolog.regions import canonical_areas

SCORES = ("pain", "fatigue", "fog", "stiffness", "sleep_quality")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
UID = re.compile(r"[0-9a-f]{32}")
# `@tag` words in a note are tags too; the @ must not follow a letter (so e-mail addresses don't).
NOTE_TAG = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9-]*)")
FIELDS = (
    "id",
    "uid",
    "at",
    "logged",
    "pain",
    "fatigue",
    "fog",
    "stiffness",
    "sleep_hours",
    "sleep_quality",
    "regions",
    "tags",
    "meds",
    "symptoms",
    "flare",
    "note",
)


class InvalidEntry(ValueError):
    """An entry (or a part of one) breaks the rules of SPEC §2; the message says which."""


def check_score(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidEntry(f"{name} must be a whole number from 0 to 10, not {value!r}")
    return value


def check_slug(kind: str, value: object) -> str:
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise InvalidEntry(
            f"{kind} {value!r} is not valid: use lowercase letters, digits and '-', "
            "starting with a letter or digit"
        )
    return value


def normalise_tag(text: str) -> str:
    """User input for a tag: '@Stress ' → 'stress'; invalid ones raise InvalidEntry."""
    return check_slug("tag", text.strip().lstrip("@").lower())


def tags_in_note(note: str) -> list[str]:
    return [m.lower() for m in NOTE_TAG.findall(note)]


@dataclass(frozen=True, slots=True)
class Med:
    """A medication taken. Its text form is 'name dose', the dose starting at the first number."""

    name: str
    dose: str | None = None

    def __post_init__(self) -> None:
        if (
            not isinstance(self.name, str)
            or not self.name
            or self.name != " ".join(self.name.split())
        ):
            raise InvalidEntry(f"a med needs a name with single spaces, not {self.name!r}")
        if ";" in self.name or any(word[0].isdigit() for word in self.name.split()):
            raise InvalidEntry(f"med name {self.name!r} may not contain ';' or a number word")
        if self.dose is not None and (
            not isinstance(self.dose, str)
            or not self.dose
            or self.dose != " ".join(self.dose.split())
            or ";" in self.dose
            or not self.dose[0].isdigit()
        ):
            raise InvalidEntry(f"med dose {self.dose!r} must start with a number, like '75mg'")

    @classmethod
    def parse(cls, text: str) -> "Med":
        """'pregabalin 75 mg' → Med('pregabalin', '75 mg'); 'vitamin d 1000iu' keeps both words."""
        words = text.split()
        if not words:
            raise InvalidEntry("a med needs a name, like 'pregabalin 75mg'")
        split = next((i for i, w in enumerate(words) if w[0].isdigit()), len(words))
        if split == 0:
            raise InvalidEntry(f"med {text!r} should start with its name, like 'pregabalin 75mg'")
        dose = " ".join(words[split:]) or None
        return cls(" ".join(words[:split]), dose)

    def __str__(self) -> str:
        return f"{self.name} {self.dose}" if self.dose else self.name

    def to_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "dose": self.dose}


def _check_time(name: str, value: object) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidEntry(f"{name} must be a time with its UTC offset")
    if value.microsecond:
        raise InvalidEntry(f"{name} is kept to the second")
    return value


@dataclass(frozen=True, slots=True)
class Entry:
    """One observation at a moment (SPEC §2). `id` is 0 until the diary assigns one."""

    uid: str
    at: datetime
    logged: datetime
    id: int = 0
    pain: int | None = None
    fatigue: int | None = None
    fog: int | None = None
    stiffness: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None
    regions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    meds: tuple[Med, ...] = ()
    symptoms: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    flare: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.id, bool) or not isinstance(self.id, int) or self.id < 0:
            raise InvalidEntry(f"id must be a positive whole number, not {self.id!r}")
        if not isinstance(self.uid, str) or not UID.fullmatch(self.uid):
            raise InvalidEntry("uid must be 32 lowercase hex characters")
        _check_time("at", self.at)
        _check_time("logged", self.logged)
        for name in SCORES:
            value = getattr(self, name)
            if value is not None:
                check_score(name, value)
        hours = self.sleep_hours
        if hours is not None and (
            isinstance(hours, bool)
            or not isinstance(hours, float)
            or not math.isfinite(hours)
            or not 0 <= hours <= 24
        ):
            raise InvalidEntry(f"sleep_hours must be a number of hours from 0 to 24, not {hours!r}")
        if not isinstance(self.regions, tuple) or canonical_areas(self.regions) != self.regions:
            raise InvalidEntry("regions must be known areas, unique, in canonical order")
        if not isinstance(self.tags, tuple) or tuple(sorted(set(self.tags))) != self.tags:
            raise InvalidEntry("tags must be unique and sorted")
        for tag in self.tags:
            check_slug("tag", tag)
        if not isinstance(self.meds, tuple) or not all(isinstance(m, Med) for m in self.meds):
            raise InvalidEntry("meds must be a list of {name, dose}")
        if list(self.symptoms) != sorted(self.symptoms):
            raise InvalidEntry("symptoms must be sorted by name")
        for name, score in self.symptoms.items():
            check_slug("symptom", name)
            check_score(f"symptom {name}", score)
        if not isinstance(self.flare, bool):
            raise InvalidEntry("flare must be true or false")
        if not isinstance(self.note, str):
            raise InvalidEntry("note must be text")
        try:
            self.note.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidEntry("note holds bytes that are not valid text (UTF-8)") from None
        if not self.has_content():
            raise InvalidEntry(
                "an entry needs at least one of: a score, sleep, an area, a med, a symptom, "
                "the flare mark or a note"
            )

    def has_content(self) -> bool:
        return bool(
            any(getattr(self, name) is not None for name in SCORES)
            or self.sleep_hours is not None
            or self.regions
            or self.meds
            or self.symptoms
            or self.flare
            or self.note
        )

    @property
    def day(self) -> str:
        """The calendar day of the entry: the date part of `at`, in its own wall time."""
        return self.at.date().isoformat()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "at": self.at.isoformat(),
            "logged": self.logged.isoformat(),
            "pain": self.pain,
            "fatigue": self.fatigue,
            "fog": self.fog,
            "stiffness": self.stiffness,
            "sleep_hours": self.sleep_hours,
            "sleep_quality": self.sleep_quality,
            "regions": list(self.regions),
            "tags": list(self.tags),
            "meds": [m.to_dict() for m in self.meds],
            "symptoms": dict(self.symptoms),
            "flare": self.flare,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, id: int | None = None) -> "Entry":
        """Build and validate an entry from its JSON form; lists are put in canonical order.

        Raises InvalidEntry naming the first problem. `id` overrides data["id"] (a TinyDB
        document keeps its id as the key, not in the body).
        """
        if not isinstance(data, Mapping):
            raise InvalidEntry("an entry must be a JSON object")
        unknown = set(data) - set(FIELDS)
        if unknown:
            raise InvalidEntry(f"unknown field {sorted(unknown)[0]!r}")
        for required in ("uid", "at", "logged"):
            if required not in data:
                raise InvalidEntry(f"missing field {required!r}")
        try:
            return cls(
                id=data.get("id", 0) if id is None else id,
                uid=data["uid"],
                at=_parse_time("at", data["at"]),
                logged=_parse_time("logged", data["logged"]),
                pain=data.get("pain"),
                fatigue=data.get("fatigue"),
                fog=data.get("fog"),
                stiffness=data.get("stiffness"),
                sleep_hours=_hours(data.get("sleep_hours")),
                sleep_quality=data.get("sleep_quality"),
                regions=canonical_areas(_str_list("regions", data.get("regions", []))),
                tags=tuple(sorted(set(_str_list("tags", data.get("tags", []))))),
                meds=tuple(_med(m) for m in _list("meds", data.get("meds", []))),
                symptoms=MappingProxyType(
                    dict(sorted(_mapping("symptoms", data.get("symptoms", {})).items()))
                ),
                flare=data.get("flare", False),
                note=data.get("note", ""),
            )
        except InvalidEntry:
            raise
        except (ValueError, TypeError) as error:
            raise InvalidEntry(str(error)) from None


def _parse_time(name: str, value: object) -> datetime:
    if not isinstance(value, str):
        raise InvalidEntry(f"{name} must be an ISO time string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEntry(f"{name} {value!r} is not an ISO time") from None
    if parsed.utcoffset() is None:
        raise InvalidEntry(f"{name} {value!r} lacks its UTC offset")
    return parsed


def _hours(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidEntry(f"sleep_hours must be a number, not {value!r}")
    return float(value)


def _list(name: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidEntry(f"{name} must be a list")
    return value


def _str_list(name: str, value: object) -> Iterable[str]:
    items = _list(name, value)
    if not all(isinstance(item, str) for item in items):
        raise InvalidEntry(f"{name} must be a list of strings")
    return items


def _mapping(name: str, value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidEntry(f"{name} must be an object")
    return value


def _med(value: object) -> Med:
    data = _mapping("a med", value)
    if set(data) - {"name", "dose"}:
        raise InvalidEntry("a med has only 'name' and 'dose'")
    return Med(data.get("name", ""), data.get("dose"))


@dataclass(frozen=True, slots=True)
class DayPain:
    """What the flare rules need of one day: its pain scores, whether a flare was marked, and
    its tags. Read for the year of history before a period without building whole entries."""

    date: date
    pains: tuple[int, ...]
    marked: bool
    tags: tuple[str, ...]

    @property
    def pain_mean(self) -> float | None:
        return sum(self.pains) / len(self.pains) if self.pains else None

    @property
    def pain_max(self) -> int | None:
        return max(self.pains) if self.pains else None
