"""Loading and writing the diary's TinyDB files strictly (SPEC §1): a file that does not parse,
or has the wrong shape, raises CorruptDiary; writes are atomic and private.

The names of the diary's files, the tables they hold, and the TinyDB storage seam.
"""

import functools
import gc
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct
from tinydb.storages import Storage

from fibrolog.errors import CorruptDiary
from fibrolog.models import FIELDS, explain
from fibrolog.store import journal
from fibrolog.store.journal import Transaction
from fibrolog.store.safefile import atomic_write, read_if_there

ENTRIES = "entries"
COURSES = "treatments"
META = "_meta"

Tables = dict[str, dict[str, Any]]
# The diary's own files; a temporary copy of one or of the journal (see safefile.stage) is
# ".<name>.<random>.tmp", and a damaged one that `salvage` moved aside "<name>.damaged-<time>".
DIARY_FILE = journal.TARGET  # meta.json, assessments.json, treatments.json, YYYY.json
TEMP_FILE = re.compile(rf"\.(?:{DIARY_FILE}|journal\.json)\.\w+\.tmp")
DAMAGED_COPY = re.compile(rf"{DIARY_FILE}\.damaged-\d{{8}}T\d{{6}}")


# What a reader remembers of the files it parsed as declared documents: {path: (the bytes,
# the tables)}. A later reading of the same file takes the tables if its bytes are the same.
Remembered = dict[Path, tuple[bytes, Tables]]


def load_tables(
    path: Path,
    expected: str,
    document: type[Struct] | None = None,
    remembered: Remembered | None = None,
) -> Tables | None:
    """Parse a TinyDB file strictly: None if missing, else {table: {id: document}}.

    With `document`, the documents are decoded (and checked) as that declared type instead
    of dicts; a file with a document that does not fit is reported with the first problem.
    With `remembered` too, a file whose bytes are those of an earlier parse is not decoded
    again (`again` reads the year it then adds to: the add, under the lock, finds it
    unchanged). Each caller gets its own tables, so an insert changes no one else's.
    """
    raw = read_if_there(path)
    if raw is None:
        return None
    known = remembered.get(path) if remembered is not None and document else None
    if known is not None and known[0] == raw:
        return {name: dict(table) for name, table in known[1].items()}
    try:
        tables = _load_tables(path, raw, expected, document)
    except CorruptDiary as error:
        error.path = path
        raise error from None
    if remembered is not None and document:
        remembered[path] = (raw, {name: dict(table) for name, table in tables.items()})
    return tables


@contextmanager
def no_collection() -> Iterator[None]:
    """Pause the garbage collector while a year file is parsed, and freeze what the parse
    made. Parsing makes ~50 000 objects and no cycles; the collector would walk them over and
    over while they are made (the parse takes ~7 ms with it and ~2 ms without), and again at
    every later collection while they live (a third of a 100 000-entry export's reading).
    Frozen objects are still freed when their last reference goes."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


@functools.cache
def _decoder(document: type[Struct]) -> msgspec.json.Decoder[Tables]:
    return msgspec.json.Decoder(dict[str, dict[str, document]])  # type: ignore[valid-type]


def _load_tables(path: Path, raw: bytes, expected: str, document: type[Struct] | None) -> Tables:
    refused = False
    try:
        with no_collection():
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
        remembered: Remembered | None = None,  # see `load_tables`
    ) -> None:
        self.path = path
        self.table = table
        self.document = document
        self.transaction = transaction
        self.remembered = remembered
        self._data: Tables | None = None

    def read(self) -> Tables | None:
        if self._data is None:
            self._data = load_tables(self.path, self.table, self.document, self.remembered)
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


def above_all(sources: Iterable[tuple[Path, str]]) -> int:
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
