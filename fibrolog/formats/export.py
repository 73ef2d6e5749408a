"""Entries ⇄ JSON, CSV and Markdown text (SPEC §4 export/import). No file I/O here."""

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, TypeVar

import msgspec
from msgspec import Struct

from fibrolog.dates import FUTURE_SLACK
from fibrolog.errors import FibrologError
from fibrolog.models import FIELDS, SCORES, Course, Entry, InvalidEntry, Med, explain
from fibrolog.text import plural

# The entry fields in their JSON order; symptoms get one `symptom:NAME` column each instead.
CSV_COLUMNS = [name for name in FIELDS if name != "symptoms"]
# Columns an older export lacks (scores added since); an import reads them as not given.
LATER_COLUMNS = frozenset({"exertion"})
SYMPTOM_PREFIX = "symptom:"
# The largest file `import` reads: a century of entries, ten a day, is ~200 MB.
MAX_IMPORT_BYTES = 2**30
# A cell starting with one of these is a formula to a spreadsheet; export prefixes a "'".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_cell(text: str) -> str:
    """Prefix "'" to a cell a spreadsheet would run as a formula (and to a cell that already
    looks guarded, so that import's unguard gives back exactly the original)."""
    if text.startswith(FORMULA_START) or (text[:1] == "'" and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def unguard_cell(text: str) -> str:
    if text[:1] == "'" and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


def json_array(items: Iterable[object], depth: int = 0) -> Iterator[str]:
    """`json.dumps(list(items), ensure_ascii=False, indent=2)` piece by piece, for an array
    nested `depth` levels deep: a 100 000-entry export never sits in memory as one string."""
    inner = "\n" + "  " * (depth + 1)
    opened = False
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", inner)
        yield ("[" if not opened else ",") + inner + text
        opened = True
    yield "\n" + "  " * depth + "]" if opened else "[]"


def entries_json(years: Iterable[Sequence[Struct]], depth: int = 0) -> Iterator[bytes]:
    """`json_array(e.to_dict() for e in entries, depth)`, the same text as UTF-8, a year at a
    time: each year's entries (the store's `CheckedEntry`, whose fields are those of the JSON
    form, in its order, times as text) encoded and indented by msgspec in C instead of a dict
    and a json.dumps per entry (ten times faster at 100 000 entries), and kept as bytes to the
    output."""
    pad = b"\n" + b"  " * depth
    opened = False
    for entries in years:
        if not entries:
            continue
        # Indented where it sits, `depth` objects deep (their keys are empty, so the first
        # "[" and the last "]" are the array's), rather than indented and then shifted.
        nested = msgspec.json.encode(entries)
        for _ in range(depth):
            nested = b'{"":' + nested + b"}"
        text = msgspec.json.format(nested, indent=2)
        yield b"[" if not opened else b","
        yield text[text.index(b"[") + 1 : text.rindex(b"]") - len(pad)]
        opened = True
    yield pad + b"]" if opened else b"[]"


def iter_json(
    years: Iterable[Sequence[Struct]],
    exported: datetime,
    schema: int,
    courses: Sequence[Course] = (),
    assessments: Sequence[dict[str, Any]] = (),
) -> Iterator[bytes]:
    """The JSON export (SPEC §4) in pieces of UTF-8, with the treatment courses and
    self-assessments; the entries come a year at a time."""
    head = {"format": "fibrolog", "schema": schema, "exported": exported.isoformat()}
    yield (
        json.dumps(head, ensure_ascii=False, indent=2).removesuffix("\n}") + ',\n  "entries": '
    ).encode()
    yield from entries_json(years, depth=1)
    yield b',\n  "treatments": '
    yield from (piece.encode() for piece in json_array((c.to_dict() for c in courses), depth=1))
    yield b',\n  "assessments": '
    yield from (piece.encode() for piece in json_array(assessments, depth=1))
    yield b"\n}\n"


# An entry's CSV cells, from its fields in one call (in C); `_csv_row` turns the few that
# are not written as they are (times, lists, the flare mark) into text.
_CSV_FIELDS = attrgetter(*CSV_COLUMNS)
_AT, _LOGGED, _FLARE = (CSV_COLUMNS.index(name) for name in ("at", "logged", "flare"))
_LISTS = [CSV_COLUMNS.index(name) for name in ("regions", "tags")]
_MEDS, _NOTE = CSV_COLUMNS.index("meds"), CSV_COLUMNS.index("note")


def _csv_row(entry: Any, names: Sequence[str]) -> list[object]:
    """An entry's row (an `Entry` or a `CheckedEntry`): lists joined by ';', times as ISO
    text, a med as 'name dose', numbers and empty cells as the csv module writes them (None
    as nothing, a float as its repr). The text a person typed (meds, the note) is guarded
    (`guard_cell`); no other cell can start as a formula: a uid is hex, a time starts with
    its year, an area or a tag with a letter or digit."""
    row: list[Any] = list(_CSV_FIELDS(entry))
    for at in (_AT, _LOGGED):
        if not isinstance(row[at], str):
            row[at] = row[at].isoformat()
    for items in _LISTS:
        row[items] = ";".join(row[items])
    meds = ";".join(f"{m.name} {m.dose}" if m.dose else m.name for m in row[_MEDS])
    row[_MEDS] = guard_cell(meds)
    row[_NOTE] = guard_cell(row[_NOTE])
    row[_FLARE] = "true" if row[_FLARE] else "false"
    symptoms = entry.symptoms
    return row + [symptoms.get(name) for name in names] if symptoms else row + [None] * len(names)


def symptom_names(years: Iterable[Iterable[Any]]) -> list[str]:
    """Every symptom name the entries use, sorted: the CSV's last columns."""
    return sorted({name for entries in years for entry in entries for name in entry.symptoms})


def iter_csv(
    entries: Iterable[Any], names: Sequence[str] | None = None, rows_per_piece: int = 1000
) -> Iterator[str]:
    """The CSV export in pieces of `rows_per_piece` rows. The entries are `Entry`s or the
    store's `CheckedEntry`s; the header names a column for each symptom name, so `names`
    are read first (a first reading of the diary) or, without them, from `entries` (a
    sequence, then)."""
    if names is None:
        names = symptom_names([entries])
    columns = set(names)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS + [SYMPTOM_PREFIX + n for n in names])
    for count, e in enumerate(entries, 1):
        if count % rows_per_piece == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
        if not columns.issuperset(e.symptoms):
            raise FibrologError("the diary changed while it was being exported; export again")
        writer.writerow(_csv_row(e, names))
    yield out.getvalue()


# Characters that start Markdown a viewer would render (links, images, raw HTML, emphasis,
# code, entities) in a table cell: each is escaped with a backslash, which CommonMark allows
# before any ASCII punctuation and shows as the character itself.
_MARKUP = re.compile(r"([\\`*_\[\]<>!|&~])")
# A URL scheme that runs code or reads local files: its colon is escaped too, so that no
# viewer that links bare URLs makes it a link.
_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data|file)(\s*):")


def _md(text: str) -> str:
    """User text as one Markdown table cell that shows exactly what was typed: no raw HTML,
    no links or images, line breaks as <br>."""
    text = _SCHEME.sub(r"\1\2\\:", _MARKUP.sub(r"\\\1", text))
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def iter_markdown(entries: Iterable[Entry]) -> Iterator[str]:
    """The Markdown table, a line at a time."""
    head = [
        "when",
        "pain",
        "fatigue",
        "fog",
        "stiffness",
        "sleep",
        "areas",
        "tags",
        "meds",
        "flare",
        "note",
    ]
    yield "| " + " | ".join(head) + " |\n"
    yield "|" + "---|" * len(head) + "\n"
    for e in entries:
        sleep = "" if e.sleep_hours is None else f"{e.sleep_hours:g} h"
        if e.sleep_quality is not None:
            sleep += f" (q {e.sleep_quality})"
        cells = [
            e.at.strftime("%Y-%m-%d %H:%M"),
            *("" if v is None else str(v) for v in (e.pain, e.fatigue, e.fog, e.stiffness)),
            sleep.strip(),
            ", ".join(e.regions),
            ", ".join(e.tags),
            "; ".join(str(m) for m in e.meds),
            "yes" if e.flare else "",
            e.note,
        ]
        yield "| " + " | ".join(_md(c) for c in cells) + " |\n"


# -- import ---------------------------------------------------------------------------------


class Imported(Struct, frozen=True):
    """What an export holds: entries, and (in JSON) treatment courses and self-assessments."""

    entries: list[Entry]
    courses: list[Course] = []
    assessments: list[dict[str, Any]] = []


class _Others(Struct):
    """The parts of a JSON export beside its entries (read without building the entries)."""

    treatments: list[Any] = []
    assessments: list[Any] = []


def parse_import(data: bytes | str, now: datetime) -> Imported:
    """What a JSON or CSV export (UTF-8) holds, recognised by content, by the rules of a new
    entry (none more than 5 minutes after `now`). All or nothing: any bad row raises
    FibrologError naming every bad row."""
    try:
        return _parse_import(data, now)
    except RecursionError:  # msgspec's own limit on nesting, far below Python's stack
        raise FibrologError(
            "cannot import: the file nests deeper than a fibrolog export does"
        ) from None


def _parse_import(data: bytes | str, now: datetime) -> Imported:
    raw = data.encode() if isinstance(data, str) else data
    body = raw.removeprefix(b"\xef\xbb\xbf")
    stripped = body.lstrip()
    if not stripped:
        raise FibrologError("nothing to import: the file is empty")
    if stripped[:1] in (b"[", b"{"):
        try:
            export = IndentedExport([stripped], now)
            read: Iterator[list[Entry]] = export.entries()  # each record as an entry
            entries = [entry for batch in read for entry in batch]
            courses, assessments = export.others()
        except OtherLayout:
            entries = _entries(_json_records(stripped), "entry", now)
            courses, assessments = _courses_and_assessments(stripped)
    else:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise FibrologError("cannot import: the file is not UTF-8 text") from None
        entries = _entries(_csv_records(text), "row", now)
        courses, assessments = [], []
    if not (entries or courses or assessments):
        raise FibrologError("nothing to import: the file holds no entries")
    return Imported(entries, courses, assessments)


def _courses_and_assessments(raw: bytes) -> tuple[list[Course], list[dict[str, Any]]]:
    others = _others(raw)
    return _courses(others.treatments), _assessments(others.assessments)


def _others(raw: bytes) -> _Others:
    if raw[:1] != b"{":
        return _Others()
    try:
        return msgspec.json.decode(raw, type=_Others)
    except msgspec.ValidationError as error:
        raise FibrologError(f"cannot import: {error}") from None


def _courses(records: list[Any]) -> list[Course]:
    courses, problems = [], []
    for number, record in enumerate(records, start=1):
        try:
            courses.append(
                Course.from_dict({**record, "id": 0} if isinstance(record, dict) else record)
            )
        except InvalidEntry as error:
            problems.append(f"  treatment {number}: {error}")
    if problems:
        raise FibrologError(
            f"nothing imported: {plural(len(problems), 'invalid treatment course')}\n"
            + "\n".join(problems)
        )
    return courses


def _assessments(records: list[Any]) -> list[dict[str, Any]]:
    problems = [
        f"  assessment {number}: needs a kind (acr2016 or fiqr) and a time"
        for number, record in enumerate(records, start=1)
        if not (
            isinstance(record, dict)
            and record.get("kind") in ("acr2016", "fiqr")
            and isinstance(record.get("at"), str)
        )
    ]
    if problems:
        raise FibrologError(
            f"nothing imported: {plural(len(problems), 'invalid self-assessment')}\n"
            + "\n".join(problems)
        )
    return [{k: v for k, v in record.items() if k != "id"} for record in records]


def _entries(records: Iterable[tuple[int, Any]], label: str, now: datetime) -> list[Entry]:
    """Numbered records (dicts, entries, or a problem as text) → entries, or FibrologError
    naming every bad one."""
    entries, problems = _read(records, label, now)
    if problems:
        raise _refused(problems, label)
    return entries


def _read(
    records: Iterable[tuple[int, Any]], label: str, now: datetime
) -> tuple[list[Entry], list[str]]:
    """Numbered records (dicts, entries, or a problem as text) → the entries, and a line
    naming each bad one."""
    entries: list[Entry] = []
    problems: list[str] = []
    latest = now.astimezone(UTC) + FUTURE_SLACK  # (a fixed offset: compared in C, not Python)
    for number, record in records:
        if isinstance(record, str):
            problems.append(f"  {label} {number}: {record}")
            continue
        try:
            entry = record if isinstance(record, Entry) else Entry.from_dict(record)
        except InvalidEntry as error:
            problems.append(f"  {label} {number}: {error}")
            continue
        if entry.at > latest:
            problems.append(f"  {label} {number}: at {entry.at.isoformat()} is in the future")
            continue
        entries.append(entry)
    return entries, problems


def _refused(problems: list[str], label: str) -> FibrologError:
    many = "entries" if label == "entry" else f"{label}s"
    return FibrologError(
        f"nothing imported: {plural(len(problems), f'invalid {label}', f'invalid {many}')}\n"
        + "\n".join(problems)
    )


def _json_records(raw: bytes) -> Iterator[tuple[int, Any]]:
    """The records of a JSON export, numbered from 1, from one parse of the whole file."""
    import msgspec  # parses bytes as they are: no decoded copy of the whole file

    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise FibrologError(f"cannot import: not valid JSON ({error})") from None
    data = _entry_list(data)
    if not isinstance(data, list):
        raise FibrologError("cannot import: expected a list of entries")
    data.reverse()
    for number in range(1, len(data) + 1):
        yield number, data.pop()  # each record let go of once it is taken


def _entry_list(data: Any) -> Any:
    """The entries array of a parsed export: the file itself, or its "entries"."""
    if isinstance(data, dict):
        if data.get("format") != "fibrolog" or not isinstance(data.get("entries"), list):
            raise FibrologError("cannot import: this JSON is not a fibrolog export")
        return data["entries"]
    return data


class OtherLayout(Exception):
    """The file is not laid out as `export` writes it (one record per indented block, the
    records in an array); it is read whole instead (`parse_import`)."""


_ARRAY = re.compile(rb'\A\[|"entries"[ \t\r\n]*:[ \t\r\n]*\[')
_FIRST = re.compile(rb"[ \t\r]*\n([ \t]*)\{")
# What `IndentedExport` reads of a file before it looks for the entries' array, and then
# takes at a time: a piece of about this much is decoded, and proved, at once.
HEAD_BYTES = 1 << 16
BLOCK_BYTES = 1 << 20

Proved = TypeVar("Proved")


class IndentedExport:
    """An export laid out as `export` writes it (indented), read from its bytes a piece at a
    time (`blocks`, as a file is read): a 300 000-entry export is ~160 MB, and each piece
    of it is a batch of entries (and, once stored, let go of) before the next is read.

    JSON holds no raw newline inside a string, so in an indented file a line starting with
    the records' indent and then "}" closes a record: the array of records is cut there
    into pieces, each a JSON array of whole records. Each piece must decode whole, and the
    file around the records (the array emptied) is decoded too once all are read, which
    proves the cut: OtherLayout is raised for any other layout, by the constructor if the
    file does not start as an export does, else as soon as a piece does not decode.
    """

    def __init__(self, blocks: Iterable[bytes], now: datetime) -> None:
        self._blocks = iter(blocks)
        self.now = now
        self._others: _Others | None = None
        buffer = b""
        for block in self._blocks:  # up to what follows the array's "[" and its blank
            buffer = (buffer + block).removeprefix(b"\xef\xbb\xbf").lstrip()
            array = _ARRAY.search(buffer)
            if array and buffer[array.end() :].strip():
                break
            if len(buffer) > HEAD_BYTES:
                break
        array = _ARRAY.search(buffer)
        first = array and _FIRST.match(buffer, array.end())
        if not array or not first:
            raise OtherLayout
        self._head = buffer[: array.end()]
        self._buffer = buffer[first.end() - 1 :]  # from the "{" of the first record
        self._closer = b"\n" + first[1] + b"}"

    def _arrays(self) -> Iterator[bytes]:
        """The records, in pieces: each a JSON array of whole records (see the class)."""
        closer, buffer = self._closer, self._buffer
        del self._buffer
        end = re.compile(re.escape(closer) + rb"[ \t\r\n]*\]")  # the last record's
        start = 0
        while True:
            last = end.search(buffer, start)
            if last:
                yield b"[" + buffer[start : last.start() + len(closer)] + b"]"
                tail = buffer[last.end() - 1 :] + b"".join(self._blocks)
                break
            cut = buffer.rfind(closer + b",", start)
            if cut >= 0:
                yield b"[" + buffer[start : cut + len(closer)] + b"]"
                start = cut + len(closer) + 1
            block = next(self._blocks, b"")
            if not block:
                raise OtherLayout
            buffer = buffer[start:] + block
            start = 0
        around = self._head + tail
        try:
            if _entry_list(msgspec.json.decode(around)) != []:
                raise OtherLayout
        except (msgspec.DecodeError, RecursionError):
            raise OtherLayout from None
        self._others = _others(around)

    def entries(
        self,
        prove: Callable[[bytes, datetime], list[Proved] | None] | None = None,
        document_of: Callable[[Entry], Proved] | None = None,
    ) -> Iterator[list[Proved]]:
        """The entries, a piece at a time, by the rules of a new entry (none more than 5
        minutes after `now`); once all are read, FibrologError naming every bad one. A
        piece that `prove` refuses (or all, without it) is read record by record as
        entries, which names a bad one; `document_of` makes each what `prove` gives."""
        latest = self.now.astimezone(UTC) + FUTURE_SLACK
        as_entry = msgspec.json.Decoder(Entry)  # each record checked as it is decoded, in C
        problems: list[str] = []
        number = 1
        for array in self._arrays():
            proved = prove(array, latest) if prove else None
            if proved is not None:
                number += len(proved)
                if not problems:  # (after a bad one, the rest are only checked)
                    yield proved
                continue
            try:
                records = _raw_records().decode(array)
            except (msgspec.DecodeError, RecursionError):
                raise OtherLayout from None
            found, bad = _read(enumerate(_records_of(records, as_entry), number), "entry", self.now)
            number += len(records)
            problems += bad
            if not problems:
                yield [document_of(e) for e in found] if document_of else found  # type: ignore[misc]
        if problems:
            raise _refused(problems, "entry")

    def others(self) -> tuple[list[Course], list[dict[str, Any]]]:
        """The treatment courses and self-assessments, once the entries are read."""
        if self._others is None:
            raise RuntimeError("the entries of an export are read before what follows them")
        return _courses(self._others.treatments), _assessments(self._others.assessments)


@functools.cache
def _raw_records() -> msgspec.json.Decoder[list[msgspec.Raw]]:
    return msgspec.json.Decoder(list[msgspec.Raw])


def _records_of(records: list[msgspec.Raw], as_entry: msgspec.json.Decoder[Entry]) -> Iterator[Any]:
    """Each record as an entry, or what is wrong with it (reported with the others)."""
    for record in records:
        try:
            yield as_entry.decode(record)
        except msgspec.ValidationError as error:
            yield str(explain(error))


def _csv_records(text: str) -> list[tuple[int, Any]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    fixed = [c for c in CSV_COLUMNS if not rows or c in rows[0] or c not in LATER_COLUMNS]
    if not rows or rows[0][: len(fixed)] != fixed:
        raise FibrologError(
            "cannot import: not a fibrolog export (JSON, or CSV with the header "
            f"'{','.join(CSV_COLUMNS)}')"
        )
    header = rows[0]
    for column in header[len(fixed) :]:
        if not column.startswith(SYMPTOM_PREFIX):
            raise FibrologError(f"cannot import: unknown CSV column '{column}'")
    records: list[tuple[int, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        try:
            records.append((number, _csv_entry(header, [unguard_cell(c) for c in row])))
        except (InvalidEntry, ValueError) as error:
            records.append((number, str(error)))  # reported with the other bad rows
    return records


def _csv_entry(header: list[str], row: list[str]) -> Entry:
    if len(row) != len(header):
        raise InvalidEntry(f"has {len(row)} cells, the header has {len(header)}")
    cell = dict(zip(header, row, strict=True))

    def number(name: str) -> int | None:
        text = cell[name].strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise InvalidEntry(f"{name} {text!r} is not a whole number") from None

    def items(name: str) -> list[str]:
        return [part for part in cell[name].split(";") if part]

    flare_text = cell["flare"].strip().lower()
    if flare_text not in ("true", "false", "1", "0", "yes", "no", ""):
        raise InvalidEntry(f"flare {cell['flare']!r} is not true or false")
    hours = cell["sleep_hours"].strip()
    try:
        sleep_hours = float(hours) if hours else None
    except ValueError:
        raise InvalidEntry(f"sleep_hours {hours!r} is not a number") from None
    symptoms = {}
    for column in (c for c in header if c.startswith(SYMPTOM_PREFIX)):
        value = number(column)
        if value is not None:
            symptoms[column[len(SYMPTOM_PREFIX) :]] = value
    return Entry.from_dict(
        {
            "uid": cell["uid"],
            "at": cell["at"],
            "logged": cell["logged"],
            **{name: number(name) if name in cell else None for name in SCORES},
            "sleep_hours": sleep_hours,
            "regions": items("regions"),
            "tags": items("tags"),
            "meds": [Med.parse(m).to_dict() for m in items("meds")],
            "symptoms": symptoms,
            "flare": flare_text in ("true", "1", "yes"),
            "note": cell["note"],
        }
    )
