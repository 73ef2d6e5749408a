"""The diary folder (SPEC §1): meta.json, one TinyDB file per year, backups, one lock.

The only module that imports TinyDB. It hands out `Entry` models, never TinyDB Documents.
Writers hold the exclusive lock for the whole read-modify-write; readers need no lock because
every file is replaced atomically. A file that does not parse or has the wrong shape raises
CorruptDiary before anything is written, so a damaged file is never overwritten; recovery.py
finds the problems and repairs them.
"""

import contextlib
import functools
import gc
import heapq
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct
from msgspec.structs import replace
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from fibrolog.errors import CorruptDiary, FibrologError, NotFound
from fibrolog.models import (
    FIELDS,
    Course,
    DayFacts,
    Entry,
    Hours,
    InvalidEntry,
    Score,
    explain,
)
from fibrolog.store.safefile import atomic_write, ensure_private_dir, exclusive_lock

ENTRIES = "entries"
COURSES = "treatments"
STORED_FIELDS = frozenset(FIELDS) - {"id"}  # a stored document keeps its id as its key
META = "_meta"
KEEP_BACKUPS = 20
MAX_OFFSET_AHEAD = timedelta(hours=12)  # UTC offsets run from -12:00 to +14:00

Tables = dict[str, dict[str, Any]]
# The diary's own files; a temporary copy of one (see safefile.atomic_write) is
# ".<name>.<pid>.tmp", and a damaged one that `salvage` moved aside "<name>.damaged-<time>".
DIARY_FILE = r"(?:meta|assessments|treatments|\d{4})\.json"
TEMP_FILE = re.compile(rf"\.{DIARY_FILE}\.\d+\.tmp")
DAMAGED_COPY = re.compile(rf"{DIARY_FILE}\.damaged-\d{{8}}T\d{{6}}")

# Ordered migrations: MIGRATIONS[i] takes a diary folder from schema i + 1 to schema i + 2.
# Each is a small function of the folder, run under the lock after a full backup.
MIGRATIONS: list[Callable[[Path], None]] = []


def current_schema() -> int:
    return 1 + len(MIGRATIONS)


def load_tables(path: Path, expected: str, document: type[Struct] | None = None) -> Tables | None:
    """Parse a TinyDB file strictly: None if missing, else {table: {id: document}}.

    With `document`, the documents are decoded (and checked) as that declared type instead
    of dicts; a file with a document that does not fit is reported with the first problem.
    """
    try:
        return _load_tables(path, expected, document)
    except CorruptDiary as error:
        raise CorruptDiary(str(error), path) from None


@contextmanager
def _no_collection() -> Iterator[None]:
    """Pause the garbage collector while a year file is parsed. Parsing makes ~50 000 objects
    and no cycles, and the collector would walk them over and over: the parse takes ~7 ms
    with it and ~2 ms without."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@functools.cache
def _decoder(document: type[Struct]) -> msgspec.json.Decoder[Tables]:
    return msgspec.json.Decoder(dict[str, dict[str, document]])  # type: ignore[valid-type]


def _load_tables(path: Path, expected: str, document: type[Struct] | None) -> Tables | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise FibrologError(f"cannot read {path}: {error.strerror}") from None
    refused = False
    try:
        with _no_collection():
            try:
                data = _decoder(document).decode(raw) if document else msgspec.json.decode(raw)
            except msgspec.ValidationError:  # valid JSON, but not what was declared
                refused = True
                data = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise CorruptDiary(f"{path} is damaged: {_diagnosis(error)}") from None
    if not isinstance(data, dict):
        raise CorruptDiary(f"{path} is damaged: expected a JSON object of tables")
    if expected not in data:
        raise CorruptDiary(f"{path} is damaged: it has no table '{expected}'")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptDiary(f"{path} is damaged: table '{name}' is not an object")
        for key, body in table.items():
            if not key.isdigit() or not isinstance(body, dict | Struct):
                raise CorruptDiary(f"{path} is damaged: table '{name}' has a bad document {key!r}")
    if refused and document:  # the tables are whole, so a document is wrong: name it
        for key, body in data[expected].items():
            try:
                msgspec.convert(body, document)
            except msgspec.ValidationError as error:
                raise CorruptDiary(f"{path} is damaged: entry #{key}: {explain(error)}") from None
    return data


def _diagnosis(error: msgspec.DecodeError) -> str:
    """What is wrong with a file that does not parse, in the user's words."""
    if "truncated" in str(error):
        return "it is cut off (truncated)"
    detail = str(error).removeprefix("JSON is malformed: ")
    detail = re.sub(r" [(](byte \d+)[)]", r" at \1", detail)  # one pair of brackets
    return f"it is not valid JSON ({detail})"


def table_of(file_name: str) -> str:
    """The table a diary file must hold, by its name."""
    tables = {"meta.json": META, "assessments.json": "assessments", "treatments.json": COURSES}
    tables["changes.json"] = "deleted"  # issue 19: tombstones and edit times (store/changes.py)
    return tables.get(file_name, ENTRIES)


def dump_tables(data: Tables) -> bytes:
    """Compact UTF-8 JSON (what json.dumps gives with ensure_ascii=False, no spaces)."""
    return msgspec.json.encode(data)


class AtomicJSONStorage(Storage):
    """TinyDB's storage seam: strict reads, atomic private writes, and a read cache.

    TinyDB's JSONStorage rewrites the file in place (a crash can truncate it) and re-reads the
    file on every table operation. This one keeps what it parsed or wrote, so an insert reads
    the file once; an instance lives only as long as one locked operation.
    """

    def __init__(
        self,
        path: Path,
        table: str = ENTRIES,  # the table the file must hold
        document: type[Struct] | None = None,  # see `load_tables`
    ) -> None:
        self.path = path
        self.table = table
        self.document = document
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            self._data = load_tables(self.path, self.table, self.document)
        return self._data

    def write(self, data: Tables) -> None:
        self._data = None  # if the write fails, the next read goes back to the file
        atomic_write(self.path, dump_tables(data))
        self._data = data

    def close(self) -> None:
        self._data = None


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
    sleep_quality: Score | None
    sleep_hours: Hours | None
    meds: list[StoredMed]


@functools.cache
def _facts_decoder(all_scores: bool) -> msgspec.json.Decoder[dict[str, dict[str, PainFacts]]]:
    """The decoder of a year file's light facts: the flare rules' (summary, flares) or, with
    `all_scores`, a review's. Made on first use: an add needs neither."""
    kind = EntryFacts if all_scores else PainFacts
    return msgspec.json.Decoder(dict[str, dict[str, kind]])  # type: ignore[valid-type]


class Meta(Struct, frozen=True):
    schema: int
    next_id: int


class Backup(Struct, frozen=True):
    path: Path
    made: datetime
    files: tuple[Path, ...]


def _backup_stamp(name: str) -> tuple[datetime, int] | None:
    """A backup folder's name, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSS-N`, as (when made, N).

    None for any other name. (Parsed by hand: strptime costs ~2 ms to load on every `add`.)
    """
    stamp, dash, suffix = name.partition("-")
    digits = stamp[:8] + stamp[9:]
    if len(stamp) != 15 or stamp[8] != "T" or not (digits.isascii() and digits.isdigit()):
        return None
    if dash and not (suffix.isascii() and suffix.isdigit()):
        return None
    try:
        made = datetime(
            int(stamp[:4]),
            int(stamp[4:6]),
            int(stamp[6:8]),
            int(stamp[9:11]),
            int(stamp[11:13]),
            int(stamp[13:]),
        )
    except ValueError:  # e.g. month 13
        return None
    return made, int(suffix or 1)


def _above_all(sources: Iterable[tuple[Path, str]]) -> int:
    """The lowest id above every id the readable files of `sources` know: the keys of each
    one's table (meta.json's own table holds none) and the counter (`_meta` next_id) it holds.
    A file that is missing or does not parse is passed over."""
    highest = [1]
    for path, table in sources:
        try:
            tables = load_tables(path, table) or {}
        except CorruptDiary:
            continue
        if table != META:
            highest += [int(key) + 1 for key in tables.get(table, {})]
        counter = tables.get(META, {}).get("1", {}).get("next_id")
        highest += [counter] if isinstance(counter, int) else []
    return max(highest)


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


class Diary:
    """One diary folder. Cheap to create; touches the disk only when asked."""

    def __init__(self, folder: Path, *, lock_timeout: float = 10.0) -> None:
        self.folder = folder
        self.lock_timeout = lock_timeout
        self.meta_path = folder / "meta.json"
        self.lock_path = folder / ".lock"
        self.backups_dir = folder / "backups"
        self._checked = False
        # The light day facts this instance read, by year, so that a command reading a year
        # twice (a review's windows, say) parses it once. Every change, made under the lock,
        # clears them.
        self._parsed: dict[tuple[Any, ...], Any] = {}

    # -- files -------------------------------------------------------------------------------

    def year_path(self, year: int) -> Path:
        return self.folder / f"{year:04d}.json"

    def years(self) -> list[int]:
        """The years that have a file, ascending."""
        try:
            found = os.scandir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        with found:  # not Path.glob: its pattern is compiled to a regex on every run
            return sorted(
                int(e.name[:4])
                for e in found
                if len(e.name) == 9
                and e.name.endswith(".json")
                and e.name[:4].isdigit()
                and e.name[:4].isascii()
                and e.is_file()
            )

    def exists(self) -> bool:
        return any(
            path.exists() for path in (self.meta_path, self.courses_path, self.assessments_path)
        ) or bool(self.years())

    def read_meta(self) -> Meta:
        """meta.json, checked; a fresh diary has schema 1 and next id 1."""
        tables = load_tables(self.meta_path, META)
        if tables is None:
            if self.years():
                raise CorruptDiary(
                    f"{self.meta_path} is missing but year files exist", self.meta_path
                )
            return Meta(schema=current_schema(), next_id=1)
        record = tables[META].get("1")
        schema = record.get("schema") if record else None
        next_id = record.get("next_id") if record else None
        if not isinstance(schema, int) or not isinstance(next_id, int) or next_id < 1:
            raise CorruptDiary(
                f"{self.meta_path} is damaged: no valid 'schema' and 'next_id'", self.meta_path
            )
        if schema > current_schema():
            raise CorruptDiary(
                f"{self.meta_path} has schema {schema}, made by a newer fibrolog; "
                "upgrade fibrolog to open this diary"
            )  # no path: the file is whole, so no backup should replace it
        return Meta(schema, next_id)

    def _write_meta(self, meta: Meta) -> None:
        data = {META: {"1": {"schema": meta.schema, "next_id": meta.next_id}}}
        atomic_write(self.meta_path, dump_tables(data))

    def open(self, every_year: bool = True) -> Meta:
        """Check the diary before use: meta.json whole, year files not truncated, schema current.

        The year-file check reads only each file's last bytes (a cut-off JSON file does not end
        in '}'), so it costs little for ten years; full parsing happens per year when a command
        reads that year. An add, which reads no year but the one it writes (and parses that
        whole), skips it (`every_year=False`): at 100 000 entries it was 55 files opened.
        """
        meta = self.read_meta()
        if every_year and not self._checked:
            for year in self.years():
                path = self.year_path(year)
                with path.open("rb") as file:
                    file.seek(max(0, file.seek(0, os.SEEK_END) - 16))
                    whole = file.read().rstrip().endswith(b"}")
                if not whole:
                    load_tables(path, ENTRIES)  # says what is wrong
                    raise CorruptDiary(f"{path} is damaged: it is cut off (truncated)", path)
            self._checked = True
        if meta.schema < current_schema():
            meta = self._migrate(meta)
        return meta

    def _migrate(self, meta: Meta) -> Meta:
        with self.locked():
            meta = self.read_meta()
            if meta.schema >= current_schema():
                return meta
            self.backup(self.data_files())
            for migration in MIGRATIONS[meta.schema - 1 :]:
                migration(self.folder)
            meta = replace(meta, schema=current_schema())
            self._write_meta(meta)
            return meta

    # -- issue 19: tombstones and edit times for merges (store/changes.py) -------------------

    @property
    def changes_path(self) -> Path:
        from fibrolog.store.changes import NAME  # loaded by the commands that change things

        return self.folder / NAME

    def _record_change(
        self,
        *,
        deleted: list[tuple[str, str, int]] | None = None,
        edited: list[dict[str, Any]] | None = None,
        when: datetime | None,
    ) -> None:
        from fibrolog.store.changes import record

        record(self.folder, deleted=deleted, edited=edited, when=when)

    def data_files(self) -> list[Path]:
        files = [self.meta_path, *(self.year_path(y) for y in self.years())]
        files += [self.assessments_path, self.courses_path, self.changes_path]  # issue 19
        return [f for f in files if f.exists()]

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the diary's lock; first remove the temporary files of writers that are gone.

        A temporary file is only ever written under this lock, so one found while holding it
        belongs to a writer that was killed mid-save (it may hold part of a year's entries).
        """
        with exclusive_lock(self.lock_path, self.lock_timeout):
            for path in self.stale_temp_files():
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            self._parsed.clear()  # what was read before the lock may be out of date
            try:
                yield
            finally:
                self._parsed.clear()

    def stale_temp_files(self) -> list[Path]:
        """Temporary files left in the diary folder by writers that did not finish."""
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(self.folder / name for name in names if TEMP_FILE.fullmatch(name))

    def damaged_copies(self) -> list[Path]:
        """Damaged files that `salvage` moved aside (kept, never read)."""
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(self.folder / name for name in names if DAMAGED_COPY.fullmatch(name))

    def _open_year(self, year: int, adding_only: bool = False) -> Any:
        """A TinyDB table of one year, already parsed and its shape checked.

        Writers open every file they will change before writing any, so a damaged file stops
        the operation while all files are still as they were. TinyDB then works from the
        storage's cached parse instead of reading the file again.

        A writer that only adds entries reads the year's documents as `StoredEntry` values:
        msgspec checks every field of every entry as it decodes them, in C, twice as fast as
        building dicts; they are written back byte for byte. Other writers get dicts, each
        with exactly the entry fields; their values are checked whenever an entry is read,
        and by `fibrolog check`.
        """
        document = StoredEntry if adding_only else None
        db = TinyDB(self.year_path(year), storage=AtomicJSONStorage, document=document)
        tables = db.storage.read() or {}
        if adding_only:
            return db.table(ENTRIES, cache_size=0)
        for key, document in tables.get(ENTRIES, {}).items():
            if document.keys() != STORED_FIELDS:
                self.entry_from(year, key, document)  # names the problem (missing or extra field)
                raise CorruptDiary(
                    f"{self.year_path(year)} is damaged: entry #{key} has the wrong fields"
                )
        return db.table(ENTRIES, cache_size=0)

    # -- reading -----------------------------------------------------------------------------

    def year_documents(self, year: int) -> dict[str, Any]:
        """A year file's entries as stored: {id: document}, not yet checked.

        Not kept: a whole-diary read (export, list -n 0) lets go of each year once read."""
        tables = load_tables(self.year_path(year), ENTRIES)
        return tables[ENTRIES] if tables else {}

    def entry_from(self, year: int, key: str, document: dict[str, Any]) -> Entry:
        """The entry a stored document of `year` holds; CorruptDiary names the file, the
        entry and the first problem if the document breaks a rule or belongs to another year."""
        try:
            entry = Entry.from_dict(document, id=int(key))
        except InvalidEntry as error:
            raise CorruptDiary(
                f"{self.year_path(year)} is damaged: entry #{key}: {error}", self.year_path(year)
            ) from None
        if entry.at.year != year:
            raise CorruptDiary(
                f"{self.year_path(year)}: entry #{key} belongs to {entry.at.year}",
                self.year_path(year),
            )
        return entry

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
            found.append(self.entry_from(year, key, document))
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
        for key, document in self.year_documents(year).items():
            at = document.get("at")
            if not (isinstance(at, str) and at[4:5] == at[7:8] == "-"):
                self.entry_from(year, key, document)  # anything odd is built, so it is reported
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
            entry = self.entry_from(year, key, document)
            if keep(entry):
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
            if not doc.at[4:5] == doc.at[7:8] == "-":  # not a time: say what is wrong
                self.entry_from(year, key, self.year_documents(year)[key])
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
                sleep_quality=tuple([d.sleep_quality for d in docs if d.sleep_quality is not None]),
                sleep_hours=tuple([d.sleep_hours for d in docs if d.sleep_hours is not None]),
                meds=frozenset([m.name for d in docs for m in d.meds]),
            )
        self._parsed["days", year, all_scores] = result
        return result

    def _entry_facts(self, year: int, all_scores: bool) -> dict[str, PainFacts]:
        path = self.year_path(year)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise FibrologError(f"cannot read {path}: {error.strerror}") from None
        try:
            with _no_collection():
                return _facts_decoder(all_scores).decode(raw)[ENTRIES]
        except (msgspec.ValidationError, msgspec.DecodeError, KeyError):
            for key, document in self.year_documents(year).items():  # names the problem
                self.entry_from(year, key, document)
            raise CorruptDiary(f"{path} is damaged: an entry has the wrong fields", path) from None

    def _find(self, entry_id: int) -> tuple[int, Entry]:
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
                return year, self.entry_from(year, str(entry_id), document)
        raise NotFound(f"there is no entry #{entry_id}; `fibrolog list` shows the ids")

    def get(self, entry_id: int) -> Entry:
        self.open()
        return self._find(entry_id)[1]

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

    # -- writing -----------------------------------------------------------------------------

    def add(self, entry: Entry) -> Entry:
        """Store a new entry with the next id. Reads and writes meta.json and one year file."""
        return self.add_many([entry])[0]

    def add_many(self, entries: Iterable[Entry]) -> list[Entry]:
        """Store new entries in one batch: meta.json once, each year file once."""
        with self.locked():
            return self._insert(self.open(every_year=False), list(entries))

    def _insert(self, meta: Meta, pending: list[Entry]) -> list[Entry]:
        """Give `pending` the next ids and write them; the caller holds the lock."""
        stored = [replace(e, id=meta.next_id + i) for i, e in enumerate(pending)]
        if not stored:
            return []
        by_year: dict[int, list[Entry]] = {}
        for entry in stored:
            by_year.setdefault(entry.at.year, []).append(entry)
        tables = {year: self._open_year(year, adding_only=True) for year in sorted(by_year)}
        self._daily_snapshot([self.meta_path, *(self.year_path(y) for y in tables)])
        # meta.json first: a crash after it wastes ids but can never hand one out twice.
        self._write_meta(replace(meta, next_id=meta.next_id + len(stored)))
        for year, batch in by_year.items():
            # Let go of each year once written: a 100k import would otherwise hold every year.
            tables.pop(year).insert_multiple(
                Document(entry_document(e), doc_id=e.id) for e in batch
            )
        return stored

    def update(self, entry: Entry, when: datetime | None = None) -> Entry:
        """Replace the stored entry with the same id (an edit), backing up first; the edit's
        time (`when`, default now) goes to changes.json for merges (issue 19)."""
        with self.locked():
            self.open()
            old_year, _ = self._find(entry.id)
            new_year = entry.at.year
            if not self.year_path(new_year).exists():
                # A move into a year without a file: make it, empty, so that the backup holds
                # it as it was, and restoring the backup takes the moved entry out of it again
                # (else the entry would be in both years after a restore).
                atomic_write(self.year_path(new_year), dump_tables({ENTRIES: {}}))
            tables = {year: self._open_year(year) for year in {old_year, new_year}}
            self.backup([self.year_path(y) for y in tables])
            # Write the new place first: a crash in between leaves a duplicate, never a loss.
            tables[new_year].upsert(Document(entry_document(entry), doc_id=entry.id))
            if new_year != old_year:
                tables[old_year].remove(doc_ids=[entry.id])
            self._record_change(edited=[entry_document(entry)], when=when)  # issue 19
            return entry

    def delete(self, entry_ids: Iterable[int], when: datetime | None = None) -> list[Entry]:
        """Remove entries after backing up the files they live in. Ids are never reused.
        Each leaves a tombstone (uid and `when`) in changes.json, so that no merge brings it
        back (issue 19)."""
        with self.locked():
            self.open()
            found = [self._find(i) for i in dict.fromkeys(entry_ids)]
            tables = {year: self._open_year(year) for year in sorted({y for y, _ in found})}
            self.backup([*(self.year_path(y) for y in tables), self.changes_path])
            gone = [(e.uid, "entry", e.id) for _, e in found]
            self._record_change(deleted=gone, when=when)  # issue 19
            for year, table in tables.items():
                table.remove(doc_ids=[e.id for y, e in found if y == year])
            return [entry for _, entry in found]

    def import_entries(self, entries: Iterable[Entry]) -> tuple[list[Entry], int]:
        """Add entries whose uid the diary lacks; returns (added, skipped count)."""
        incoming = list(entries)
        with self.locked():
            meta = self.open()
            known = {
                doc.get("uid") for y in self.years() for doc in self.year_documents(y).values()
            }
            fresh: list[Entry] = []
            for entry in incoming:
                if entry.uid not in known:
                    known.add(entry.uid)
                    fresh.append(entry)
            if fresh:
                years = sorted({e.at.year for e in fresh})
                self.backup([self.meta_path, *(self.year_path(y) for y in years)])
                from fibrolog.store.changes import lift  # issue 19: imported on purpose

                lift(self.folder, [e.uid for e in fresh])
            return self._insert(meta, fresh), len(incoming) - len(fresh)

    def clear(self) -> Path | None:
        """Empty the diary (for `demo --force`): everything is backed up first."""
        with self.locked():
            files = self.data_files()
            backup = self.backup(files)
            # Year files before meta.json: a crash part-way leaves meta.json with no years
            # (an empty diary that keeps its id counter), never years without their meta.
            for path in sorted(files, key=lambda p: p == self.meta_path):
                path.unlink()
            self._checked = False
            return backup

    def _daily_snapshot(self, files: list[Path]) -> None:
        """Back up the files an add will change when the newest backup is over a day old,
        so that a diary that only ever grows still has a way back from a damaged file."""
        newest = self._newest_backup_time()
        if newest is not None and datetime.now() - newest < timedelta(days=1):
            return
        self.backup(files)

    # -- self-assessments ---------------------------------------------------------------------

    @property
    def assessments_path(self) -> Path:
        return self.folder / "assessments.json"

    def add_assessment(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a scored questionnaire (its dict form); returns it with its id.

        Assessments are never deleted, so the next id is one above the highest stored.
        """
        with self.locked():
            self.open()
            db = TinyDB(self.assessments_path, storage=AtomicJSONStorage, table="assessments")
            tables = db.storage.read() or {}
            next_id = 1 + max((int(k) for k in tables.get("assessments", {})), default=0)
            body = {k: v for k, v in record.items() if k != "id"}
            db.table("assessments", cache_size=0).insert(Document(body, doc_id=next_id))
            return {"id": next_id, **body}

    def import_assessments(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Add the self-assessments the diary lacks (the same kind at the same time is the
        same one); returns (added, skipped)."""
        incoming = list(records)
        known = {(a["kind"], a["at"]) for a in self.assessments()}
        fresh = [r for r in incoming if (r["kind"], r["at"]) not in known]
        if fresh:
            with self.locked():
                self.backup([self.assessments_path])
            for record in fresh:
                self.add_assessment(record)
        return len(fresh), len(incoming) - len(fresh)

    def assessments(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Stored assessments, oldest first (by `at`)."""
        self.open()
        tables = load_tables(self.assessments_path, "assessments") or {}
        found = []
        for key, body in tables.get("assessments", {}).items():
            if not isinstance(body.get("kind"), str) or not isinstance(body.get("at"), str):
                raise CorruptDiary(
                    f"{self.assessments_path} is damaged: assessment #{key} lacks kind or at",
                    self.assessments_path,
                )
            if kind is None or body["kind"] == kind:
                found.append({"id": int(key), **body})
        return sorted(found, key=lambda a: (datetime.fromisoformat(a["at"]), a["id"]))

    # -- treatment courses -------------------------------------------------------------------

    @property
    def courses_path(self) -> Path:
        return self.folder / "treatments.json"

    def courses(self) -> list[Course]:
        """Every treatment course, by start day (then id)."""
        tables = load_tables(self.courses_path, COURSES) or {}
        found = []
        for key, document in tables.get(COURSES, {}).items():
            try:
                found.append(Course.from_dict(document, id=int(key)))
            except InvalidEntry as error:
                raise CorruptDiary(
                    f"{self.courses_path} is damaged: course #{key}: {error}", self.courses_path
                ) from None
        return sorted(found, key=lambda c: (c.start, c.id))

    def add_course(self, course: Course) -> Course:
        """Store a new course with the next course id (never reused)."""
        return self.add_courses([course])[0]

    def add_courses(self, courses: Iterable[Course]) -> list[Course]:
        with self.locked():
            self.open()
            db = TinyDB(self.courses_path, storage=AtomicJSONStorage, table=COURSES)
            tables = db.storage.read() or {}
            counter = tables.get(META, {}).get("1", {}).get("next_id")
            known = (int(k) for k in tables.get(COURSES, {}))
            next_id = counter if isinstance(counter, int) else max(known, default=0) + 1
            self._daily_snapshot([self.courses_path])
            stored = [replace(c, id=next_id + i) for i, c in enumerate(courses)]
            if not stored:
                return []
            db.table(COURSES, cache_size=0).insert_multiple(
                Document(course_document(c), doc_id=c.id) for c in stored
            )
            db.table(META, cache_size=0).upsert(
                Document({"next_id": next_id + len(stored)}, doc_id=1)
            )
            return stored

    def update_course(self, course: Course, when: datetime | None = None) -> Course:
        """Replace the stored course with the same id, backing the file up first (the edit's
        time goes to changes.json, issue 19)."""
        with self.locked():
            self.open()
            db = TinyDB(self.courses_path, storage=AtomicJSONStorage, table=COURSES)
            if str(course.id) not in (db.storage.read() or {}).get(COURSES, {}):
                raise NotFound(f"there is no course #{course.id}; `fibrolog treatment list --all`")
            self.backup([self.courses_path])
            db.table(COURSES, cache_size=0).upsert(
                Document(course_document(course), doc_id=course.id)
            )
            self._record_change(edited=[course_document(course)], when=when)  # issue 19
            return course

    def import_courses(self, courses: Iterable[Course]) -> tuple[list[Course], int]:
        """Add the courses whose uid the diary lacks (new ids); returns (added, skipped)."""
        incoming = list(courses)
        known = {c.uid for c in self.courses()}
        fresh = [c for c in incoming if c.uid not in known]
        if fresh:
            with self.locked():
                self.backup([self.courses_path])
            return self.add_courses(fresh), len(incoming) - len(fresh)
        return [], len(incoming)

    def delete_course(self, course_id: int, when: datetime | None = None) -> Course:
        """Remove a course after backing the file up. Its id is never reused; it leaves a
        tombstone in changes.json (issue 19)."""
        with self.locked():
            self.open()
            found = {c.id: c for c in self.courses()}
            if course_id not in found:
                raise NotFound(f"there is no course #{course_id}; `fibrolog treatment list --all`")
            db = TinyDB(self.courses_path, storage=AtomicJSONStorage, table=COURSES)
            self.backup([self.courses_path, self.changes_path])
            gone = [(found[course_id].uid, "course", course_id)]
            self._record_change(deleted=gone, when=when)  # issue 19
            tables = db.storage.read() or {}
            if not isinstance(tables.get(META, {}).get("1", {}).get("next_id"), int):
                # keep the counter above the deleted id, so it is never handed out again
                db.table(META, cache_size=0).upsert(Document({"next_id": max(found) + 1}, doc_id=1))
            db.table(COURSES, cache_size=0).remove(doc_ids=[course_id])
            return found[course_id]

    # -- after a repair (see recovery.py) ----------------------------------------------------

    def ids_in_year_files(self) -> set[int]:
        """Every entry id in the year files that still parse."""
        ids: set[int] = set()
        for year in self.years():
            with contextlib.suppress(CorruptDiary):
                ids.update(int(key) for key in self.year_documents(year))
        return ids

    def settle_counter(self, known_ids: Iterable[int] = ()) -> Meta:
        """After files were put back or rebuilt: write meta.json with a next_id above every id
        the diary has handed out that can still be known (`known_ids`, the current counter and
        every backup's, every id in the year files and in the backups' copies of them: an
        entry deleted since is in a backup only), and check the files again on next open."""
        backups = self.backups()
        sources = [(self.meta_path, META), *((b.path / "meta.json", META) for b in backups)]
        sources += [(self.year_path(year), ENTRIES) for year in self.years()]
        sources += [(f, ENTRIES) for b in backups for f in b.files if f.name[:4].isdigit()]
        meta = Meta(current_schema(), max([_above_all(sources), *(i + 1 for i in known_ids)]))
        self._write_meta(meta)
        self._checked = False
        self._lift_tombstones_of_present()  # issue 19
        return meta

    def _lift_tombstones_of_present(self) -> None:
        """After a repair, an entry or course back in the diary is not deleted: take its
        tombstone away, or the next merge of copies would delete it again (issue 19)."""
        if not self.changes_path.exists():
            return
        uids: list[str] = []
        for year in self.years():
            with contextlib.suppress(CorruptDiary):
                uids += [str(doc.get("uid")) for doc in self.year_documents(year).values()]
        with contextlib.suppress(CorruptDiary):
            uids += [course.uid for course in self.courses()]
        from fibrolog.store.changes import lift

        with contextlib.suppress(CorruptDiary):
            lift(self.folder, uids)

    def course_counter(self, *at_least: int) -> int:
        """For treatments.json put back or rebuilt: a course counter above every course number
        still known (the current file's, and every course and counter in the backups' copies:
        a deleted course lives on only there), and at least each of `at_least`."""
        copies = [b.path / self.courses_path.name for b in self.backups()]
        return max(
            [_above_all((path, COURSES) for path in [self.courses_path, *copies]), *at_least]
        )

    # -- backups -----------------------------------------------------------------------------

    def backup(self, files: Iterable[Path], keeping: Path | None = None) -> Path | None:
        """Copy the existing `files` into backups/YYYYMMDDTHHMMSS/; keep the newest 20 (and
        the backup `keeping`, one being restored from)."""
        existing = [f for f in files if f.exists()]
        if not existing:
            return None
        ensure_private_dir(self.backups_dir)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        # Several backups in one second get -2, -3 …: always above any name of that second
        # still present, so a new backup never takes the place (and order) of a pruned one.
        same_second = [b for b in self.backups() if b.path.name.partition("-")[0] == stamp]
        order = max((int(b.path.name.partition("-")[2] or 1) for b in same_second), default=0)
        target = self.backups_dir / (f"{stamp}-{order + 1}" if order else stamp)
        ensure_private_dir(target)
        for source in existing:
            atomic_write(target / source.name, source.read_bytes())
        old = [b for b in self.backups()[:-KEEP_BACKUPS] if b.path != keeping]
        if old:
            import shutil  # only when a backup is pruned: it is not cheap to load

            for backup in old:
                shutil.rmtree(backup.path, ignore_errors=True)
        return target

    def backups(self) -> list[Backup]:
        """Backups, oldest first."""
        if not self.backups_dir.is_dir():
            return []
        found = []
        for path in self.backups_dir.iterdir():
            stamp = _backup_stamp(path.name)
            if stamp is None:
                continue
            files = tuple(sorted(f for f in path.iterdir() if f.suffix == ".json"))
            found.append((stamp, Backup(path, stamp[0], files)))
        return [backup for _, backup in sorted(found, key=lambda item: item[0])]

    def _newest_backup_time(self) -> datetime | None:
        """When the newest backup was made, from the folder names alone (cheap enough for add)."""
        try:
            names = os.listdir(self.backups_dir)
        except FileNotFoundError:
            return None
        stamps = [stamp for stamp in map(_backup_stamp, names) if stamp is not None]
        return max(stamps)[0] if stamps else None
