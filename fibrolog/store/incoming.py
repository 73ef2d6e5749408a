"""Entries coming into the diary in bulk (an import, the demo's years): an export's records
proved as stored documents a piece at a time, and the year files they go to, each staged as
soon as it is complete so that years of history never sit in memory at once."""

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import msgspec

from fibrolog.errors import CorruptDiary
from fibrolog.models import Entry, Score
from fibrolog.store.documents import CheckedEntry, StoredEntry, forms_hold, rules_hold
from fibrolog.store.journal import Transaction
from fibrolog.store.storage import (
    ENTRIES,
    BadEntry,
    Tables,
    dump_tables,
    load_tables,
    no_collection,
)

# A new document is a `CheckedEntry` whose id is 0 (its id is its key in the year file): its
# encoding starts with this, and nothing else in a year file can (a quote inside a string is
# escaped, and a symptom's value is a number), so it is cut out of a year's bytes in C
# instead of building a dict, or another Struct, per entry.
_UNNUMBERED = b'{"id":0,"uid":"'
_DOCUMENT = b'{"uid":"'


class ExportedEntry(CheckedEntry, kw_only=True, forbid_unknown_fields=True, gc=False):
    """An entry as an export holds it: a `CheckedEntry`, but for the scores declared since
    the first exports, which an older export lacks and `Entry` reads as not given."""

    exertion: Score | None = None


@functools.cache
def _records() -> msgspec.json.Decoder[list[ExportedEntry]]:
    return msgspec.json.Decoder(list[ExportedEntry])


def prove(records: bytes, latest: datetime) -> list[ExportedEntry] | None:
    """The entries a JSON array of records (in the JSON form of SPEC §2) holds, proved valid
    by the rules of `Entry` (none after `latest`) and in the form `Entry.to_dict` gives
    them, so that they are stored as they are; None if any is not, or is not in that form
    (its lists in another order, a time without seconds…): then each is read as an `Entry`,
    which says what is wrong or puts it in that form.

    msgspec checks each field's type, range and known areas as it decodes, in C; the forms
    of text fields and the rules across fields are proved for the whole array at once
    (`forms_hold`, `rules_hold`), and the times are parsed all at once, in C."""
    try:
        with no_collection():
            entries = _records().decode(records)
    except msgspec.DecodeError:  # (a ValidationError too)
        return None
    if not entries:
        return entries
    if not forms_hold(entries) or not rules_hold(entries):
        return None
    if min(map(attrgetter("id"), entries)) < 0:
        return None
    times = [*map(attrgetter("at"), entries), *map(attrgetter("logged"), entries)]
    # "-00:00" parses as UTC, which `Entry.to_dict` writes "+00:00"; every other offset of
    # the form `forms_hold` proved is written as it was read (and only an offset, at the
    # end of a time of that form, can hold "-00:00").
    lines = "\n".join(times)
    if "-00:00\n" in lines or lines.endswith("-00:00"):
        return None
    try:
        instants = msgspec.convert(times, list[datetime])
    except msgspec.ValidationError:  # a day or hour that does not exist
        return None
    if max(instants[: len(entries)]) > latest:
        return None
    return entries


def document_of(entry: Entry) -> ExportedEntry:
    """An entry (read the slow way, which named or mended it) as a document to store."""
    return msgspec.convert(entry.to_dict(), ExportedEntry)


def content(document: CheckedEntry) -> dict[str, Any]:
    """A document's fields as a stored document read as JSON holds them (lists as lists,
    without its id)."""
    fields: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(document))
    del fields["id"]
    return fields


class YearFiles:
    """New documents for the year files, written into `changes` a year at a time: a year is
    staged (its file whole, beside the diary's) once the documents coming in have moved on
    from it, and held in memory only until then. A year that comes back later (a file not
    in time order) is read back from what was staged and staged again."""

    def __init__(self, year_path: Any, changes: Transaction, next_id: int) -> None:
        self.year_path = year_path  # year → the path of its file
        self.changes = changes
        self.next_id = next_id  # the id of the first document added
        self.pending: dict[int, dict[str, CheckedEntry | dict[str, Any]]] = {}
        self.staged: dict[int, Path] = {}
        self.added = 0

    def add(self, year: int, documents: Sequence[CheckedEntry | dict[str, Any]]) -> None:
        """New documents of a year (`CheckedEntry`s, or dicts of a stored document's
        fields), numbered on from the last added."""
        for document in documents:
            if isinstance(document, CheckedEntry):
                document.id = 0  # its key is its id (see _UNNUMBERED)
        first = self.next_id + self.added
        keys = map(str, range(first, first + len(documents)))
        self.pending.setdefault(year, {}).update(zip(keys, documents, strict=True))
        self.added += len(documents)

    def write_all_but(self, years: Iterable[int]) -> None:
        """Stage every year holding new documents but `years` (those still coming in)."""
        for year in set(self.pending) - set(years):
            self._stage(year)

    def finish(self) -> list[int]:
        """Stage what is left; the years written."""
        self.write_all_but(())
        return sorted(self.staged)

    def _stage(self, year: int) -> None:
        documents = self.pending.pop(year)
        path = self.staged.get(year) or self.year_path(year)
        tables = self._read(path) or {ENTRIES: {}}
        tables[ENTRIES].update(documents)
        data = dump_tables(tables).replace(_UNNUMBERED, _DOCUMENT)
        self.staged[year] = self.changes.stage(self.year_path(year), data)

    @staticmethod
    def _read(path: Path) -> Tables | None:
        """A year's stored documents, each checked as `StoredEntry` (written back as they
        are); one set aside (see BadEntry) keeps its year from being written until mended."""
        try:
            return load_tables(path, ENTRIES, StoredEntry)
        except BadEntry as error:
            raise CorruptDiary(error.waiting()) from None  # (no path: no backup replaces it)
