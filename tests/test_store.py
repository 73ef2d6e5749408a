import json
import os
import re
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fibrolog.errors import CorruptDiary, LockTimeout, NotFound
from fibrolog.models import Entry
from fibrolog.store import migrations, storage
from fibrolog.store.diary import Diary
from fibrolog.store.safefile import exclusive_lock

from .conftest import snapshot

CET = timezone(timedelta(hours=1))


def make(day: str, pain: int = 5, uid: int = 0, **fields: object) -> Entry:
    at = datetime.fromisoformat(day).replace(tzinfo=CET)
    return Entry(uid=f"{uid:032x}", at=at, logged=at, pain=pain, **fields)  # type: ignore[arg-type]


def test_entries_go_to_their_year_file_with_private_modes(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    diary.add_many([make("2025-12-31T23:59", uid=1), make("2026-01-01T00:00", uid=2)])
    assert diary.years() == [2025, 2026]
    data = json.loads((diary_dir / "2025.json").read_text())
    assert list(data["entries"]) == ["1"]
    assert json.loads((diary_dir / "meta.json").read_text()) == {
        "_meta": {"1": {"schema": 2, "next_id": 3}}
    }
    assert stat.S_IMODE(diary_dir.stat().st_mode) == 0o700
    for path in diary_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_an_add_reads_and_writes_only_its_year(
    diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = Diary(diary_dir)
    diary.add_many([make(f"{year}-06-01T12:00", uid=year) for year in range(2015, 2026)])
    touched: list[str] = []
    real_load = storage.load_tables
    monkeypatch.setattr(
        storage, "load_tables", lambda p, t, *rest: touched.append(p.name) or real_load(p, t, *rest)
    )
    Diary(diary_dir).add(make("2026-03-01T12:00", uid=9999))
    assert sorted(set(touched)) == ["2026.json", "meta.json"]


def test_finding_an_id_parses_only_the_year_that_holds_it(
    diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = Diary(diary_dir)
    # id 3 is dated 2017; a note and a symptom that look like the key must not mislead.
    batch = [make(f"{year}-06-01T12:00", uid=year) for year in range(2015, 2026)]
    batch.append(make("2024-01-01T09:00", uid=1, note='"3":{', symptoms={"3": 4}))
    diary.add_many(batch)
    parsed: list[str] = []
    real_load = storage.load_tables
    monkeypatch.setattr(
        storage, "load_tables", lambda p, t, *rest: parsed.append(p.name) or real_load(p, t, *rest)
    )
    assert Diary(diary_dir).get(3).at.year == 2017
    assert [name for name in parsed if name != "meta.json"] == ["2017.json"]
    parsed.clear()
    with pytest.raises(NotFound):
        Diary(diary_dir).get(999)
    assert [name for name in parsed if name != "meta.json"] == []
    # A year file laid out by hand (indented) is parsed rather than searched.
    path = diary_dir / "2016.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2))
    assert Diary(diary_dir).get(2).at.year == 2016


def test_count_reads_documents_without_being_misled(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    diary.add_many(
        [
            make("2025-06-01T12:00", uid=1, note='{"uid":"x'),
            make("2025-06-02T12:00", uid=2, symptoms={"uid": 3}),
            make("2026-06-01T12:00", uid=3),
        ]
    )
    assert diary.count() == 3 == len(diary.entries())
    path = diary_dir / "2026.json"
    path.write_text(json.dumps(json.loads(path.read_text()), indent=1))  # parsed instead
    assert Diary(diary_dir).count() == 3


def test_ids_are_never_reused_after_a_delete(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    _, second = diary.add_many([make("2026-01-01T10:00", uid=1), make("2026-01-02T10:00", uid=2)])
    diary.delete([second.id])
    third = diary.add(make("2026-01-03T10:00", uid=3))
    assert third.id == 3
    with pytest.raises(NotFound):
        diary.get(second.id)


def test_edit_that_moves_an_entry_to_another_year(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    entry = diary.add(make("2026-01-01T10:00", uid=1))
    moved = diary.update(Entry.from_dict(entry.to_dict() | {"at": "2025-12-31T10:00:00+01:00"}))
    assert diary.get(entry.id) == moved
    assert [e.id for e in diary.year_entries(2025)] == [1]
    assert diary.year_entries(2026) == []
    assert diary.backups(), "an edit makes a backup first"


GOOD_DOC = (
    b'{"entries":{"7":{"uid":"00000000000000000000000000000007","at":"2026-01-02T10:00:00+01:00",'
    b'"logged":"2026-01-02T10:00:00+01:00","pain":5,"fatigue":null,"fog":null,"stiffness":null,'
    b'"sleep_hours":null,"sleep_quality":null,"exertion":null,"regions":[],"tags":[],"meds":[],'
    b'"symptoms":{},"flare":false,"note":""}}}'
)


def test_an_add_checks_every_entry_of_its_year_and_keeps_their_bytes(diary_dir: Path) -> None:
    from fibrolog.store.documents import StoredEntry

    assert StoredEntry.__struct_fields__ == tuple(f for f in Entry.__struct_fields__ if f != "id")
    Diary(diary_dir).add(make("2026-01-01T10:00", uid=1))
    (diary_dir / "2026.json").write_bytes(GOOD_DOC)
    (diary_dir / "meta.json").write_text('{"_meta":{"1":{"schema":2,"next_id":8}}}')
    Diary(diary_dir).add(make("2026-02-01T10:00", uid=2))
    after = (diary_dir / "2026.json").read_bytes()
    assert after.startswith(GOOD_DOC[:-2] + b',"8":{"uid":"00000000000000000000000000000002"')
    assert [e.id for e in Diary(diary_dir).entries()] == [7, 8]


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("2026.json", b'{"entries":{"1":{"uid":"x', "truncated"),
        ("2026.json", b"", "truncated"),
        ("2026.json", b'{"entries": []}', "not an object"),
        ("2026.json", b'{"other": {}}', "no table 'entries'"),
        ("meta.json", b'{"_meta":{"1":{"schema":99,"next_id":2}}}', "newer fibrolog"),
        ("meta.json", b"[1, 2", "cut off"),
        ("meta.json", b"[1, 2}", "not valid JSON"),
    ],
)
def test_damaged_files_are_refused_and_never_written(
    diary_dir: Path, name: str, content: bytes, problem: str
) -> None:
    diary = Diary(diary_dir)
    diary.add(make("2026-01-01T10:00", uid=1))
    (diary_dir / name).write_bytes(content)
    before = snapshot(diary_dir)
    with pytest.raises(CorruptDiary, match=problem):
        Diary(diary_dir).add(make("2026-02-01T10:00", uid=2))
    with pytest.raises(CorruptDiary):
        Diary(diary_dir).entries()
    assert snapshot(diary_dir) == before


@pytest.mark.parametrize(
    "content, problem, key",
    [
        (b'{"entries":{"1":{"uid":"0","at":"x","logged":"x"}}}', "entry #1", 1),
        (GOOD_DOC.replace(b'"pain":5', b'"pain":12'), "entry #7 with a bad value (pain must", 7),
        (GOOD_DOC.replace(b'"note":""', b'"note":"","mood":1'), "unknown field", 7),
    ],
)
def test_one_bad_entry_is_set_aside_and_its_year_waits_for_it_to_be_mended(
    diary_dir: Path, content: bytes, problem: str, key: int
) -> None:
    diary = Diary(diary_dir)
    diary.add(make("2025-01-01T10:00", uid=9))
    (diary_dir / "2026.json").write_bytes(content)
    before = snapshot(diary_dir)
    with pytest.raises(CorruptDiary, match=re.escape(problem)):
        Diary(diary_dir).add(make("2026-02-01T10:00", uid=2))
    reading = Diary(diary_dir)
    assert [e.uid[-1] for e in reading.entries()] == ["9"], "the others are read"
    assert list(reading.set_aside) == [key], "the bad one is set aside, named"
    assert snapshot(diary_dir) == before


def test_migrations_run_in_order_with_a_backup(
    diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Diary(diary_dir).add(make("2026-01-01T10:00", uid=1))
    ran: list[str] = []
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, lambda folder: ran.append(folder.name)]
    )
    assert migrations.current_schema() == 3
    meta = Diary(diary_dir).open()
    assert meta.schema == 3 and ran == ["diary"]
    assert Diary(diary_dir).open().schema == 3 and ran == ["diary"], "runs once"
    (backup,) = Diary(diary_dir).backups()
    assert json.loads((backup.path / "meta.json").read_text())["_meta"]["1"]["schema"] == 2


# A diary as fibrolog kept it before exertion (schema 1): its entries have no "exertion".
SCHEMA_1_ENTRY = GOOD_DOC.replace(b'"exertion":null,', b"")


def test_a_diary_from_before_exertion_is_migrated_by_the_first_add(diary_dir: Path) -> None:
    diary_dir.mkdir(mode=0o700)
    (diary_dir / "2026.json").write_bytes(SCHEMA_1_ENTRY)
    (diary_dir / "meta.json").write_text('{"_meta":{"1":{"schema":1,"next_id":8}}}')
    before = snapshot(diary_dir)
    added = Diary(diary_dir).add(make("2026-02-01T10:00", uid=2, exertion=7))
    stored = json.loads((diary_dir / "2026.json").read_bytes())["entries"]
    assert list(stored["7"])[8:10] == ["sleep_quality", "exertion"]
    assert stored["7"]["exertion"] is None and stored["8"]["exertion"] == 7
    diary = Diary(diary_dir)
    assert diary.open().schema == 2
    assert [(e.id, e.exertion) for e in diary.entries()] == [(7, None), (added.id, 7)]
    (backup,) = diary.backups()
    assert snapshot(backup.path) == before, "the backup is the diary from before"


def test_a_reader_migrates_too_and_check_finds_nothing_wrong(run, diary_dir: Path) -> None:  # type: ignore[no-untyped-def]
    diary_dir.mkdir(mode=0o700)
    (diary_dir / "2026.json").write_bytes(SCHEMA_1_ENTRY)
    (diary_dir / "meta.json").write_text('{"_meta":{"1":{"schema":1,"next_id":8}}}')
    shown = run("show", "7", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["exertion"] is None
    checked = run("check")
    assert checked.exit_code == 0, checked.output


def test_only_the_newest_20_backups_are_kept(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    entry = diary.add(make("2026-01-01T10:00", uid=1))
    for pain in range(22):
        diary.update(Entry.from_dict(entry.to_dict() | {"pain": pain % 11}))
    backups = diary.backups()
    assert len(backups) == 20
    # the newest backup holds the state before the last edit (pain 20 % 11 = 9)
    newest = json.loads((backups[-1].path / "2026.json").read_text())
    assert newest["entries"]["1"]["pain"] == 9


def test_a_held_lock_gives_a_clear_error_after_the_timeout(diary_dir: Path) -> None:
    diary = Diary(diary_dir, lock_timeout=0.2)
    diary.add(make("2026-01-01T10:00", uid=1))
    with exclusive_lock(diary_dir / ".lock", 1), pytest.raises(LockTimeout, match="lock"):
        diary.add(make("2026-01-02T10:00", uid=2))
    assert len(diary.entries()) == 1


def test_interrupted_write_leaves_the_old_file(
    diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fibrolog.store import safefile

    diary = Diary(diary_dir)
    diary.add(make("2026-01-01T10:00", uid=1))
    before = snapshot(diary_dir)

    def crash(tmp: Path, target: Path) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(safefile, "_before_replace", crash)
    with pytest.raises(OSError):
        diary.add(make("2026-01-02T10:00", uid=2))
    after = snapshot(diary_dir)
    assert {name: data for name, data in after.items() if not name.startswith("backups/")} == before
    assert not [p for p in os.listdir(diary_dir) if p.endswith(".tmp")]


def test_newest_reads_only_recent_years_when_enough(
    diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    diary = Diary(diary_dir)
    diary.add_many(
        [
            make(f"{y}-06-{d:02d}T12:00", uid=y * 100 + d)
            for y in (2020, 2025, 2026)
            for d in range(1, 26)
        ]
    )
    read: list[int] = []
    real = Diary._stored_documents
    monkeypatch.setattr(Diary, "_stored_documents", lambda self, y: read.append(y) or real(self, y))
    newest = diary.newest(20)
    assert read == [2026]
    assert [e.at.day for e in newest] == list(range(6, 26))


def test_an_add_after_reading_its_year_takes_the_parse_only_if_the_file_is_unchanged(
    diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`again` reads the newest entry, then adds to the same year: the add, under the lock,
    takes the parse it remembers only while the file holds the same bytes. An entry another
    process added in between is kept."""
    diary = Diary(diary_dir)
    diary.add(make("2026-03-01T09:00", uid=1, tags=["walk"]))
    decoded: list[str] = []
    real = storage._load_tables

    def counting(path: Path, *args: object) -> object:
        decoded.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "_load_tables", counting)
    assert [e.uid for e in diary.newest(1)] == [f"{1:032x}"]
    assert decoded.count("2026.json") == 1
    diary.add(make("2026-03-02T09:00", uid=2))
    assert decoded.count("2026.json") == 1  # the same bytes: not decoded again
    Diary(diary_dir).add(make("2026-03-03T09:00", uid=3))  # another process, in between
    diary.add(make("2026-03-04T09:00", uid=4))
    assert decoded.count("2026.json") == 3  # changed bytes: decoded again, by both
    uids = [int(e.uid, 16) for e in Diary(diary_dir).newest(None)]
    assert uids == [1, 2, 3, 4]


def test_import_skips_known_uids(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    diary.add(make("2026-01-01T10:00", uid=1))
    added, skipped = diary.import_entries(
        [make("2026-01-01T10:00", uid=1), make("2026-01-02T10:00", uid=2)]
    )
    assert [e.uid for e in added] == [f"{2:032x}"] and skipped == 1
    assert diary.import_entries([make("2026-01-02T10:00", uid=2)]) == ([], 1)


def test_newest_matches_a_full_sort_whatever_the_offsets_and_filters(diary_dir: Path) -> None:
    import random

    rng = random.Random(5)
    entries = []
    for i in range(400):
        offset = timezone(timedelta(hours=rng.choice([-10, -3, 0, 1, 5.5, 9, 14])))
        at = datetime(2026, 1, 1, tzinfo=offset) + timedelta(
            minutes=rng.randrange(0, 60 * 24 * 300)
        )
        at = at.replace(second=0, microsecond=0)
        entries.append(
            Entry(
                uid=f"{i:032x}", at=at, logged=at, pain=rng.randrange(11), flare=rng.random() < 0.2
            )
        )
    diary = Diary(diary_dir)
    diary.add_many(entries)
    everything = diary.entries()
    for limit in (1, 5, 20, 399, 500):
        for keep in (lambda e: True, lambda e: e.flare, lambda e: (e.pain or 0) >= 8):
            expected = [e for e in everything if keep(e)][-limit:]
            assert diary.newest(limit, keep) == expected, limit


def test_backup_folder_names_are_read_strictly() -> None:
    from fibrolog.store.backups import _backup_stamp

    assert _backup_stamp("20261123T091500") == (datetime(2026, 11, 23, 9, 15), 1)
    assert _backup_stamp("20261123T091500-3") == (datetime(2026, 11, 23, 9, 15), 3)
    for name in (
        "20261323T091500",  # month 13
        "20261123T091500-",
        "20261123T091500-x",
        "20261123 091500",
        "2026112T0915000",
        "２0261123T091500",  # a full-width digit
        "notes.txt",
        "",
    ):
        assert _backup_stamp(name) is None, name


def test_add_snapshots_only_when_the_newest_backup_is_a_day_old(diary_dir: Path) -> None:
    diary = Diary(diary_dir)
    diary.add(make("2026-11-20T10:00", uid=1))  # nothing to back up yet
    (diary_dir / "backups").mkdir(mode=0o700)
    (diary_dir / "backups" / "notes.txt").write_text("not a backup")
    diary.add(make("2026-11-21T10:00", uid=2))
    first = [b.path.name for b in diary.backups()]
    assert len(first) == 1, "an add with no backup younger than a day makes one"
    diary.add(make("2026-11-22T10:00", uid=3))
    assert [b.path.name for b in diary.backups()] == first, "a fresh backup is enough"
    (diary_dir / "backups" / first[0]).rename(diary_dir / "backups" / "20200101T000000")
    diary.add(make("2026-11-23T10:00", uid=4))
    assert len(diary.backups()) == 2, "a day-old newest backup gets a fresh one"
