"""Entries and meds: declared, frozen value types (msgspec Structs), their rules and dict forms.

The field types carry the simple rules (a score is a whole number from 0 to 10); `__post_init__`
carries the rules that span fields and puts lists in their canonical order. msgspec checks the
declared types when it converts a dict (`Entry.build`, `Entry.from_dict`), not when a class is
called directly, so every entry made from outside data goes through those two.
"""

import functools
import math
import operator
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any, Literal, NamedTuple

import msgspec
from msgspec import Meta, Struct
from msgspec.structs import force_setattr

from fibrolog.regions import canonical_areas

_canonical_areas = functools.lru_cache(maxsize=4096)(canonical_areas)


class DailyScore(NamedTuple):
    """A 0–10 score of an entry, declared once: its field (the JSON key and CSV column), its
    words, its option, its question and which way is better. The command line, the prompts,
    the settings, the analysis, the exports and the tables are derived from these."""

    name: str  # the entry field, JSON key and CSV column
    label: str  # in the user's words, in sentences and the `show` card
    column: str  # a table's header: short, so that views fit 40 columns
    higher: Literal["worse", "better", "neither"]  # what a higher value means
    option: str  # the long option of add, edit and again
    short: str | None  # its one-letter form
    help: str  # the option's --help
    question: str  # asked at the prompt
    asked_with: str  # the name in the `prompts` setting that asks it


# Adding a score: a line here, its field in `Entry` (test_models checks the two agree), and a
# migration that gives the year files' documents the new key (store/migrations.py).
DAILY_SCORES = (
    DailyScore(
        "pain", "pain", "pain", "worse", "--pain", "-p",
        "Overall pain, 0 none … 10 worst.", "Pain 0–10", "pain",
    ),
    DailyScore(
        "fatigue", "fatigue", "fatigue", "worse", "--fatigue", "-f",
        "Fatigue 0–10, higher is worse.", "Fatigue 0–10", "fatigue",
    ),
    DailyScore(
        "fog", "fog", "fog", "worse", "--fog", None,
        "Fibro fog 0–10, higher is worse.", "Fibro fog 0–10", "fog",
    ),
    DailyScore(
        "stiffness", "stiffness", "stiff", "worse", "--stiffness", "-s",
        "Stiffness 0–10, higher is worse.", "Stiffness 0–10", "stiffness",
    ),
    DailyScore(
        "sleep_quality", "sleep quality", "sleep", "better", "--sleep-quality", None,
        "Last night's sleep, 0 worst … 10 best.", "Sleep quality 0–10 (10 = best)", "sleep",
    ),
    DailyScore(
        "exertion", "exertion", "effort", "neither", "--exertion", "-e",
        "How much you did, body and mind: 0 rest … 10 most.",
        "Exertion today 0–10 (body and mind, 10 = most)", "exertion",
    ),
)  # fmt: skip
SCORE_BY_NAME = {score.name: score for score in DAILY_SCORES}
SCORES = tuple(SCORE_BY_NAME)
SLUG = r"[a-z0-9][a-z0-9-]*"  # tags and symptom names
# `@tag` words in a note are tags too; the @ must not follow a letter (so e-mail addresses don't).
NOTE_TAG = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9-]*)")

Score = Annotated[int, Meta(ge=0, le=10)]
Slug = Annotated[str, Meta(pattern=f"^{SLUG}$")]
Uid = Annotated[str, Meta(pattern=r"^[0-9a-f]{32}$")]
Hours = Annotated[float, Meta(ge=0, le=24)]
Moment = Annotated[datetime, Meta(tz=True)]

# What each field must be, in the user's words, for the messages of `InvalidEntry`.
RULES = {
    "id": "a positive whole number",
    "uid": "32 lowercase hex characters",
    "at": "a time with its UTC offset, like 2026-11-20T21:00:00+01:00",
    "logged": "a time with its UTC offset, like 2026-11-20T21:00:00+01:00",
    **{name: "a whole number from 0 to 10" for name in SCORES},
    "sleep_hours": "a number of hours from 0 to 24",
    "regions": "a list of known body areas",
    "tags": "a list of tags made of lowercase letters, digits and '-'",
    "meds": "a list of meds, each {name, dose}",
    "symptoms": "an object of symptom names (lowercase letters, digits, '-') and scores 0–10",
    "flare": "true or false",
    "note": "text",
}


class InvalidEntry(ValueError):
    """An entry (or a part of one) breaks the rules of SPEC §2; the message says which."""


def check_score(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InvalidEntry(f"{name} must be a whole number from 0 to 10, not {value!r}")
    return value


def check_slug(kind: str, value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(SLUG, value):
        raise InvalidEntry(
            f"{kind} {value!r} is not valid: use lowercase letters, digits and '-', "
            "starting with a letter or digit"
        )
    return value


def read_score(text: str) -> int:
    """A 0–10 score as the user typed it: '7' (not '7.5', '9/3' or '11')."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > 10:
        raise InvalidEntry(f"'{text}' is not a whole number from 0 to 10")
    return int(value)


def read_hours(text: str) -> float:
    """Hours of sleep as the user typed them: '7', '6.5', '7,5' (a decimal comma), '8h'."""
    value = text.strip().lower().removesuffix("h").strip().replace(",", ".")
    try:
        hours = float(value)
    except ValueError:
        hours = math.nan
    if not math.isfinite(hours) or not 0 <= hours <= 24:
        raise InvalidEntry(f"'{text}' is not a number of hours from 0 to 24, like 7 or 6.5")
    return round(hours, 2)


def normalise_tag(text: str) -> str:
    """User input for a tag: '@Stress ' → 'stress'; invalid ones raise InvalidEntry."""
    return check_slug("tag", text.strip().lstrip("@").lower())


def tags_in_note(note: str) -> list[str]:
    return [m.lower() for m in NOTE_TAG.findall(note)]


def explain(error: msgspec.ValidationError) -> InvalidEntry:
    """msgspec's message ("Expected `int` <= 10 - at `$.pain`") in the user's words.

    msgspec's own messages start with a capital; those of our rules (raised in
    `__post_init__`) are already in the user's words and pass through.
    """
    message, _, where = str(error).rpartition(" - at `$")
    if not message:  # no path: the message is about the object itself
        message = str(error)
    path = where.rstrip("`").lstrip(".")
    field = re.split(r"[.\[]", path, maxsplit=1)[0]
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", message):
        return InvalidEntry(f"unknown field {m[1]!r}")
    if m := re.fullmatch(r"Object missing required field `(.+)`", message):
        return InvalidEntry(f"missing field {m[1]!r}")
    if message[:1].isupper() and field in RULES:
        got = re.search(r", got `(.+)`$", message)
        return InvalidEntry(f"{field} must be {RULES[field]}" + (f", not {got[1]}" if got else ""))
    if message[:1].isupper():
        return InvalidEntry(f"{path or 'the entry'}: {message[0].lower()}{message[1:]}")
    return InvalidEntry(message)


class Med(Struct, frozen=True):
    """A medication taken. Its text form is 'name dose', the dose starting at the first number."""

    name: str
    dose: str | None = None

    def __post_init__(self) -> None:
        name, dose = self.name, self.dose
        if not name or name != " ".join(name.split()):
            raise InvalidEntry(f"a med needs a name with single spaces, not {name!r}")
        if ";" in name or any(word[0].isdigit() for word in name.split()):
            raise InvalidEntry(f"med name {name!r} may not contain ';' or a number word")
        if dose is not None and (
            not dose or dose != " ".join(dose.split()) or ";" in dose or not dose[0].isdigit()
        ):
            raise InvalidEntry(f"med dose {dose!r} must start with a number, like '75mg'")

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


class Entry(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One observation at a moment (SPEC §2). `id` is 0 until the diary assigns one.

    Its repr gives the note's length, not its text, so a note cannot reach a traceback or a log.
    """

    id: Annotated[int, Meta(ge=0)] = 0
    uid: Uid
    at: Moment
    logged: Moment
    pain: Score | None = None
    fatigue: Score | None = None
    fog: Score | None = None
    stiffness: Score | None = None
    sleep_hours: Hours | None = None
    sleep_quality: Score | None = None
    exertion: Score | None = None
    regions: tuple[str, ...] = ()
    tags: tuple[Slug, ...] = ()
    meds: tuple[Med, ...] = ()
    symptoms: dict[Slug, Score] = {}
    flare: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("at", "logged"):
            if getattr(self, name).microsecond:
                raise InvalidEntry(f"{name} is kept to the second")
        if self.sleep_hours is not None and not math.isfinite(self.sleep_hours):
            raise InvalidEntry(f"sleep_hours must be {RULES['sleep_hours']}")
        try:
            self.note.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidEntry("note holds bytes that are not valid text (UTF-8)") from None
        # Lists are kept in one order, whatever order they came in. A diary repeats a few
        # area lists thousands of times, so their order is looked up (a tenth of reading).
        force_setattr(self, "regions", _canonical_areas(self.regions))
        if len(self.tags) > 1:
            force_setattr(self, "tags", tuple(sorted(set(self.tags))))
        if len(self.symptoms) > 1:
            force_setattr(self, "symptoms", dict(sorted(self.symptoms.items())))
        if not self.has_content():
            raise InvalidEntry(
                "an entry needs at least one of: a score, sleep, an area, a tag, a med, "
                "a symptom, the flare mark or a note"
            )

    def __repr__(self) -> str:
        shown = ", ".join(
            f"note=<{len(self.note)} characters>" if name == "note" else f"{name}={value!r}"
            for name, value in zip(
                self.__struct_fields__, msgspec.structs.astuple(self), strict=True
            )
        )
        return f"Entry({shown})"

    @classmethod
    def build(cls, **fields: Any) -> "Entry":
        """A new entry with every field checked; InvalidEntry names the first problem."""
        try:
            return msgspec.convert(fields, cls)
        except msgspec.ValidationError as error:
            raise explain(error) from None

    def replace(self, **changes: Any) -> "Entry":
        """A checked copy with `changes` made (the same rules as a new entry)."""
        unknown = set(changes) - set(self.__struct_fields__)
        if unknown:
            raise TypeError(f"Entry has no field {sorted(unknown)[0]!r}")
        return Entry.build(**(msgspec.structs.asdict(self) | changes))

    def has_content(self) -> bool:
        return holds_a_value(self)

    @property
    def day(self) -> str:
        """The calendar day of the entry: the date part of `at`, in its own wall time."""
        return self.at.date().isoformat()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of SPEC §2 (times as ISO text with their offset)."""
        data: dict[str, Any] = {name: getattr(self, name) for name in self.__struct_fields__}
        data["at"] = self.at.isoformat()
        data["logged"] = self.logged.isoformat()
        data["regions"] = list(self.regions)
        data["tags"] = list(self.tags)
        data["meds"] = [m.to_dict() for m in self.meds]
        data["symptoms"] = dict(self.symptoms)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, id: int | None = None) -> "Entry":
        """Build and check an entry from its JSON form; lists are put in canonical order.

        Raises InvalidEntry naming the first problem. `id` overrides data["id"] (a TinyDB
        document keeps its id as the key, not in the body).
        """
        if not isinstance(data, Mapping):
            raise InvalidEntry("an entry must be a JSON object")
        fields = dict(data)
        if id is not None:
            fields["id"] = id
        return cls.build(**fields)


FIELDS: tuple[str, ...] = Entry.__struct_fields__


_scores_of = operator.attrgetter(*SCORES)  # a tuple: there is more than one score
_NO_SCORES = (None,) * len(SCORES)


def holds_a_value(entry: Any) -> bool:
    """Whether an entry (an `Entry`, or a stored form with its fields) holds at least one of:
    a score, sleep, an area, a tag, a med, a symptom, the flare mark or a note."""
    return bool(
        _scores_of(entry) != _NO_SCORES
        or entry.sleep_hours is not None
        or entry.regions
        or entry.tags
        or entry.meds
        or entry.symptoms
        or entry.flare
        or entry.note
    )


class DayFacts(Struct, frozen=True):
    """A logged day as the flare rules, a year of history and a treatment review read it:
    its scores, sleep, meds, flare mark and tags, read from the year files without building
    whole entries."""

    date: date
    pains: tuple[int, ...]
    marked: bool
    tags: tuple[str, ...]
    fatigue: tuple[int, ...] = ()
    fog: tuple[int, ...] = ()
    stiffness: tuple[int, ...] = ()
    exertion: tuple[int, ...] = ()
    sleep_quality: tuple[int, ...] = ()
    sleep_hours: tuple[float, ...] = ()
    meds: frozenset[str] = frozenset()  # their names

    @property
    def pain_mean(self) -> float | None:
        return sum(self.pains) / len(self.pains) if self.pains else None

    @property
    def pain_max(self) -> int | None:
        return max(self.pains) if self.pains else None

    def mean(self, metric: str) -> float | None:
        """The day's mean of a score ("pain", "fatigue", …) or of "sleep_hours"."""
        values: tuple[float, ...] = self.pains if metric == "pain" else getattr(self, metric)
        return sum(values) / len(values) if values else None


# -- treatment courses (issue 14) ---------------------------------------------------------------

KINDS = ("drug", "device", "therapy", "exercise", "other")
# The Patient Global Impression of Change: how the person feels since the course started.
PGIC = {
    1: "very much improved",
    2: "much improved",
    3: "minimally improved",
    4: "no change",
    5: "minimally worse",
    6: "much worse",
    7: "very much worse",
}
COURSE_RULES = {
    "id": "a positive whole number",
    "uid": RULES["uid"],
    "name": "a name",
    "kind": f"one of {', '.join(KINDS)}",
    "as_needed": "true or false",
    "start": "a date like 2026-11-20",
    "stop": "a date like 2026-11-20",
    "reason": "text",
    "note": "text",
    "doses": "a list of {dose, from}",
    "ratings": "a list of {answer 1–7, date}",
}


class Dose(Struct, frozen=True):
    """The dose of a course from a day on (None: no dose given, as for a device or therapy)."""

    dose: str | None
    from_: date = msgspec.field(name="from")


class Rating(Struct, frozen=True):
    """One answer to the Patient Global Impression of Change, 1 (very much improved) … 7."""

    answer: Annotated[int, Meta(ge=1, le=7)]
    date: date

    @property
    def label(self) -> str:
        return PGIC[self.answer]


class Course(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A course of treatment: a drug, a device, a therapy, an exercise programme…, from its
    start day to the day it stopped (None while it runs), with its doses and ratings."""

    id: Annotated[int, Meta(ge=0)] = 0
    uid: Uid
    name: str
    kind: Literal["drug", "device", "therapy", "exercise", "other"] = "drug"
    as_needed: bool = False
    start: date
    stop: date | None = None
    reason: str = ""
    note: str = ""
    doses: tuple[Dose, ...] = ()
    ratings: tuple[Rating, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip() or self.name != " ".join(self.name.split()):
            raise InvalidEntry(f"a course needs a name with single spaces, not {self.name!r}")
        if self.stop is not None and self.stop < self.start:
            raise InvalidEntry(f"the course stops ({self.stop}) before it starts ({self.start})")
        froms = [d.from_ for d in self.doses]
        if froms != sorted(froms) or any(not self.start <= day for day in froms):
            raise InvalidEntry("doses must be in date order, none before the course starts")
        if any(r.date < self.start for r in self.ratings):
            raise InvalidEntry("a course is rated on or after the day it starts")

    @classmethod
    def build(cls, **fields: Any) -> "Course":
        """A course with every field checked; InvalidEntry names the first problem."""
        try:
            return msgspec.convert(fields, cls)
        except msgspec.ValidationError as error:
            message, _, where = str(error).rpartition(" - at `$.")
            field = re.split(r"[.\[]", where.rstrip("`"), maxsplit=1)[0]
            if message[:1].isupper() and field in COURSE_RULES:
                raise InvalidEntry(f"{field} must be {COURSE_RULES[field]}") from None
            raise explain(error) from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, id: int | None = None) -> "Course":
        if not isinstance(data, Mapping):
            raise InvalidEntry("a course must be a JSON object")
        fields = {**data, **({} if id is None else {"id": id})}
        for key in ("doses", "ratings"):
            if isinstance(fields.get(key), list):
                fields[key] = tuple(fields[key])
        return cls.build(**fields)

    def replace(self, **changes: Any) -> "Course":
        """A checked copy with `changes` made."""
        return Course.build(**(msgspec.structs.asdict(self) | changes))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (dates as ISO text, lists as lists)."""
        return msgspec.json.decode(msgspec.json.encode(self))  # type: ignore[no-any-return]

    @property
    def key(self) -> str:
        """The name as courses are matched: without regard to case."""
        return self.name.casefold()

    @property
    def running(self) -> bool:
        return self.stop is None

    def dose_on(self, day: date) -> str | None:
        """The dose in force on `day` (None before the first dose or with none given)."""
        current = None
        for dose in self.doses:
            if dose.from_ <= day:
                current = dose.dose
        return current
