"""The shapes of what the diary stores: the entry and course documents of the year files and
treatments.json, the light facts the analyses read, and meta.json's counter."""

import functools
import re
from collections.abc import Collection
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Struct

from fibrolog.models import (
    FIELDS,
    Course,
    Entry,
    Hours,
    InvalidEntry,
    Med,
    Score,
    Slug,
    Uid,
    holds_a_value,
)
from fibrolog.regions import ALL_AREAS, canonical_areas

STORED_FIELDS = frozenset(FIELDS) - {"id"}  # a stored document keeps its id as its key


class StoredMed(Struct, forbid_unknown_fields=True, gc=False):
    """A med as a year file keeps it (`Med`'s rules run in Python, so they wait for a read)."""

    name: str
    dose: str | None


class StoredEntry(Struct, forbid_unknown_fields=True, gc=False):
    """An entry as a year file keeps it (its id is the document's key; times stay text).

    Its fields are those of `Entry` with their types and ranges, which msgspec checks in C.
    Patterns (of uids, times, tags) would call Python's `re` for every value, several times
    slower than the whole decode: those are checked when an entry is read, and by `check`.
    """

    uid: str
    at: str
    logged: str
    pain: Score | None
    fatigue: Score | None
    fog: Score | None
    stiffness: Score | None
    sleep_hours: Hours | None
    sleep_quality: Score | None
    exertion: Score | None
    regions: list[str]
    tags: list[str]
    meds: list[StoredMed]
    symptoms: dict[str, Score]
    flare: bool
    note: str


class PainFacts(Struct, frozen=True, gc=False):
    """The fields of a stored entry that the flare rules read (the rest are skipped; no
    patterns, for the reason `StoredEntry` gives)."""

    at: str
    pain: Score | None
    flare: bool
    tags: list[str]


class EntryFacts(PainFacts, frozen=True, gc=False):
    """…and what a treatment review reads besides: the other scores, sleep and meds."""

    fatigue: Score | None
    fog: Score | None
    stiffness: Score | None
    exertion: Score | None
    sleep_quality: Score | None
    sleep_hours: Hours | None
    meds: list[StoredMed]


Area = Literal[ALL_AREAS]  # type: ignore[valid-type]
# A time as `Entry.to_dict` writes it (isoformat, to the second, with its offset); every `at`
# is also parsed when a whole-diary read puts the entries in time order.
OffsetTime = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")]


class CheckedEntry(Struct, kw_only=True, forbid_unknown_fields=True, gc=False):
    """An entry as a whole-diary read (export, `list -n 0 --json`) takes it from a year file:
    each field's declared type, range and known area is checked by msgspec in C as it decodes,
    and it encodes to the JSON form of SPEC §2, field for field. The forms of its text fields
    (uid, times, tag and symptom names) are checked by `forms_hold` over a year's entries at
    once: a pattern in the decoder calls Python's `re` once a value, which tripled the decode.
    Every field but the id is required, as a year file keeps them all. The rules across
    fields (canonical order, at least one value, med names) are made by every write, and
    `rules_hold` proves them for `check`.
    """

    id: int = 0  # a year file keeps it as the document's key
    uid: str  # Uid
    at: str  # OffsetTime: as stored, the text `Entry.to_dict` wrote
    logged: str  # OffsetTime
    pain: Score | None
    fatigue: Score | None
    fog: Score | None
    stiffness: Score | None
    sleep_hours: Hours | None
    sleep_quality: Score | None
    exertion: Score | None
    regions: tuple[Area, ...]  # tuples: a year's distinct lists are found with a set
    tags: tuple[str, ...]  # Slug
    meds: list[StoredMed]
    symptoms: dict[str, Score]  # names: Slug
    flare: bool
    note: str


def forms_hold(entries: Collection[CheckedEntry]) -> bool:
    """Whether every uid, time, tag and symptom name of `entries` has its declared form (the
    patterns of `Uid`, `OffsetTime` and `Slug`): one regular expression over each field's
    values joined by newlines, which no pattern lets through, so a value holding one fails."""
    tags = [tag for entry in entries for tag in entry.tags]
    symptoms = [name for entry in entries for name in entry.symptoms]
    return (
        _all_fit(Uid, [entry.uid for entry in entries])
        and _all_fit(OffsetTime, [entry.at for entry in entries])
        and _all_fit(OffsetTime, [entry.logged for entry in entries])
        and _all_fit(Slug, tags)
        and _all_fit(Slug, symptoms)
    )


def rules_hold(entries: Collection[CheckedEntry]) -> bool:
    """Whether `entries` keep the rules across fields that every write makes (those of
    `Entry`): lists in canonical order without repeats, at least one value, meds named and
    dosed as `Med` requires, notes that are text. With the decode's checks and `forms_hold`,
    that is every rule of an entry, proved a year at a time: each distinct list and med once
    (a diary repeats them), so the cost is a few passes over the entries."""
    try:
        for name, dose in {(med.name, med.dose) for entry in entries for med in entry.meds}:
            Med(name, dose)
        "".join(entry.note for entry in entries).encode()
    except (InvalidEntry, UnicodeEncodeError):
        return False
    regions = {entry.regions for entry in entries}
    tags = {entry.tags for entry in entries}
    symptoms = {tuple(entry.symptoms) for entry in entries}
    return (
        all(areas == canonical_areas(areas) for areas in regions)
        and all(names == tuple(sorted(set(names))) for names in tags | symptoms)
        and all(holds_a_value(entry) for entry in entries)
    )


def _all_fit(form: Any, values: list[str]) -> bool:
    if not values:
        return True
    text = "\n".join(values)
    return text.count("\n") == len(values) - 1 and _whole_lines(form).fullmatch(text) is not None


@functools.cache
def _whole_lines(form: Any) -> re.Pattern[str]:
    """A text of lines each fitting `form`'s declared pattern (an `Annotated` str), its
    digits ASCII: stricter than the model, whose judgement a year that fails then gets."""
    pattern = form.__metadata__[0].pattern.removeprefix("^").removesuffix("$")
    return re.compile(f"(?:{pattern})(?:\n(?:{pattern}))*", re.ASCII)


class Meta(Struct, frozen=True):
    schema: int
    next_id: int


def entry_key(entry: Entry) -> tuple[datetime, int]:
    """Chronological order: by the instant of `at`, then by id."""
    return entry.at.astimezone(UTC), entry.id


def course_document(course: Course) -> dict[str, Any]:
    body = course.to_dict()
    del body["id"]  # the TinyDB document id is the course id
    return body


def entry_document(entry: Entry) -> dict[str, Any]:
    body = entry.to_dict()
    del body["id"]  # the TinyDB document id is the entry id
    return body
