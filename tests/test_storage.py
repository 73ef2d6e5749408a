"""The storage seam: AtomicJSONStorage honours TinyDB's storage contract exactly as TinyDB's own
MemoryStorage does (one parametrised fixture, as TinyDB's own suite tests its storages)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from fibrolog.store.storage import AtomicJSONStorage, load_tables


@pytest.fixture(params=["memory", "atomic-json"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TinyDB]:
    if request.param == "memory":
        database = TinyDB(storage=MemoryStorage)
    else:
        database = TinyDB(tmp_path / "2026.json", storage=AtomicJSONStorage)
    yield database
    database.close()


def test_explicit_ids_are_kept_and_never_reused(db: TinyDB) -> None:
    table = db.table("entries", cache_size=0)
    table.insert_multiple([Document({"n": 1}, doc_id=7), Document({"n": 2}, doc_id=9)])
    table.remove(doc_ids=[9])
    table.insert(Document({"n": 3}, doc_id=10))
    assert sorted(d.doc_id for d in table.all()) == [7, 10]
    assert table.get(doc_id=10) == {"n": 3}


def test_upsert_and_remove(db: TinyDB) -> None:
    table = db.table("entries", cache_size=0)
    table.insert(Document({"pain": 5}, doc_id=1))
    table.upsert(Document({"pain": 2}, doc_id=1))
    assert table.get(doc_id=1) == {"pain": 2}
    table.remove(doc_ids=[1])
    assert table.all() == []


def test_the_file_holds_exactly_what_tinydb_wrote(tmp_path: Path) -> None:
    path = tmp_path / "2026.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("entries").insert(Document({"note": "ünïcode 😣 [x]"}, doc_id=3))
    assert path.read_text(encoding="utf-8") == '{"entries":{"3":{"note":"ünïcode 😣 [x]"}}}'
    assert load_tables(path, "entries") == {"entries": {"3": {"note": "ünïcode 😣 [x]"}}}
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".*.tmp")), "no temp file is left behind"


def test_an_insert_reads_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fibrolog.store.storage as store

    path = tmp_path / "2026.json"
    TinyDB(path, storage=AtomicJSONStorage).table("entries").insert(Document({"n": 1}, doc_id=1))
    reads: list[Path] = []
    real = store._load_tables
    monkeypatch.setattr(
        store, "_load_tables", lambda p, t, *rest: reads.append(p) or real(p, t, *rest)
    )
    TinyDB(path, storage=AtomicJSONStorage).table("entries", cache_size=0).insert(
        Document({"n": 2}, doc_id=2)
    )
    assert reads == [path]


def test_a_write_whose_pieces_fail_leaves_the_old_file(tmp_path: Path) -> None:
    from fibrolog.store.safefile import atomic_write

    target = tmp_path / "export.json"
    atomic_write(target, b"old")

    def pieces() -> Iterator[bytes]:
        yield b"new, half"
        raise RuntimeError("a year file turned out damaged")

    with pytest.raises(RuntimeError):
        atomic_write(target, pieces())
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"], "no temporary file left"
    atomic_write(target, iter([b"new ", b"whole"]))
    assert target.read_bytes() == b"new whole"


def test_a_parse_pauses_garbage_collection_and_restores_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from fibrolog.store import storage as store

    path = tmp_path / "2026.json"
    path.write_bytes(b'{"entries": {}}')
    seen: list[bool] = []
    real_decode = store.msgspec.json.decode

    def spying(raw: bytes) -> object:
        seen.append(gc.isenabled())
        return real_decode(raw)

    monkeypatch.setattr(store.msgspec.json, "decode", spying)
    was = gc.isenabled()
    try:
        for collecting in (True, False):
            (gc.enable if collecting else gc.disable)()
            assert load_tables(path, "entries") == {"entries": {}}
            assert gc.isenabled() is collecting, "the collector is left as it was"
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False, False], "no collection while parsing"
