"""Entries coming in in bulk (issue 22): an export laid out as `export` writes it is read a
piece at a time and proved by batch (store/incoming.py), each year file staged as its entries
end. It must do exactly what reading the file whole and building every entry does: the same
files, the same messages naming the same entries, nothing written when it refuses."""

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fibrolog.errors import FibrologError
from fibrolog.formats import export as formats
from fibrolog.formats.export import IndentedExport, iter_csv, iter_json
from fibrolog.models import Entry
from fibrolog.store.diary import Diary
from fibrolog.store.documents import CheckedEntry, entry_document
from fibrolog.store.incoming import ExportedEntry, content, document_of, prove
from fibrolog.store.journal import Transaction

from .conftest import Run, snapshot
from .test_properties import entries

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def checked(entry: Entry) -> CheckedEntry:
    return msgspec.convert(entry.to_dict(), CheckedEntry)


def in_blocks(raw: bytes, size: int) -> list[bytes]:
    return [raw[i : i + size] for i in range(0, len(raw), size)]


def counting(refused: list[int]) -> Callable[[bytes, datetime], list[ExportedEntry] | None]:
    """`prove`, counting the pieces it refuses."""

    def proving(records: bytes, latest: datetime) -> list[ExportedEntry] | None:
        proved = prove(records, latest)
        refused.append(proved is None)
        return proved

    return proving


# -- the logic -------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(entries(), min_size=1, max_size=12, unique_by=lambda e: e.uid), st.integers(40, 900)
)
def test_an_export_proved_by_pieces_is_the_export_read_entry_by_entry(
    batch: list[Entry], block: int
) -> None:
    raw = b"".join(iter_json([[checked(e) for e in batch]], NOW, 2))
    refused: list[int] = []
    fast = IndentedExport(in_blocks(raw, block), NOW)
    documents = [d for piece in fast.entries(counting(refused), document_of) for d in piece]
    slow: Iterator[list[Entry]] = IndentedExport([raw], NOW).entries()
    assert [content(d) for d in documents] == [entry_document(e) for piece in slow for e in piece]
    assert not any(refused), "an export as fibrolog writes it is proved without a fallback"
    assert fast.others() == ([], [])


def test_an_older_export_without_the_later_scores_is_proved_all_the_same() -> None:
    records = [record(uid=f"{n:032x}") for n in range(3)]
    for older in records:
        del older["exertion"]
    proved = prove(json.dumps(records).encode(), NOW)
    assert proved is not None
    assert [content(d) for d in proved] == [entry_document(Entry.from_dict(r)) for r in records]


def record(**changes: Any) -> dict[str, Any]:
    """An entry's JSON form as an export holds it, with `changes`."""
    base = Entry.build(
        uid="0" * 32,
        at="2025-03-01T10:00:00+01:00",
        logged="2025-03-01T10:00:00+01:00",
        pain=4,
        regions=["neck", "hip-left"],
        tags=["rest", "walk"],
        meds=[{"name": "pregabalin", "dose": "75mg"}],
        symptoms={"headache": 3, "nausea": 1},
    )
    return {**base.to_dict(), **changes}


def export_of(records: list[dict[str, Any]], indent: int | None = 2) -> bytes:
    document = {"format": "fibrolog", "schema": 2, "exported": NOW.isoformat(), "entries": records}
    return json.dumps(document, indent=indent).encode()  # (a lone surrogate escaped)


# Records the fast proof refuses: those a slow reading puts in the stored form (mended), and
# those it names (invalid); either way the result is the slow reading's.
ODD_RECORDS = {
    "areas out of order": {"regions": ["hip-left", "neck"]},
    "tags out of order": {"tags": ["walk", "rest", "walk"]},
    "symptoms out of order": {"symptoms": {"nausea": 1, "headache": 3}},
    "a time in UTC as Z": {"at": "2025-03-01T09:00:00Z"},
    "a time at -00:00": {"logged": "2025-03-01T09:00:00-00:00"},
    "a time without seconds": {"at": "2025-03-01T10:00+01:00"},
    "a med without its dose key": {"meds": [{"name": "ibuprofen"}]},
    "an older export without exertion": {"exertion": ...},
    "the uid of an earlier record": {"uid": f"{3:032x}", "pain": 9},
    "a time with fractions of a second": {"at": "2025-03-01T10:00:00.5+01:00"},
    "a day that does not exist": {"logged": "2025-02-30T10:00:00+01:00"},
    "a negative id": {"id": -1},
    "an entry in the future": {"at": "2099-01-01T10:00:00+01:00"},
    "an unknown field": {"mood": 3},
    "a score out of range": {"pain": 11},
    "an unknown area": {"regions": ["elbow"]},
    "a tag that is not a slug": {"tags": ["Walk"]},
    "a med with a number for a name": {"meds": [{"name": "75mg", "dose": None}]},
    "a note that is not text": {"note": "\ud800"},
    "an entry without content": {
        "pain": None,
        "regions": [],
        "tags": [],
        "meds": [],
        "symptoms": {},
        "flare": False,
        "note": "",
    },
}


def diary_files(folder: Path) -> dict[str, bytes]:
    """The diary's own files (a failed import into a new folder leaves the folder and its
    lock file: the lock is taken before the first year is staged)."""
    files = snapshot(folder).items()
    return {name: data for name, data in files if name.endswith(".json") and "/" not in name}


def odd(changes: dict[str, Any], uid: str) -> dict[str, Any]:
    """A record with `changes`, a key changed to `...` taken out."""
    made = record(
        **{"uid": uid, **{key: value for key, value in changes.items() if value is not ...}}
    )
    return {key: value for key, value in made.items() if changes.get(key) is not ...}


@pytest.mark.parametrize("name", ODD_RECORDS, ids=list(ODD_RECORDS))
def test_an_odd_record_is_read_as_reading_the_file_whole_reads_it(
    name: str, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formats, "BLOCK_BYTES", 700)  # pieces of two or three records
    parse_whole = formats.parse_import
    records = [record(uid=f"{n:032x}", id=n) for n in range(1, 13)]
    records[6] = odd(ODD_RECORDS[name], "7" * 32)
    indented, compact = tmp_path / "indented.json", tmp_path / "compact.json"
    indented.write_bytes(export_of(records))
    compact.write_bytes(export_of(records, indent=None))  # read whole, entry by entry
    read_whole: list[bytes] = []
    monkeypatch.setattr(
        formats, "parse_import", lambda raw, now: read_whole.append(raw) or parse_whole(raw, now)
    )
    fast = run("--db", str(tmp_path / "fast"), "import", str(indented))
    # (only a file that is not JSON is read again whole: the other records, piece by piece)
    assert bool(read_whole) == (name == "a note that is not text")
    whole = run("--db", str(tmp_path / "whole"), "import", str(compact))
    where = re.compile(r"byte \d+")  # (of one file or the other, where JSON is refused)
    assert where.sub("", fast.stderr) == where.sub("", whole.stderr)
    assert (fast.exit_code, fast.stdout) == (whole.exit_code, whole.stdout)
    assert diary_files(tmp_path / "fast") == diary_files(tmp_path / "whole")


# -- through the command line ----------------------------------------------------------------


@pytest.fixture
def history(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An export of two years of a demo diary (~2 200 entries, three year files), read in
    small blocks so that it comes in many pieces."""
    monkeypatch.setattr(formats, "BLOCK_BYTES", 4096)
    source = tmp_path / "source"
    assert run("demo", "--days", "730", "--per-day", "3", "--db", str(source)).exit_code == 0
    exported = tmp_path / "history.json"
    assert run("--db", str(source), "export", "-o", str(exported)).exit_code == 0
    return exported


def compacted(exported: Path) -> Path:
    """The same export in one line: read whole, entry by entry (the slow way)."""
    compact = exported.with_name("compact.json")
    compact.write_text(json.dumps(json.loads(exported.read_text())))
    return compact


def test_an_import_of_an_export_is_the_slow_import_file_for_file(
    run: Run, history: Path, tmp_path: Path
) -> None:
    fast = run("--db", str(tmp_path / "fast"), "import", str(history))
    slow = run("--db", str(tmp_path / "slow"), "import", str(compacted(history)))
    assert fast.exit_code == 0, fast.output
    assert fast.stdout == slow.stdout == "Imported 2188 entries and 3 treatment courses.\n"
    assert snapshot(tmp_path / "fast") == snapshot(tmp_path / "slow")
    for path in (tmp_path / "fast").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600, path
    again = run("--db", str(tmp_path / "fast"), "import", str(history))
    assert again.stdout == (
        "Imported 0 entries and 0 treatment courses; 2188 entries and 3 treatment courses "
        "were already in the diary.\n"
    )
    assert snapshot(tmp_path / "fast") == snapshot(tmp_path / "slow")
    assert run("--db", str(tmp_path / "fast"), "check").exit_code == 0


def test_bad_entries_deep_in_a_big_export_are_named_and_nothing_is_written(
    run: Run, history: Path, diary_dir: Path
) -> None:
    run("add", "5", "-n", "mine")
    before = snapshot(diary_dir)
    document = json.loads(history.read_text())
    document["entries"][1199]["pain"] = 11
    document["entries"][2099]["at"] = "2099-01-01T10:00:00+01:00"
    history.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    result = run("import", str(history))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: nothing imported: 2 invalid entries\n"
        "  entry 1200: pain must be a whole number from 0 to 10\n"
        "  entry 2100: at 2099-01-01T10:00:00+01:00 is in the future\n"
    )
    assert snapshot(diary_dir) == before  # not a year staged and left behind either


def test_an_import_into_a_diary_skips_what_it_holds_as_the_slow_import_does(
    run: Run, history: Path, tmp_path: Path
) -> None:
    document = json.loads(history.read_text())
    part = dict(document, entries=document["entries"][700:1500:3], treatments=[])
    some = tmp_path / "some.json"
    some.write_text(json.dumps(part, indent=2))
    for name in ("fast", "slow"):
        assert run("--db", str(tmp_path / name), "import", str(some)).exit_code == 0
    fast = run("--db", str(tmp_path / "fast"), "import", str(history))
    slow = run("--db", str(tmp_path / "slow"), "import", str(compacted(history)))
    assert fast.stdout == slow.stdout
    assert fast.stdout == (
        "Imported 1921 entries and 3 treatment courses; 267 entries were already in the diary.\n"
    )
    assert diary_files(tmp_path / "fast") == diary_files(tmp_path / "slow")


def test_a_conflict_is_told_after_the_bad_entries_and_changes_nothing(
    run: Run, history: Path, diary_dir: Path
) -> None:
    assert run("import", str(history)).exit_code == 0
    before = snapshot(diary_dir)
    document = json.loads(history.read_text())
    document["entries"][1500]["pain"] = (document["entries"][1500]["pain"] + 1) % 11
    history.write_text(json.dumps(document, indent=2))
    refused = run("import", str(history))
    assert refused.exit_code == 1
    number = 1501  # the diary numbered them in the file's order
    assert refused.stderr == (
        f"Error: entry #{number} of the diary and an entry of the file share uid "
        f"{document['entries'][1500]['uid']} but differ in pain; nothing was imported. Import "
        f"a file without that entry, or delete #{number} first to take the file's.\n"
    )
    document["entries"][2000]["fog"] = 12
    history.write_text(json.dumps(document, indent=2))
    refused = run("import", str(history))
    assert refused.stderr == (
        "Error: nothing imported: 1 invalid entry\n"
        "  entry 2001: fog must be a whole number from 0 to 10\n"
    )
    assert snapshot(diary_dir) == before


def test_an_export_out_of_time_order_is_read_by_pieces_all_the_same(
    run: Run, history: Path, tmp_path: Path
) -> None:
    import random

    document = json.loads(history.read_text())
    random.Random(4).shuffle(document["entries"])  # years come back again and again
    history.write_text(json.dumps(document, indent=2))
    fast = run("--db", str(tmp_path / "fast"), "import", str(history))
    slow = run("--db", str(tmp_path / "slow"), "import", str(compacted(history)))
    assert fast.exit_code == 0 and fast.stdout == slow.stdout
    assert diary_files(tmp_path / "fast") == diary_files(tmp_path / "slow")
    assert not [p for p in (tmp_path / "fast").iterdir() if p.name.endswith(".tmp")]


def test_a_file_that_breaks_off_after_its_entries_is_read_whole_and_refused(
    run: Run, history: Path, diary_dir: Path
) -> None:
    run("add", "5")
    before = snapshot(diary_dir)
    history.write_bytes(history.read_bytes().rstrip()[:-1])  # its last "}" gone
    result = run("import", str(history))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot import: not valid JSON")
    assert snapshot(diary_dir) == before


# -- the pieces below ------------------------------------------------------------------------


def test_a_staged_file_waits_for_the_commit_and_goes_if_the_change_is_given_up(
    tmp_path: Path,
) -> None:
    (tmp_path / "2025.json").write_bytes(b"old")
    change = Transaction(tmp_path)
    staged = change.stage(tmp_path / "2025.json", [b"ne", b"w"])
    assert staged.read_bytes() == b"new" and staged.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "2025.json").read_bytes() == b"old"
    again = change.stage(tmp_path / "2025.json", b"newer")  # staged again: the first goes
    assert not staged.exists()
    change.write(tmp_path / "meta.json", b"meta")
    change.commit()
    assert (tmp_path / "2025.json").read_bytes() == b"newer" and not again.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025.json", "meta.json"]
    given_up = Transaction(tmp_path)
    given_up.stage(tmp_path / "2026.json", b"x")
    given_up.discard()
    given_up.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025.json", "meta.json"]


def test_demo_years_stored_as_they_come_are_what_a_batch_stores(tmp_path: Path) -> None:
    from fibrolog.demo import entries_of, generate

    now = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    streamed, batched = Diary(tmp_path / "streamed"), Diary(tmp_path / "batched")
    assert streamed.add_all(entries_of(800, 2, 3, now)) == 1599
    batched.add_many(generate(800, 2, 3, now))
    assert snapshot(streamed.folder) == snapshot(batched.folder)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entries(), max_size=6), st.integers(1, 3))
def test_csv_rows_of_stored_entries_are_the_rows_of_entries(
    batch: list[Entry], per_piece: int
) -> None:
    rows = "".join(iter_csv(batch))
    names = sorted({name for entry in batch for name in entry.symptoms})
    assert "".join(iter_csv([checked(e) for e in batch], names, per_piece)) == rows
    if names:
        with pytest.raises(FibrologError, match="changed while it was being exported"):
            "".join(iter_csv(batch, names[1:]))
