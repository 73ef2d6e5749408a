"""The merge of two copies of a diary (store/merge.py), its files (store/combine.py,
changes.py, conflicts.py): identity by uid, tombstones, later edits, numbers, and a merge
that a SIGKILL cannot leave half done."""

import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fibrolog.cli.options import may_be_copy
from fibrolog.models import Entry
from fibrolog.store.changes import read_changes
from fibrolog.store.combine import merge_copies, merge_driver, read_diary
from fibrolog.store.conflicts import copies, might_be_copy, original_of
from fibrolog.store.diary import Diary
from fibrolog.store.documents import entry_document
from fibrolog.store.merge import Edit, Gone, Side, merge, version_of

from .conftest import Run

ROOT = Path(__file__).parent.parent


def uid(n: int) -> str:
    return f"{n:032x}"


def doc(n: int, number: int, pain: int = 5, logged: int = 0, note: str = "") -> dict[str, Any]:
    """An entry document as a year file keeps it, with its number; `logged` in minutes."""
    stamp = datetime.fromisoformat(f"2026-11-20T{8 + logged // 60:02d}:{logged % 60:02d}:00+01:00")
    entry = Entry.build(uid=uid(n), at=stamp, logged=stamp, pain=pain, note=note)
    return {**entry_document(entry), "id": number}


def edit(document: dict[str, Any], minute: int) -> Edit:
    return Edit(f"2026-11-21T10:{minute:02d}:00+01:00", version_of(document))


def numbers(side: Side) -> dict[str, int]:
    return {d["uid"]: d["id"] for d in side.entries}


# -- the rules --------------------------------------------------------------------------------


def test_the_same_entry_in_both_copies_is_kept_once() -> None:
    both = [doc(1, 1), doc(2, 2)]
    merged, report = merge(Side(entries=both, next_entry=3), Side(entries=both, next_entry=3))
    assert merged.entries == both
    assert not report.changed()


def test_two_entries_with_one_number_both_stay_and_the_later_one_moves() -> None:
    ours = Side(entries=[doc(1, 1), doc(2, 2, logged=30)], next_entry=3)
    theirs = Side(entries=[doc(1, 1), doc(3, 2, logged=10)], next_entry=3)
    merged, report = merge(ours, theirs)
    assert numbers(merged) == {uid(1): 1, uid(3): 2, uid(2): 3}  # logged earlier keeps #2
    assert merged.next_entry == 4
    assert [(c.was, c.number, c.theirs) for c in report.renumbered] == [(2, 3, False)]
    assert [(c.was, c.number) for c in report.added] == [(2, 2)]


def test_a_fresh_number_is_above_every_number_either_copy_handed_out() -> None:
    ours = Side(entries=[doc(1, 1)], next_entry=9)  # 2 … 8 were deleted here
    theirs = Side(entries=[doc(2, 1, logged=5)], next_entry=2)
    merged, _ = merge(ours, theirs)
    assert numbers(merged) == {uid(1): 1, uid(2): 9}
    assert merged.next_entry == 10


def test_a_deleted_entry_never_comes_back_and_its_number_stays_used() -> None:
    gone = {uid(2): Gone("2026-11-22T10:00:00+01:00", "entry", 2)}
    ours = Side(entries=[doc(1, 1)], deleted=gone, next_entry=3)
    theirs = Side(entries=[doc(1, 1), doc(2, 2, pain=9)], next_entry=3)
    merged, _ = merge(ours, theirs)
    assert numbers(merged) == {uid(1): 1}
    assert uid(2) in merged.deleted
    back, report_back = merge(theirs, ours)
    assert back == merged
    assert [c.number for c in report_back.deleted] == [2]
    # Another entry the other copy logged under the deleted number gets another one.
    again, report = merge(merged, Side(entries=[doc(3, 2)]))
    assert numbers(again) == {uid(1): 1, uid(3): 3}
    assert [(c.was, c.number, c.theirs) for c in report.renumbered] == [(2, 3, True)]


def test_the_later_edit_wins_and_the_conflict_is_reported() -> None:
    base = doc(1, 1, pain=5)
    mine, other = doc(1, 1, pain=7), doc(1, 1, pain=2)
    ours = Side(entries=[mine], edited={uid(1): edit(mine, 10)}, next_entry=2)
    theirs = Side(entries=[other], edited={uid(1): edit(other, 20)}, next_entry=2)
    merged, report = merge(ours, theirs)
    assert merged.entries == [other]
    assert merged.edited == {uid(1): edit(other, 20)}
    assert [c.number for c in report.edited] == [1]
    assert [(c.number, c.when) for c in report.conflicts] == [(1, "2026-11-21T10:20:00+01:00")]
    # An edit on one side only beats the untouched version, whatever the numbers say.
    merged, report = merge(Side(entries=[base], next_entry=2), theirs)
    assert merged.entries == [other] and not report.conflicts


def test_an_edit_time_counts_only_for_the_version_it_made() -> None:
    """A shared changes.json knows the other device's edit: it must not credit our old
    version with it."""
    old, edited = doc(1, 1, pain=5), doc(1, 1, pain=8)
    shared = {uid(1): edit(edited, 30)}
    merged, _ = merge(Side(entries=[old], edited=shared), Side(entries=[edited], edited=shared))
    assert merged.entries == [edited]


def test_assessments_are_matched_by_kind_and_time() -> None:
    fiqr = {"kind": "fiqr", "at": "2026-11-20T09:00:00+01:00", "total": 40.0, "id": 1}
    acr = {"kind": "acr2016", "at": "2026-11-21T09:00:00+01:00", "wpi": 9, "id": 1}
    merged, report = merge(Side(assessments=[fiqr]), Side(assessments=[acr, {**fiqr, "id": 0}]))
    assert [(a["kind"], a["id"]) for a in merged.assessments] == [("fiqr", 1), ("acr2016", 2)]
    assert len(report.added) == 1


def test_a_side_with_a_uid_or_a_number_twice_is_made_whole() -> None:
    torn = Side(entries=[doc(1, 1), doc(1, 4), doc(2, 2), doc(3, 2, logged=9)], next_entry=5)
    settled, report = merge(torn, Side())
    assert numbers(settled) == {uid(1): 1, uid(2): 2, uid(3): 5}
    assert settled.next_entry == 6
    assert [(c.was, c.number) for c in report.renumbered] == [(2, 5)]


# -- commutative and idempotent, on random pairs ----------------------------------------------


@st.composite
def sides(draw: st.DrawFn) -> Side:
    """A copy of a small diary: a few of eight entries, numbered 1…6 (clashes likely), some
    edited (with times), some deleted."""
    entries, edited, deleted = [], {}, {}
    for n in range(1, 9):
        state = draw(st.sampled_from(["absent", "kept", "edited", "deleted"]))
        if state == "deleted":
            when = f"2026-11-22T10:{draw(st.integers(0, 59)):02d}:00+01:00"
            deleted[uid(n)] = Gone(when, "entry", draw(st.integers(0, 6)))
        elif state != "absent":
            document = doc(n, draw(st.integers(1, 6)), draw(st.integers(0, 3)), logged=n)
            entries.append(document)
            if state == "edited":
                edited[uid(n)] = edit(document, draw(st.integers(0, 59)))
    return Side(entries=entries, edited=edited, deleted=deleted, next_entry=draw(st.integers(1, 9)))


def whole(side: Side) -> None:
    numbers = {d["id"] for d in side.entries}
    assert not numbers & {gone.number for gone in side.deleted.values()}  # never handed out again
    assert len({d["uid"] for d in side.entries}) == len(side.entries)
    assert len({d["id"] for d in side.entries}) == len(side.entries)
    assert not {d["uid"] for d in side.entries} & side.deleted.keys()
    assert all(d["id"] < side.next_entry for d in side.entries)


@given(sides(), sides())
def test_merging_is_commutative_and_idempotent(a: Side, b: Side) -> None:
    ab, _ = merge(a, b)
    ba, _ = merge(b, a)
    assert ab == ba  # the same entries by uid, and the same numbers too
    whole(ab)
    for again in (ab, a, b):
        merged, report = merge(ab, again)
        assert merged == ab
        assert not report.changed()
    present = {d["uid"] for d in a.entries + b.entries} - a.deleted.keys() - b.deleted.keys()
    assert {d["uid"] for d in ab.entries} == present  # nothing lost, nothing deleted back


# -- the files --------------------------------------------------------------------------------


def test_delete_leaves_a_tombstone_without_health_data(run: Run, diary_dir: Path) -> None:
    assert run("add", "6", "-n", "a private note").exit_code == 0
    assert run("add", "3").exit_code == 0
    shown = json.loads(run("show", "1", "--json").stdout)
    assert run("edit", "2", "--pain", "4").exit_code == 0
    assert run("delete", "1", "--yes").exit_code == 0
    changes = read_changes(diary_dir / "changes.json")
    assert changes.deleted == {shown["uid"]: Gone("2026-11-23T09:15:00+01:00", "entry", 1)}
    text = (diary_dir / "changes.json").read_text()
    assert "private" not in text and '"pain"' not in text
    assert oct((diary_dir / "changes.json").stat().st_mode & 0o777) == "0o600"
    assert len(changes.edited) == 1
    # Importing the deleted entry again on purpose lifts its tombstone.
    exported = diary_dir.parent / "one.json"
    exported.write_text(json.dumps({"format": "fibrolog", "schema": 1, "entries": [shown]}))
    assert run("import", str(exported)).exit_code == 0
    assert read_changes(diary_dir / "changes.json").deleted == {}


def test_a_diary_from_before_changes_json_merges(run: Run, diary_dir: Path) -> None:
    for pain in ("4", "5"):
        assert run("add", pain).exit_code == 0
    assert not (diary_dir / "changes.json").exists()
    copy = diary_dir / "2026 (conflicted copy 2026-12-03 101010).json"
    shutil.copy2(diary_dir / "2026.json", copy)
    assert run("add", "6").exit_code == 0
    assert not copy.exists()
    assert run("check").exit_code == 0
    assert len(Diary(diary_dir).entries()) == 3


@pytest.mark.parametrize(
    "name, original",
    [
        ("2026.sync-conflict-20261203-101010-ABCDEFG.json", "2026.json"),
        ("meta (Laptop's conflicted copy 2026-12-03).json", "meta.json"),
        ("treatments (conflicted copy 2026-12-03 101010).json", "treatments.json"),
        ("changes (conflicted copy alice 2026-12-03 101010).json", "changes.json"),
        ("2026 (Laptop's conflicted copy 2026-12-03 (1)).json", "2026.json"),
        ("assessments-DESKTOP-1A2B3C.json", "assessments.json"),
        ("2026.json", None),
        ("meta.json", None),
        (".2026.json.4242.tmp", None),
        ("2026.json.damaged-20261203T101010", None),
        ("notes (conflicted copy 2026-12-03).json", None),
        ("2026-export.json", None),
    ],
)
def test_conflict_copies_are_known_by_their_names(name: str, original: str | None) -> None:
    assert original_of(name) == original
    if original:
        assert might_be_copy(name) and may_be_copy(name)
    assert copies([name]) == ([(name, original)] if original else [])


def test_the_diarys_own_files_are_never_taken_for_copies() -> None:
    own = ["meta.json", "2026.json", "assessments.json", "treatments.json", "changes.json"]
    for check in (might_be_copy, may_be_copy):
        assert not any(map(check, [*own, ".lock", "backups", ".2026.json.1.tmp"]))


def test_git_driver_merges_one_year_file_with_its_ancestor(tmp_path: Path) -> None:
    def year_file(name: str, *docs: dict[str, Any]) -> Path:
        path = tmp_path / name
        body = {str(d["id"]): {k: v for k, v in d.items() if k != "id"} for d in docs}
        path.write_text(json.dumps({"entries": body}))
        return path

    ancestor = year_file("O", doc(1, 1), doc(2, 2))
    ours = year_file("A", doc(1, 1, pain=9), doc(2, 2), doc(3, 3, logged=20))  # edited, added
    theirs = year_file("B", doc(1, 1), doc(4, 3, logged=10))  # deleted #2, added
    assert merge_driver(ancestor, ours, theirs, str(tmp_path / "diary" / "2026.json"))
    merged = json.loads(ours.read_text())["entries"]
    assert {k: (v["uid"], v["pain"]) for k, v in merged.items()} == {
        "1": (uid(1), 9),
        "3": (uid(4), 5),
        "4": (uid(3), 5),
    }
    assert not merge_driver(ancestor, ours, theirs, "notes.txt")


# -- a merge killed at any step ---------------------------------------------------------------

CHILD = """
import os, sys
from pathlib import Path
from fibrolog.store.combine import merge_copies
from fibrolog.store.diary import Diary

folder = Path(sys.argv[1])
real_replace, real_unlink = os.replace, os.unlink

def step(what):
    print(what, flush=True)
    sys.stdin.readline()  # the parent kills us here, or lets us go on

def replace(source, target, *args, **kwargs):
    step(f"replace {Path(target).name}")
    real_replace(source, target, *args, **kwargs)
    step(f"replaced {Path(target).name}")

def unlink(path, *args, **kwargs):
    step(f"unlink {Path(path).name}")
    real_unlink(path, *args, **kwargs)

os.replace, os.unlink = replace, unlink
merge_copies(Diary(folder))
print("done", flush=True)
"""


def merged_state(folder: Path) -> tuple[dict[str, Any], set[str]]:
    """What a diary holds, by uid (numbers may differ: a counter written before a kill
    hands out others), and the files beside it."""
    _, side = read_diary(Diary(folder))
    whole(side)
    held = {d["uid"]: {k: v for k, v in d.items() if k != "id"} for d in side.entries}
    courses = {d["uid"]: {k: v for k, v in d.items() if k != "id"} for d in side.courses}
    names = {p.name for p in folder.iterdir() if p.name.endswith(".json")}
    return {"entries": held, "courses": courses, "deleted": side.deleted}, names


def kill_at(folder: Path, point: int | None) -> list[str]:
    """Run the merge in a child; SIGKILL it at its `point`-th step (None: let it finish).
    Returns the steps it confirmed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdin is not None and child.stdout is not None
    steps: list[str] = []
    for line in child.stdout:
        if line.strip() == "done":
            break
        steps.append(line.strip())
        if point is not None and len(steps) == point:
            child.send_signal(signal.SIGKILL)
            break
        child.stdin.write("\n")
        child.stdin.flush()
    child.wait(timeout=60)
    child.stdin.close()
    child.stdout.close()
    return steps


def test_a_merge_killed_at_any_step_ends_whole_when_run_again(
    run: Run, diary_dir: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    for pain in ("4", "5", "6"):
        assert run("add", pain).exit_code == 0
    other = tmp_path / "other"
    shutil.copytree(diary_dir, other)
    assert run("add", "7").exit_code == 0
    assert run("delete", "1", "--yes").exit_code == 0
    other_env = {**cli_env, "FIBROLOG_DB": str(other)}
    from typer.testing import CliRunner

    from fibrolog.cli.app import app

    for args in (["add", "2"], ["edit", "2", "--pain", "9"]):
        assert CliRunner().invoke(app, args, env=other_env).exit_code == 0
    for path in other.glob("*.json"):
        if (diary_dir / path.name).read_bytes() != path.read_bytes():
            shutil.copy2(
                path, diary_dir / f"{path.stem}.sync-conflict-20261203-101010-ABCDEFG.json"
            )
    scenario = tmp_path / "scenario"
    shutil.copytree(diary_dir, scenario)
    reference = tmp_path / "reference"
    shutil.copytree(scenario, reference)
    steps = kill_at(reference, None)
    assert any(s.startswith("unlink 2026.sync-conflict") for s in steps)
    expected = merged_state(reference)
    assert len(expected[0]["entries"]) == 4 and not any("sync-conflict" in n for n in expected[1])
    for point in range(1, len(steps) + 1):
        folder = tmp_path / f"killed-{point}"
        shutil.copytree(scenario, folder)
        kill_at(folder, point)
        merge_copies(Diary(folder))  # the next command
        assert merged_state(folder) == expected, steps[point - 1]


def test_backups_holding_changes_json_restore_like_any_other(run: Run, diary_dir: Path) -> None:
    for pain in ("4", "5", "6"):
        assert run("add", pain).exit_code == 0
    assert run("delete", "1", "--yes").exit_code == 0
    assert run("delete", "2", "--yes").exit_code == 0  # its backup holds changes.json
    rows = json.loads(run("backups", "--json").stdout)
    assert "changes.json" in rows[0]["files"] and rows[0]["damaged"] == []
    assert run("restore", "latest", "--yes").exit_code == 0
    assert [e.id for e in Diary(diary_dir).entries()] == [2, 3]
    assert len(read_changes(diary_dir / "changes.json").deleted) == 1
    assert run("check").exit_code == 0


def test_an_entry_a_restore_brings_back_is_not_deleted_again(run: Run, diary_dir: Path) -> None:
    for pain in ("4", "5"):
        assert run("add", pain).exit_code == 0
    assert run("delete", "1", "--yes").exit_code == 0
    backup = Diary(diary_dir).backups()[-1].path.name
    assert run("restore", backup, "--file", "2026.json", "--yes").exit_code == 0
    assert read_changes(diary_dir / "changes.json").deleted == {}
    shutil.copy2(diary_dir / "2026.json", diary_dir / "2026-LAPTOP.json")
    assert run("add", "6").exit_code == 0  # merges the copy first
    assert [e.id for e in Diary(diary_dir).entries()] == [1, 2, 3]
