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
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Struct
from msgspec.structs import force_setattr, replace
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
    Slug,
    Uid,
    explain,
)
from fibrolog.regions import ALL_AREAS
from fibrolog.store import journal
from fibrolog.store.backups import Backup, list_backups, made_since, make_backup
from fibrolog.store.journal import Transaction
from fibrolog.store.safefile import atomic_write, exclusive_lock, make_private

ENTRIES = "entries"
COURSES = "treatments"
STORED_FIELDS = frozenset(FIELDS) - {"id"}  # a stored document keeps its id as its key
META = "_meta"
MAX_OFFSET_AHEAD = timedelta(hours=12)  # UTC offsets run from -12:00 to +14:00
# Fewer days of a year than this are read by building just their entries (from the year's
# dicts); more, by decoding the whole year straight into entries, which costs less per
# entry but builds every entry of the year.
FEW_DAYS = 60

Tables = dict[str, dict[str, Any]]
# The diary's own files; a temporary copy of one or of the journal (see safefile.stage) is
# ".<name>.<random>.tmp", and a damaged one that `salvage` moved aside "<name>.damaged-<time>".
DIARY_FILE = journal.TARGET  # meta.json, assessments.json, treatments.json, YYYY.json
TEMP_FILE = re.compile(rf"\.(?:{DIARY_FILE}|journal\.json)\.\w+\.tmp")
DAMAGED_COPY = re.compile(rf"{DIARY_FILE}\.damaged-\d{{8}}T\d{{6}}")


def add_exertion(folder: Path) -> None:
    """Schema 1 → 2: every stored entry gains `exertion` (null: not given), after its sleep
    quality. A year file keeps exactly the entry fields, so without this an entry from before
    would read as damaged; and an older fibrolog refuses schema 2 instead of calling the new
    key damage."""
    for year_file in sorted(folder.glob("[0-9][0-9][0-9][0-9].json")):
        tables = load_tables(year_file, ENTRIES)
        if tables is None:
            continue
        for key, document in tables[ENTRIES].items():
            if "exertion" not in document:
                fields = list(document.items())
                at = next((i + 1 for i, (k, _) in enumerate(fields) if k == "sleep_quality"), 0)
                tables[ENTRIES][key] = dict([*fields[:at], ("exertion", None), *fields[at:]])
        atomic_write(year_file, dump_tables(tables))


# Ordered migrations: MIGRATIONS[i] takes a diary folder from schema i + 1 to schema i + 2.
# Each is a small function of the folder, run under the lock after a full backup.
MIGRATIONS: list[Callable[[Path], None]] = [add_exertion]


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
        error.path = path
        raise error from None


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
                raise BadEntry(path, key, str(explain(error))) from None
    return data


class BadEntry(CorruptDiary):
    """One entry of a year file that parses breaks a rule (a value out of range, say). The
    entry is set aside: views leave it out with a warning, `edit` of it mends it, and other
    writes to its year wait until then (SPEC §1)."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path} is damaged: entry #{key}: {problem}", path)
        self.key = key
        self.problem = problem

    def set_aside(self) -> str:
        """One line for a view: the entry, what is wrong, how to mend it."""
        return (
            f"entry #{self.key} of {self.path.name if self.path else 'the diary'} is left out "
            f"({self.problem}); mend it with: {self.mend()}"
        )

    def waiting(self) -> str:
        """Why a write to its year waits, and how to go on."""
        return (
            f"{self.path.name if self.path else 'a year file'} holds entry #{self.key} with a "
            f"bad value ({self.problem}); it is kept as it is, and changes to that year wait "
            f"until it is mended: {self.mend()}"
        )

    def mend(self) -> str:
        """The edit that gives the bad field a value (an edit replaces a list it is given)."""
        field = self.problem.split(" ", 1)[0]
        options = {
            "at": "--at WHEN",
            "note": "--note TEXT",
            "flare": "--flare",
            "regions": "--where AREA",
            "tags": "--tag TAG",
            "meds": '--med "NAME DOSE"',
            "symptoms": "--symptom NAME=N",
        }
        if field in FIELDS and field not in ("id", "uid", "logged"):
            option = options.get(field, f"--{field.replace('_', '-')} N")
            return f"fibrolog edit {self.key} {option}"
        return f"fibrolog edit {self.key} with the right value"


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
        transaction: Transaction | None = None,  # writes wait for its commit
    ) -> None:
        self.path = path
        self.table = table
        self.document = document
        self.transaction = transaction
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            self._data = load_tables(self.path, self.table, self.document)
        return self._data

    def write(self, data: Tables) -> None:
        self._data = None  # if the write fails, the next read goes back to the file
        if self.transaction is not None:
            self.transaction.write(self.path, dump_tables(data))
        else:
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


@functools.cache
def _facts_decoder(all_scores: bool) -> msgspec.json.Decoder[dict[str, dict[str, PainFacts]]]:
    """The decoder of a year file's light facts: the flare rules' (summary, flares) or, with
    `all_scores`, a review's. Made on first use: an add needs neither."""
    kind = EntryFacts if all_scores else PainFacts
    return msgspec.json.Decoder(dict[str, dict[str, kind]])  # type: ignore[valid-type]


Area = Literal[ALL_AREAS]  # type: ignore[valid-type]
# A time as `Entry.to_dict` writes it (isoformat, to the second, with its offset); every `at`
# is also parsed when a whole-diary read puts the entries in time order.
OffsetTime = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")]


class CheckedEntry(Struct, kw_only=True, forbid_unknown_fields=True, gc=False):
    """An entry as a whole-diary read (export, `list -n 0 --json`) takes it from a year file:
    each field's declared rule (type, range, pattern, known area, a time with its offset) is
    checked by msgspec in C as it decodes, and it encodes to the JSON form of SPEC §2, field
    for field. The rules across fields (canonical order, at least one value, med names) are
    made by every write, and `check` proves them; they cost three times the decode in
    Python, which at 100 000 entries is a second and a half.
    """

    id: int = 0
    uid: Uid
    at: OffsetTime  # as stored: the text `Entry.to_dict` wrote
    logged: OffsetTime
    pain: Score | None = None
    fatigue: Score | None = None
    fog: Score | None = None
    stiffness: Score | None = None
    sleep_hours: Hours | None = None
    sleep_quality: Score | None = None
    exertion: Score | None = None
    regions: list[Area] = []
    tags: list[Slug] = []
    meds: list[StoredMed] = []
    symptoms: dict[Slug, Score] = {}
    flare: bool = False
    note: str = ""


@functools.cache
def _checked_decoder() -> msgspec.json.Decoder[dict[str, dict[str, CheckedEntry]]]:
    return msgspec.json.Decoder(dict[str, dict[str, CheckedEntry]])


@functools.cache
def _entries_decoder() -> msgspec.json.Decoder[dict[str, dict[str, Entry]]]:
    """The decoder of a year file straight into entries (made on first use)."""
    return msgspec.json.Decoder(dict[str, dict[str, Entry]])


class _Refused(Exception):
    """A year file that the fast decoding refused (the slow reading says why)."""


class Meta(Struct, frozen=True):
    schema: int
    next_id: int


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


class Imported(Struct, frozen=True):
    """What an import added, and how many of each kind the diary held already."""

    entries: list[Entry]
    skipped: int
    courses: list[Course]
    courses_skipped: int
    assessments: int
    assessments_skipped: int


class ImportConflict(FibrologError):
    """An imported entry has the uid of a stored one but other content."""

    def __init__(self, entry_id: int, stored: dict[str, Any], incoming: Entry) -> None:
        theirs = entry_document(incoming)
        differ = sorted(k for k in theirs if stored.get(k) != theirs[k])
        super().__init__(
            f"entry #{entry_id} of the diary and an entry of the file share uid "
            f"{incoming.uid} but differ in {', '.join(differ)}; nothing was imported. "
            f"Import a file without that entry, or delete #{entry_id} first to take the file's."
        )


class Diary:
    """One diary folder. Cheap to create; touches the disk only when asked."""

    def __init__(self, folder: Path, *, lock_timeout: float = 10.0) -> None:
        self.folder = folder
        self.lock_timeout = lock_timeout
        self.meta_path = folder / "meta.json"
        self.lock_path = folder / ".lock"
        self.backups_dir = folder / "backups"
        self._checked = False
        self._holding = False  # whether this instance holds the lock now
        # Entries left out of what was read because they break a rule: id → one line to warn
        # with (see BadEntry). The command prints them when it ends.
        self.set_aside: dict[int, str] = {}
        # The light day facts this instance read, by year, so that a command reading a year
        # twice (a review's windows, say) parses it once. Every change, made under the lock,
        # clears them.
        self._parsed: dict[tuple[Any, ...], Any] = {}
        # What to do once the transaction under way has committed (issue 19: a repair's
        # tombstones are lifted only when the entries are back).
        self._after_commit: list[Callable[[], None]] = []

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

    def _write_meta(self, meta: Meta, transaction: Transaction | None = None) -> None:
        data = dump_tables({META: {"1": {"schema": meta.schema, "next_id": meta.next_id}}})
        if transaction is not None:
            transaction.write(self.meta_path, data)
        else:
            atomic_write(self.meta_path, data)

    def open(self, every_year: bool = True) -> Meta:
        """Check the diary before use: meta.json whole, year files not truncated, schema current.

        The year-file check reads only each file's last bytes (a cut-off JSON file does not end
        in '}'), so it costs little for ten years; full parsing happens per year when a command
        reads that year. An add, which reads no year but the one it writes (and parses that
        whole), skips it (`every_year=False`): at 100 000 entries it was 55 files opened.

        A change a crash interrupted (a journal) is completed first, under the lock.
        """
        if not self._holding and journal.pending(self.folder):
            with self.locked():
                pass  # taking the lock completes it
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
        """Hold the diary's lock; first complete the change a journal records, then remove the
        temporary files of writers that are gone, and make the folder private (0700).

        A temporary file is only ever written under this lock, so one found while holding it
        (after the journal's are renamed) belongs to a writer that was killed mid-save.
        """
        if self._holding:  # already held by this instance (a restore that backs up, say)
            yield
            return
        with exclusive_lock(self.lock_path, self.lock_timeout):
            self._holding = True
            try:
                make_private(self.folder)
                if journal.complete(self.folder):
                    self._checked = False
                for path in self.stale_temp_files():
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                self._parsed.clear()  # what was read before the lock may be out of date
                yield
            finally:
                self._holding = False
                self._parsed.clear()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock and collect a change of several files; commit it whole at the end
        of the block (nothing is written if the block raises)."""
        with self.locked():
            changes = Transaction(self.folder)
            self._after_commit.clear()
            yield changes
            changes.commit()
            self._checked = False
            for then in self._after_commit:  # issue 19
                then()
            self._after_commit.clear()

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
        tables = load_tables(self.year_path(year), ENTRIES)
        return tables[ENTRIES] if tables else {}

    def entry_from(self, year: int, key: str, document: dict[str, Any]) -> Entry:
        """The entry a stored document of `year` holds; CorruptDiary names the file, the
        entry and the first problem if the document breaks a rule or belongs to another year."""
        try:
            entry = Entry.from_dict(document, id=int(key))
        except InvalidEntry as error:
            raise BadEntry(self.year_path(year), key, str(error)) from None
        if entry.at.year != year:
            raise CorruptDiary(
                f"{self.year_path(year)}: entry #{key} belongs to {entry.at.year}",
                self.year_path(year),
            )
        return entry

    def _readable(self, year: int, key: str, document: dict[str, Any]) -> Entry | None:
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
            yield [e for _, e in self._checked_year(year) if low <= e.at[:10] <= high]

    def _checked_year(self, year: int) -> list[tuple[datetime, CheckedEntry]]:
        """A year's entries in time order, each with its instant (UTC)."""
        path = self.year_path(year)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise FibrologError(f"cannot read {path}: {error.strerror}") from None
        try:
            with _no_collection():
                documents = _checked_decoder().decode(raw)[ENTRIES]
        except (msgspec.ValidationError, msgspec.DecodeError, KeyError):
            documents = None
        found = []
        try:
            for key, entry in (documents or {}).items():
                at = datetime.fromisoformat(entry.at)
                if not key.isdigit() or at.year != year:
                    raise ValueError
                entry.id = int(key)  # a stored document keeps its id as its key
                found.append((at.astimezone(UTC), entry))
        except ValueError:
            documents = None
        if documents is None:  # read again whole, which names the problem
            entries = self.year_entries(year)
            return [(e.at, msgspec.convert(e.to_dict(), CheckedEntry)) for e in entries]
        found.sort(key=lambda item: (item[0], item[1].id))
        return found

    def decoded_year(self, year: int) -> dict[str, Entry] | None:
        """A year file's entries by id, decoded and checked in C; None if any breaks a rule
        (then `entry_from` on each document names the problems)."""
        try:
            return {str(e.id): e for e in self._decoded_year(year, quiet=True)}
        except _Refused:
            return None

    def _decoded_year(self, year: int, quiet: bool = False) -> list[Entry]:
        path = self.year_path(year)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise FibrologError(f"cannot read {path}: {error.strerror}") from None
        try:
            with _no_collection():
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
        for key, document in self.year_documents(year).items():
            at = document.get("at")
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

    # -- writing -----------------------------------------------------------------------------

    def add(self, entry: Entry) -> Entry:
        """Store a new entry with the next id. Reads and writes meta.json and one year file."""
        return self.add_many([entry])[0]

    def add_many(self, entries: Iterable[Entry]) -> list[Entry]:
        """Store new entries in one batch: meta.json once, each year file once. A batch over
        several years is one transaction (see journal.py)."""
        pending = list(entries)
        if len({e.at.year for e in pending}) < 2:
            with self.locked():
                return self._insert(self.open(every_year=False), pending)
        with self.transaction() as changes:
            return self._insert(self.open(every_year=False), pending, changes)

    def _insert(
        self, meta: Meta, pending: list[Entry], changes: Transaction | None = None
    ) -> list[Entry]:
        """Give `pending` the next ids and write them; the caller holds the lock."""
        if not pending:
            return []
        years = sorted({e.at.year for e in pending})
        tables = {year: self._open_year(year, True, changes) for year in years}
        next_id = self._next_id(meta, tables)
        stored = [replace(e, id=next_id + i) for i, e in enumerate(pending)]
        by_year: dict[int, list[Entry]] = {}
        for entry in stored:
            by_year.setdefault(entry.at.year, []).append(entry)
        if changes is None:
            self._daily_snapshot([self.meta_path, *(self.year_path(y) for y in tables)])
        # meta.json first: a crash after it wastes ids but can never hand one out twice.
        self._write_meta(replace(meta, next_id=next_id + len(stored)), changes)
        for year, batch in by_year.items():
            # Let go of each year once written: a 100k import would otherwise hold every year.
            tables.pop(year).insert_multiple(
                Document(entry_document(e), doc_id=e.id) for e in batch
            )
        return stored

    def _next_id(self, meta: Meta, tables: dict[int, Any]) -> int:
        """meta.json's counter, unless a year file holds an id at or above it (a copied or
        hand-edited folder): then one above every id any file knows. The years being written
        are parsed already; of the others only the last document's key is read (the newest
        id in a file the diary wrote), so an add stays cheap."""
        held = [int(k) for t in tables.values() for k in (t.storage.read() or {}).get(ENTRIES, {})]
        for year in self.years():
            if year not in tables:
                held.append(_last_key(self.year_path(year)))
        if max(held, default=0) < meta.next_id:
            return meta.next_id
        sources = [(self.meta_path, META), *((self.year_path(y), ENTRIES) for y in self.years())]
        return max(_above_all(sources), *(i + 1 for i in held))

    def update(self, entry: Entry, when: datetime | None = None) -> Entry:
        """Replace the stored entry with the same id (an edit), backing up first. An edit
        that moves the entry to another year changes both files in one transaction. The
        edit's time (`when`, default now) goes to changes.json for merges (issue 19)."""
        with self.transaction() as changes:
            self.open()
            old_year, _ = self._find_document(entry.id)
            new_year = entry.at.year
            if not self.year_path(new_year).exists():
                # A move into a year without a file: make it, empty, so that the backup holds
                # it as it was, and restoring the backup takes the moved entry out of it again
                # (else the entry would be in both years after a restore).
                atomic_write(self.year_path(new_year), dump_tables({ENTRIES: {}}))
            tables = {
                year: self._open_year(year, False, changes, mending=[entry.id])
                for year in {old_year, new_year}
            }
            self.backup([self.year_path(y) for y in tables])
            tables[new_year].upsert(Document(entry_document(entry), doc_id=entry.id))
            if new_year != old_year:
                tables[old_year].remove(doc_ids=[entry.id])
            self._record_change(edited=[entry_document(entry)], when=when)  # issue 19
            return entry

    def delete(self, entry_ids: Iterable[int], when: datetime | None = None) -> list[Entry]:
        """Remove entries after backing up the files they live in. Ids are never reused.
        Each leaves a tombstone (uid, number and `when`) in changes.json, written first, so
        that no merge brings it back (issue 19)."""
        with self.transaction() as changes:
            self.open()
            found = [self._find(i) for i in dict.fromkeys(entry_ids)]
            years = sorted({y for y, _ in found})
            tables = {year: self._open_year(year, False, changes) for year in years}
            self.backup([*(self.year_path(y) for y in tables), self.changes_path])
            gone = [(e.uid, "entry", e.id) for _, e in found]
            self._record_change(deleted=gone, when=when)  # issue 19
            for year, table in tables.items():
                table.remove(doc_ids=[e.id for y, e in found if y == year])
            return [entry for _, entry in found]

    def import_entries(self, entries: Iterable[Entry]) -> tuple[list[Entry], int]:
        """Add entries whose uid the diary lacks; returns (added, skipped count)."""
        done = self.import_all(entries)
        return done.entries, done.skipped

    def import_all(
        self,
        entries: Iterable[Entry],
        courses: Iterable[Course] = (),
        assessments: Iterable[dict[str, Any]] = (),
    ) -> "Imported":
        """Add the entries, courses and self-assessments the diary lacks, in one transaction
        (all or nothing, even after a crash), after backing up every file it changes.

        An entry is known by its uid, a course by its uid, an assessment by kind and time.
        An entry whose uid the diary holds with other content is a conflict: the import is
        refused (nothing changes) and the error names both."""
        incoming = list(entries)
        new_courses = list(courses)
        new_assessments = list(assessments)
        with self.transaction() as changes:
            meta = self.open()
            known: dict[str, tuple[int, dict[str, Any]]] = {}
            for year in self.years():
                for key, document in self.year_documents(year).items():
                    known[str(document.get("uid"))] = (int(key), document)
            fresh: list[Entry] = []
            for entry in incoming:
                if entry.uid in known:
                    stored_id, document = known[entry.uid]
                    if stored_id and document != entry_document(entry):
                        raise ImportConflict(stored_id, document, entry)
                    continue  # in the diary, or twice in the file
                known[entry.uid] = (0, {})
                fresh.append(entry)
            course_uids = {c.uid for c in self.courses()}
            fresh_courses = [c for c in new_courses if c.uid not in course_uids]
            seen = {(a["kind"], a["at"]) for a in self.assessments()}
            fresh_assessments = [a for a in new_assessments if (a["kind"], a["at"]) not in seen]
            files = [self.year_path(y) for y in sorted({e.at.year for e in fresh})]
            files += [self.meta_path] if fresh else []
            files += [self.courses_path] if fresh_courses else []
            files += [self.assessments_path] if fresh_assessments else []
            self.backup(files)
            if fresh:
                from fibrolog.store.changes import lift  # issue 19: imported on purpose

                lift(self.folder, [e.uid for e in fresh])
            added = self._insert(meta, fresh, changes)
            stored_courses = self._store_courses(fresh_courses, changes)
            self._store_assessments(fresh_assessments, changes)
            return Imported(
                added,
                len(incoming) - len(fresh),
                stored_courses,
                len(new_courses) - len(fresh_courses),
                len(fresh_assessments),
                len(new_assessments) - len(fresh_assessments),
            )

    def clear(self) -> Path | None:
        """Empty the diary (for `demo --force`): everything is backed up first."""
        with self.transaction() as changes:
            files = self.data_files()
            backup = self.backup(files)
            for path in files:
                changes.remove(path)
            return backup

    def _daily_snapshot(self, files: list[Path]) -> None:
        """Back up the files an add will change when the newest backup is over a day old,
        so that a diary that only ever grows still has a way back from a damaged file."""
        if not made_since(self.backups_dir, datetime.now() - timedelta(days=1)):
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
            return self._store_assessments([record])[0]

    def _store_assessments(
        self, records: list[dict[str, Any]], changes: Transaction | None = None
    ) -> list[dict[str, Any]]:
        if not records:
            return []
        db = TinyDB(
            self.assessments_path,
            storage=AtomicJSONStorage,
            table="assessments",
            transaction=changes,
        )
        tables = db.storage.read() or {}
        next_id = 1 + max((int(k) for k in tables.get("assessments", {})), default=0)
        bodies = [{k: v for k, v in record.items() if k != "id"} for record in records]
        db.table("assessments", cache_size=0).insert_multiple(
            Document(body, doc_id=next_id + i) for i, body in enumerate(bodies)
        )
        return [{"id": next_id + i, **body} for i, body in enumerate(bodies)]

    def import_assessments(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Add the self-assessments the diary lacks (the same kind at the same time is the
        same one); returns (added, skipped)."""
        done = self.import_all((), (), records)
        return done.assessments, done.assessments_skipped

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
            self._daily_snapshot([self.courses_path])
            return self._store_courses(list(courses))

    def _store_courses(
        self, courses: list[Course], changes: Transaction | None = None
    ) -> list[Course]:
        """Give `courses` the next course ids and write them; the caller holds the lock."""
        if not courses:
            return []
        db = TinyDB(
            self.courses_path, storage=AtomicJSONStorage, table=COURSES, transaction=changes
        )
        tables = db.storage.read() or {}
        counter = tables.get(META, {}).get("1", {}).get("next_id")
        known = [int(k) for k in tables.get(COURSES, {})]
        next_id = max([counter if isinstance(counter, int) else 1, *(k + 1 for k in known)])
        stored = [replace(c, id=next_id + i) for i, c in enumerate(courses)]
        tables.setdefault(COURSES, {}).update((str(c.id), course_document(c)) for c in stored)
        tables[META] = {"1": {"next_id": next_id + len(stored)}}
        db.storage.write(tables)
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
        done = self.import_all((), courses)
        return done.courses, done.courses_skipped

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

    def settle_counter(
        self, known_ids: Iterable[int] = (), changes: Transaction | None = None
    ) -> Meta:
        """After files were put back or rebuilt: write meta.json with a next_id above every id
        the diary has handed out that can still be known (`known_ids`, the current counter and
        every backup's, every id in the year files and in the backups' copies of them: an
        entry deleted since is in a backup only), and check the files again on next open."""
        backups = self.backups()
        sources = [(self.meta_path, META), *((b.path / "meta.json", META) for b in backups)]
        sources += [(self.year_path(year), ENTRIES) for year in self.years()]
        sources += [(f, ENTRIES) for b in backups for f in b.files if f.name[:4].isdigit()]
        meta = Meta(current_schema(), max([_above_all(sources), *(i + 1 for i in known_ids)]))
        self._write_meta(meta, changes)
        self._checked = False
        if changes is None:  # issue 19: a restored entry is not deleted by the next merge
            self._lift_tombstones_of_present()
        else:
            self._after_commit.append(self._lift_tombstones_of_present)
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
        """Copy the existing `files` into backups/YYYYMMDDTHHMMSS/ (built aside, whole or not
        at all); keep the newest 20, the newest good copy of each file, and the backup
        `keeping` (one being restored from). See backups.py."""
        return make_backup(self.backups_dir, files, _parses, keeping)

    def backups(self) -> list[Backup]:
        """Whole backups, oldest first."""
        return list_backups(self.backups_dir)


def _parses(copy: Path) -> bool:
    """Whether a backup's copy of a diary file is whole (it parses, with its table)."""
    try:
        load_tables(copy, table_of(copy.name))
    except FibrologError:
        return False
    return True


def _last_key(path: Path) -> int:
    """The key of the last document in a year file the diary wrote (0 if none is found):
    read from its last bytes, without parsing the file."""
    try:
        with path.open("rb") as file:
            file.seek(max(0, file.seek(0, os.SEEK_END) - 4096))
            tail = file.read()
    except OSError:
        return 0
    keys = re.findall(rb'"(\d+)":\{"uid"', tail)
    return int(keys[-1]) if keys else 0
