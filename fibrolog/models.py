"""Entries and meds: frozen value types with validation and their JSON-able dict forms.

Written as plain classes with `__slots__`, not with `@dataclass`: a dataclass builds its methods
by compiling generated source when the module loads (about 1 ms per class), and every command
paid that at start-up. The records in the other modules are `NamedTuple`s for the same reason.
"""

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, NamedTuple

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


class _Value:
    """A frozen value: equal when its fields are, hashable when they are, never changed in place."""

    __slots__: tuple[str, ...] = ()
    _private: frozenset[str] = frozenset()  # fields whose text a repr must not show

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = (
            f"{name}=<{len(getattr(self, name))} characters>"
            if name in self._private
            else f"{name}={getattr(self, name)!r}"
            for name in self.__slots__
        )
        return f"{type(self).__name__}({', '.join(shown)})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: build a new one instead")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: build a new one instead")


_set = object.__setattr__


class Med(_Value):
    """A medication taken. Its text form is 'name dose', the dose starting at the first number."""

    __slots__ = ("name", "dose")  # noqa: RUF023 -- field order, as repr shows them
    name: str
    dose: str | None

    def __init__(self, name: str, dose: str | None = None) -> None:
        if not isinstance(name, str) or not name or name != " ".join(name.split()):
            raise InvalidEntry(f"a med needs a name with single spaces, not {name!r}")
        if ";" in name or any(word[0].isdigit() for word in name.split()):
            raise InvalidEntry(f"med name {name!r} may not contain ';' or a number word")
        if dose is not None and (
            not isinstance(dose, str)
            or not dose
            or dose != " ".join(dose.split())
            or ";" in dose
            or not dose[0].isdigit()
        ):
            raise InvalidEntry(f"med dose {dose!r} must start with a number, like '75mg'")
        _set(self, "name", name)
        _set(self, "dose", dose)

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


_NO_SYMPTOMS: Mapping[str, int] = MappingProxyType({})


class Entry(_Value):
    """One observation at a moment (SPEC §2). `id` is 0 until the diary assigns one.

    Every field is checked when an entry is built; `replace` builds a checked copy. Its repr
    gives the note's length, not its text, so a note cannot reach a traceback or a log.
    """

    __slots__ = FIELDS
    _private = frozenset({"note"})
    id: int
    uid: str
    at: datetime
    logged: datetime
    pain: int | None
    fatigue: int | None
    fog: int | None
    stiffness: int | None
    sleep_hours: float | None
    sleep_quality: int | None
    regions: tuple[str, ...]
    tags: tuple[str, ...]
    meds: tuple[Med, ...]
    symptoms: Mapping[str, int]
    flare: bool
    note: str

    def __init__(
        self,
        *,
        uid: str,
        at: datetime,
        logged: datetime,
        id: int = 0,
        pain: int | None = None,
        fatigue: int | None = None,
        fog: int | None = None,
        stiffness: int | None = None,
        sleep_hours: float | None = None,
        sleep_quality: int | None = None,
        regions: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        meds: tuple[Med, ...] = (),
        symptoms: Mapping[str, int] = _NO_SYMPTOMS,
        flare: bool = False,
        note: str = "",
    ) -> None:
        if isinstance(id, bool) or not isinstance(id, int) or id < 0:
            raise InvalidEntry(f"id must be a positive whole number, not {id!r}")
        if not isinstance(uid, str) or not UID.fullmatch(uid):
            raise InvalidEntry("uid must be 32 lowercase hex characters")
        _check_time("at", at)
        _check_time("logged", logged)
        for name, value in zip(SCORES, (pain, fatigue, fog, stiffness, sleep_quality), strict=True):
            if value is not None:
                check_score(name, value)
        if sleep_hours is not None and (
            isinstance(sleep_hours, bool)
            or not isinstance(sleep_hours, float)
            or not math.isfinite(sleep_hours)
            or not 0 <= sleep_hours <= 24
        ):
            raise InvalidEntry(
                f"sleep_hours must be a number of hours from 0 to 24, not {sleep_hours!r}"
            )
        if not isinstance(regions, tuple) or canonical_areas(regions) != regions:
            raise InvalidEntry("regions must be known areas, unique, in canonical order")
        if not isinstance(tags, tuple) or tuple(sorted(set(tags))) != tags:
            raise InvalidEntry("tags must be unique and sorted")
        for tag in tags:
            check_slug("tag", tag)
        if not isinstance(meds, tuple) or not all(isinstance(m, Med) for m in meds):
            raise InvalidEntry("meds must be a list of {name, dose}")
        if list(symptoms) != sorted(symptoms):
            raise InvalidEntry("symptoms must be sorted by name")
        for name, score in symptoms.items():
            check_slug("symptom", name)
            check_score(f"symptom {name}", score)
        if not isinstance(flare, bool):
            raise InvalidEntry("flare must be true or false")
        if not isinstance(note, str):
            raise InvalidEntry("note must be text")
        try:
            note.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidEntry("note holds bytes that are not valid text (UTF-8)") from None
        _set(self, "id", id)
        _set(self, "uid", uid)
        _set(self, "at", at)
        _set(self, "logged", logged)
        _set(self, "pain", pain)
        _set(self, "fatigue", fatigue)
        _set(self, "fog", fog)
        _set(self, "stiffness", stiffness)
        _set(self, "sleep_hours", sleep_hours)
        _set(self, "sleep_quality", sleep_quality)
        _set(self, "regions", regions)
        _set(self, "tags", tags)
        _set(self, "meds", meds)
        _set(self, "symptoms", symptoms)
        _set(self, "flare", flare)
        _set(self, "note", note)
        if not self.has_content():
            raise InvalidEntry(
                "an entry needs at least one of: a score, sleep, an area, a med, a symptom, "
                "the flare mark or a note"
            )

    def replace(self, **changes: Any) -> "Entry":
        """A checked copy with `changes` made (the same rules as a new entry)."""
        fields = {name: getattr(self, name) for name in FIELDS}
        fields.update(changes)
        return Entry(**fields)

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


class DayPain(NamedTuple):
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
