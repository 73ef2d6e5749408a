"""Reading entries from the year files: whole years, a span of days, the newest, one by id,
and the light facts the analyses read; an entry that breaks a rule is set aside (BadEntry).
It hands out `Entry` models, never TinyDB Documents."""

import contextlib
import functools
import heapq
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec
from msgspec.structs import force_setattr
from tinydb import TinyDB

from fibrolog.errors import CorruptDiary, FibrologError, NotFound
from fibrolog.models import DayFacts, Entry, InvalidEntry
from fibrolog.store import storage
from fibrolog.store.documents import (
    CheckedEntry,
    EntryFacts,
    PainFacts,
    StoredEntry,
    entry_key,
    forms_hold,
    rules_hold,
)
from fibrolog.store.journal import Transaction
from fibrolog.store.records import CourseAndAssessmentRecords
from fibrolog.store.safefile import read_if_there
from fibrolog.store.storage import ENTRIES, AtomicJSONStorage, BadEntry, no_collection

MAX_OFFSET_AHEAD = timedelta(hours=12)  # UTC offsets run from -12:00 to +14:00
# Fewer days of a year than this are read by building just their entries (from the year's
# dicts); more, by decoding the whole year straight into entries, which costs less per
# entry but builds every entry of the year.
FEW_DAYS = 60


@functools.cache
def _facts_decoder(all_scores: bool) -> msgspec.json.Decoder[dict[str, dict[str, PainFacts]]]:
    """The decoder of a year file's light facts: the flare rules' (summary, flares) or, with
    `all_scores`, a review's. Made on first use: an add needs neither."""
    kind = EntryFacts if all_scores else PainFacts
    return msgspec.json.Decoder(dict[str, dict[str, kind]])  # type: ignore[valid-type]


@functools.cache
def _checked_decoder() -> msgspec.json.Decoder[dict[str, dict[str, CheckedEntry]]]:
    return msgspec.json.Decoder(dict[str, dict[str, CheckedEntry]])


@functools.cache
def _entries_decoder() -> msgspec.json.Decoder[dict[str, dict[str, Entry]]]:
    """The decoder of a year file straight into entries (made on first use)."""
    return msgspec.json.Decoder(dict[str, dict[str, Entry]])


class _Refused(Exception):
    """A year file that the fast decoding refused (the slow reading says why)."""


class EntryReading(CourseAndAssessmentRecords):
    """A diary folder's entries, read from its year files."""

    def _open_year(
        self,
        year: int,
        adding_only: bool = False,
        transaction: Transaction | None = None,
        mending: Iterable[int] = (),
    ) -> Any:
        """A TinyDB table of one year, already parsed and its shape checked.

        Writers open every file they will change before writing any, so a damaged file stops
        the operation while all files are still as they were. TinyDB then works from the
        storage's cached parse instead of reading the file again.

        A writer that only adds entries reads the year's documents as `StoredEntry` values:
        msgspec checks every field of every entry as it decodes them, in C, twice as fast as
        building dicts; they are written back byte for byte. Other writers get dicts, each
        with exactly the entry fields; their values are checked whenever an entry is read,
        and by `fibrolog check`.

        A year holding an entry set aside (see BadEntry) is not written until it is mended:
        by an edit of that entry, or its delete (`mending`).
        """
        document = StoredEntry if adding_only else None
        db = TinyDB(
            self.year_path(year),
            storage=AtomicJSONStorage,
            document=document,
            transaction=transaction,
            remembered=self._remembered if adding_only else None,
        )
        try:
            tables = db.storage.read() or {}
        except BadEntry as error:
            raise CorruptDiary(error.waiting()) from None  # (no path: no backup replaces it)
        if not adding_only:
            self._refuse_set_aside(year, tables.get(ENTRIES, {}), mending)
        return db.table(ENTRIES, cache_size=0)

    # -- reading -----------------------------------------------------------------------------

    def year_documents(self, year: int) -> dict[str, Any]:
        """A year file's entries as stored: {id: document}, not yet checked.

        Not kept: a whole-diary read (export, list -n 0) lets go of each year once read."""
        tables = storage.load_tables(self.year_path(year), ENTRIES)
        return tables[ENTRIES] if tables else {}

    def _stored_documents(self, year: int) -> dict[str, Any]:
        """A year's entries as stored: `StoredEntry` values, each field's type and range
        checked in C; a year with one that breaks them gives dicts (each then read alone,
        so the others are not lost with it). The parse is remembered with the file's bytes:
        an add that follows (`again`) takes it if the file is unchanged."""
        path = self.year_path(year)
        try:
            tables = storage.load_tables(path, ENTRIES, StoredEntry, self._remembered)
        except BadEntry:
            return self.year_documents(year)
        return tables[ENTRIES] if tables else {}

    def entry_from(self, year: int, key: str, document: dict[str, Any] | StoredEntry) -> Entry:
        """The entry a stored document of `year` holds; CorruptDiary names the file, the
        entry and the first problem if the document breaks a rule or belongs to another year."""
        fields = msgspec.to_builtins(document) if isinstance(document, StoredEntry) else document
        try:
            entry = Entry.from_dict(fields, id=int(key))
        except InvalidEntry as error:
            raise BadEntry(self.year_path(year), key, str(error)) from None
        if entry.at.year != year:
            raise CorruptDiary(
                f"{self.year_path(year)}: entry #{key} belongs to {entry.at.year}",
                self.year_path(year),
            )
        return entry

    def _readable(
        self, year: int, key: str, document: dict[str, Any] | StoredEntry
    ) -> Entry | None:
        """The entry, or None if it breaks a rule: then it is set aside, with a warning."""
        try:
            return self.entry_from(year, key, document)
        except BadEntry as error:
            self.set_aside.setdefault(int(key), error.set_aside())
            return None

    def _refuse_set_aside(
        self, year: int, documents: dict[str, Any], mending: Iterable[int] = ()
    ) -> None:
        """A write to a year waits while it holds an entry set aside (but the one it mends or
        deletes): checked by msgspec in C, then entry by entry only if something is wrong."""
        try:
            msgspec.convert(documents, dict[str, StoredEntry])
            return
        except msgspec.ValidationError:
            pass
        skip = {str(i) for i in mending}
        for key, document in documents.items():
            if key not in skip:
                try:
                    self.entry_from(year, key, document)
                except BadEntry as error:
                    raise CorruptDiary(error.waiting()) from None

    def year_entries(
        self, year: int, first: date | None = None, last: date | None = None
    ) -> list[Entry]:
        """The entries of one year whose day is in [first, last] (either end open), in time order.

        Documents outside the days are skipped by their ISO date prefix before being built.
        """
        low = first.isoformat() if first else ""
        high = last.isoformat() if last else "9999"
        found = []
        for key, document in self.year_documents(year).items():
            at = document.get("at")
            # Skip only what is surely out of range; anything odd is built, so it is reported.
            if isinstance(at, str) and at[4:5] == at[7:8] == "-" and not low <= at[:10] <= high:
                continue
            entry = self._readable(year, key, document)
            if entry is not None:
                found.append(entry)
        return sorted(found, key=entry_key)

    def entries(self, first: date | None = None, last: date | None = None) -> list[Entry]:
        """Entries whose day lies in [first, last] (either end open), in time order.

        Reads only the year files the range touches.
        """
        self.open()
        found: list[Entry] = []
        for year in self.years():
            if (first and year < first.year) or (last and year > last.year):
                continue
            found.extend(self.year_entries(year, first, last))
        return sorted(found, key=entry_key)

    def entries_read_once(
        self, first: date | None = None, last: date | None = None
    ) -> Iterator[list[Entry]]:
        """The entries whose day lies in [first, last] (either end open), a year at a time,
        oldest year first, each year in time order: what `entries` gives, without holding
        more than one year (a whole-diary export streams them).

        A year file is decoded straight into checked `Entry` values by msgspec (the same
        declared rules as `Entry.from_dict`, without a dict per entry first): three times
        faster than `year_entries`. A file msgspec refuses is read again by `year_entries`,
        which names the file, the entry and the problem. The diary is opened (an interrupted
        change completed) when this is called, not when the first year is taken.
        """
        self.open()
        return self._years_decoded(first, last)

    def _years_decoded(self, first: date | None, last: date | None) -> Iterator[list[Entry]]:
        low = first.isoformat() if first else ""
        high = last.isoformat() if last else "9999"
        for year in self.years():
            if (first and year < first.year) or (last and year > last.year):
                continue
            start = max(first, date(year, 1, 1)) if first else date(year, 1, 1)
            end = min(last, date(year, 12, 31)) if last else date(year, 12, 31)
            if (end - start).days < FEW_DAYS:  # a week's summary: build only those entries
                yield self.year_entries(year, first, last)
                continue
            yield sorted(
                (e for e in self._decoded_year(year) if low <= e.day <= high), key=entry_key
            )

    def checked_entries(
        self, first: date | None = None, last: date | None = None
    ) -> Iterator[list[CheckedEntry]]:
        """As `entries_read_once`, as `CheckedEntry` values (see there): for reads of the
        whole diary that only pass entries on. Opens the diary when called, as that does."""
        self.open()
        return self._years_checked(first, last)

    def _years_checked(self, first: date | None, last: date | None) -> Iterator[list[CheckedEntry]]:
        for year in self.years():
            if (first and year < first.year) or (last and year > last.year):
                continue
            low = first.isoformat() if first else ""
            high = last.isoformat() if last else "9999"
            yield [e for e in self._checked_year(year) if low <= e.at[:10] <= high]

    def _checked_year(self, year: int) -> list[CheckedEntry]:
        """A year's entries in time order (by instant, then id)."""
        found = self._year_in_form(year)
        if found is None:  # read again whole, which names the problem
            return [msgspec.convert(e.to_dict(), CheckedEntry) for e in self.year_entries(year)]
        entries, instants = found
        # Aware times compare as instants; ids are unique, so no two entries are compared.
        ordered = sorted(zip(instants, (e.id for e in entries), entries, strict=True))
        return [entry for _, _, entry in ordered]

    def proven_year(self, year: int) -> list[CheckedEntry] | None:
        """A year file's entries, in the file's order, each proved to keep every rule of an
        entry (`check` reads the diary so); None if any does not, or the file does not parse:
        then going through its documents one by one names each problem."""
        found = self._year_in_form(year)
        return found[0] if found is not None and rules_hold(found[0]) else None

    def _year_in_form(self, year: int) -> tuple[list[CheckedEntry], list[datetime]] | None:
        """A year file's entries with their ids, and their times; each field's type, range
        and form checked (not the rules across fields). None if one fails, or the file does
        not parse; nothing (two empty lists) if there is no file."""
        raw = read_if_there(self.year_path(year))
        if raw is None:
            return [], []
        try:
            with no_collection():
                documents = _checked_decoder().decode(raw)[ENTRIES]
            entries = list(documents.values())
            ids = [int(key) if key.isdigit() else -1 for key in documents]
            if not forms_hold(entries) or min(ids, default=0) < 0:
                return None
            # The times' form is checked, so msgspec parses them all at once, in C.
            instants = msgspec.convert([entry.at for entry in entries], list[datetime])
        except (msgspec.ValidationError, msgspec.DecodeError, KeyError):
            return None
        if any(instant.year != year for instant in instants):
            return None
        for entry, key in zip(entries, ids, strict=True):
            entry.id = key  # a stored document keeps its id as its key
        return entries, instants

    def decoded_year(self, year: int) -> dict[str, Entry] | None:
        """A year file's entries by id, decoded and checked in C; None if any breaks a rule
        (then `entry_from` on each document names the problems)."""
        try:
            return {str(e.id): e for e in self._decoded_year(year, quiet=True)}
        except _Refused:
            return None

    def _decoded_year(self, year: int, quiet: bool = False) -> list[Entry]:
        path = self.year_path(year)
        raw = read_if_there(path)
        if raw is None:
            return []
        try:
            with no_collection():
                documents = _entries_decoder().decode(raw)[ENTRIES]
        except (msgspec.ValidationError, msgspec.DecodeError, InvalidEntry, KeyError, ValueError):
            if quiet:
                raise _Refused from None
            return self.year_entries(year)  # raises CorruptDiary naming the problem
        found = []
        for key, entry in documents.items():
            if not key.isdigit() or entry.at.year != year:
                if quiet:
                    raise _Refused
                return self.year_entries(year)  # says which entry is out of place
            force_setattr(entry, "id", int(key))  # a stored document keeps its id as its key
            found.append(entry)
        return found

    def newest(
        self,
        limit: int | None,
        keep: Callable[[Entry], bool] = lambda entry: True,
        first: date | None = None,
        last: date | None = None,
    ) -> list[Entry]:
        """The newest `limit` entries (all if None) that pass `keep`, oldest first.

        Reads year files newest first and stops once it has enough; within a year it builds
        entries newest first and stops as soon as no older one can make the list.
        """
        self.open()
        found: list[Entry] = []
        for year in reversed(self.years()):
            if (first and year < first.year) or (last and year > last.year):
                continue
            if limit:
                found.extend(self._newest_in_year(year, limit, keep, first, last))
            else:
                found.extend(e for e in self.year_entries(year, first, last) if keep(e))
            if limit and len(found) >= limit:
                break
        found.sort(key=entry_key)
        return found[-limit:] if limit else found

    def _newest_in_year(
        self,
        year: int,
        limit: int,
        keep: Callable[[Entry], bool],
        first: date | None,
        last: date | None,
    ) -> list[Entry]:
        """Up to the `limit` newest entries of one year passing `keep` and the day range.

        Documents are visited by wall time, newest first. An instant is at most 12 h after its
        wall time (offsets run from -12:00 to +14:00), so once `limit` entries are kept, a
        document whose wall time is over 12 h before the oldest of them cannot be newer.
        """
        low = first.isoformat() if first else ""
        high = last.isoformat() if last else "9999"
        candidates = []
        for key, document in self._stored_documents(year).items():
            at = document.get("at") if isinstance(document, dict) else document.at
            if not (isinstance(at, str) and at[4:5] == at[7:8] == "-"):
                self._readable(year, key, document)  # anything odd is built, so it is reported
                continue
            if low <= at[:10] <= high:
                candidates.append((at[:19], key, document))
        candidates.sort(reverse=True)
        kept: list[Entry] = []
        newest_instants: list[datetime] = []  # a min-heap of the kept instants (UTC, naive)
        for wall, key, document in candidates:
            if len(newest_instants) == limit:
                try:
                    wall_time = datetime.fromisoformat(wall)
                except ValueError:
                    wall_time = None  # built below, which reports it
                if wall_time is not None and wall_time + MAX_OFFSET_AHEAD < newest_instants[0]:
                    break
            entry = self._readable(year, key, document)
            if entry is not None and keep(entry):
                kept.append(entry)
                instant = entry.at.astimezone(UTC).replace(tzinfo=None)
                if len(newest_instants) < limit:
                    heapq.heappush(newest_instants, instant)
                else:
                    heapq.heappushpop(newest_instants, instant)
        return kept

    def day_facts(
        self, first: date, last: date, *, all_scores: bool = False
    ) -> dict[date, DayFacts]:
        """Each logged day of [first, last] as `DayFacts`: pain, flare mark and tags (what the
        flare rules read), and with `all_scores` the other scores, sleep and meds too. They
        are read without building whole entries: msgspec decodes and checks just those
        fields of every document, so the year of history before a summary or flares costs a
        few milliseconds instead of tens.

        A file whose documents lack those fields or hold bad values is read again whole, so
        the error names the file, the entry and the problem.
        """
        self.open()
        found: dict[date, DayFacts] = {}
        for year in self.years():
            if first.year <= year <= last.year:
                days = self._year_days(year, all_scores).items()
                found.update((d, f) for d, f in days if first <= d <= last)
        return dict(sorted(found.items()))

    def _year_days(self, year: int, all_scores: bool) -> dict[date, DayFacts]:
        """Every logged day of a year (kept: a review reads a year for several windows)."""
        if ("days", year, all_scores) in self._parsed:
            return self._parsed["days", year, all_scores]  # type: ignore[no-any-return]
        by_day: dict[str, list[Any]] = {}
        for key, doc in self._entry_facts(year, all_scores).items():
            if not doc.at[4:5] == doc.at[7:8] == "-" and (  # not a time: set aside
                self._readable(year, key, self.year_documents(year)[key]) is None
            ):
                continue
            by_day.setdefault(doc.at[:10], []).append(doc)
        result = {}
        for day, docs in by_day.items():
            try:
                when = date.fromisoformat(day)
            except ValueError:
                raise CorruptDiary(f"a document in the diary has a bad date {day!r}") from None
            # (list comprehensions: about twice as fast here as tuple(generator))
            pains = tuple([d.pain for d in docs if d.pain is not None])
            marked = True in [d.flare for d in docs]
            tags = tuple(sorted({t for d in docs for t in d.tags}))
            if not all_scores:
                result[when] = DayFacts(when, pains, marked, tags)
                continue
            result[when] = DayFacts(
                when,
                pains,
                marked,
                tags,
                fatigue=tuple([d.fatigue for d in docs if d.fatigue is not None]),
                fog=tuple([d.fog for d in docs if d.fog is not None]),
                stiffness=tuple([d.stiffness for d in docs if d.stiffness is not None]),
                exertion=tuple([d.exertion for d in docs if d.exertion is not None]),
                sleep_quality=tuple([d.sleep_quality for d in docs if d.sleep_quality is not None]),
                sleep_hours=tuple([d.sleep_hours for d in docs if d.sleep_hours is not None]),
                meds=frozenset([m.name for d in docs for m in d.meds]),
            )
        self._parsed["days", year, all_scores] = result
        return result

    def _entry_facts(self, year: int, all_scores: bool) -> dict[str, PainFacts]:
        path = self.year_path(year)
        raw = read_if_there(path)
        if raw is None:
            return {}
        try:
            with no_collection():
                return _facts_decoder(all_scores).decode(raw)[ENTRIES]
        except (msgspec.ValidationError, msgspec.DecodeError, KeyError):
            pass
        # An entry breaks a rule (or the file is damaged, which year_documents reports): the
        # facts of the entries that are whole, the others set aside.
        documents = self.year_documents(year)
        whole = {k: d for k, d in documents.items() if self._readable(year, k, d) is not None}
        kind = EntryFacts if all_scores else PainFacts
        return msgspec.convert(whole, dict[str, kind])  # type: ignore[valid-type]

    def _find(self, entry_id: int) -> tuple[int, Entry]:
        year, document = self._find_document(entry_id)
        return year, self.entry_from(year, str(entry_id), document)

    def _find_document(self, entry_id: int) -> tuple[int, dict[str, Any]]:
        """The year file holding an id, and the entry, parsing only that year.

        An id's year is not known from the id (an entry may be dated years back), so the
        files are searched, newest first, as bytes: in the compact JSON the diary writes, the
        text `"57":{` can only be the key of document 57 (a quote inside a string is escaped,
        and symptom scores are numbers). A file in any other layout is parsed instead.
        """
        key = b'"%d":{' % entry_id
        for year in reversed(self.years()):
            path = self.year_path(year)
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise FibrologError(f"cannot read {path}: {error.strerror}") from None
            if raw.startswith(b'{"entries":{') and key not in raw:
                continue
            document = self.year_documents(year).get(str(entry_id))
            if document is not None:
                return year, document
        raise NotFound(f"there is no entry #{entry_id}; `fibrolog list` shows the ids")

    def get(self, entry_id: int, mending: dict[str, Any] | None = None) -> Entry:
        """The entry with this id. An entry set aside (see BadEntry) is refused with how to
        mend it, unless `mending` (the changes an edit is about to make) replaces every bad
        value: then it is read with those changes made, so that the edit can store it."""
        self.open()
        year, document = self._find_document(entry_id)
        try:
            return self.entry_from(year, str(entry_id), document)
        except BadEntry as error:
            if mending:
                with contextlib.suppress(InvalidEntry, TypeError):
                    return Entry.build(**{**document, **mending, "id": entry_id})
            raise FibrologError(
                f"entry #{entry_id} has a bad value ({error.problem}), so it is left out "
                f"until mended; mend it with: {error.mend()}"
            ) from None

    def has_entries_on(self, day: date) -> bool:
        self.open()
        return day.year in self.years() and bool(self.year_entries(day.year, day, day))

    def count(self) -> int:
        """How many entries there are, without parsing every year: in the compact JSON the
        diary writes, each document starts `{"uid":"` and nothing else can (a quote inside a
        string is escaped; a symptom named uid has a number). Other layouts are parsed."""
        self.open()
        total = 0
        for year in self.years():
            raw = self.year_path(year).read_bytes()
            if raw.startswith(b'{"entries":{'):
                total += raw.count(b'{"uid":"')
            else:
                total += len(self.year_documents(year))
        return total
