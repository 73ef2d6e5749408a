"""It never loses an entry: check, backups, restore, crashes, concurrency, fuzzing, privacy."""

import json
import os
import random
import re
import shlex
import signal
import stat
import subprocess
import sys
import textwrap
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fibrolog.models import Entry
from fibrolog.store.diary import Diary
from fibrolog.store.recovery import problems

from .conftest import Run, flat, snapshot

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def test_check_reports_a_whole_diary_and_writes_nothing(run: Run, diary_dir: Path) -> None:
    run("add", "5")
    run("add", "6", "--at", "2025-05-01 10:00", "--yes")
    (diary_dir / ".lock").unlink()
    before = snapshot(diary_dir)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert flat(result.stdout) == f"✓ The diary in {diary_dir} is whole: 2 entries in 2 year files."
    assert snapshot(diary_dir) == before and not (diary_dir / ".lock").exists()


@pytest.mark.parametrize("other_year", [False, True])
def test_check_names_a_uid_kept_twice_in_a_year_or_across_years(
    run: Run, diary_dir: Path, other_year: bool
) -> None:
    """Whole year files are proved at once; a uid or id seen twice is still named."""
    for day in (2, 3, 4):
        run("add", "5", "--at", f"2026-01-0{day} 10:00")
    year = json.loads((diary_dir / "2026.json").read_text())
    twin = dict(year["entries"]["3"], uid=year["entries"]["1"]["uid"])
    if other_year:
        del year["entries"]["3"]
        twin["at"] = "2025-12-31T10:00:00+01:00"
        (diary_dir / "2025.json").write_text(json.dumps({"entries": {"3": twin}}))
    else:
        year["entries"]["3"] = twin
    (diary_dir / "2026.json").write_text(json.dumps(year))
    result = run("check")
    assert result.exit_code == 1
    first, then = ("2025.json", "2026.json") if other_year else ("2026.json", "2026.json")
    assert f"entries in {first} and {then} share uid {twin['uid']}" in flat(result.stdout)
    assert "1 problem" in result.stderr


def test_check_finds_every_kind_of_problem(run: Run, diary_dir: Path) -> None:
    run("add", "5", "--at", "2026-01-02 10:00")
    run("add", "6", "--at", "2026-01-03 10:00")
    year = json.loads((diary_dir / "2026.json").read_text())
    year["entries"]["2"]["pain"] = 42
    (diary_dir / "2026.json").write_text(json.dumps(year))
    copy = {"entries": {"1": json.loads((diary_dir / "2026.json").read_text())["entries"]["1"]}}
    copy["entries"]["1"]["at"] = "2025-12-31T10:00:00+01:00"
    (diary_dir / "2025.json").write_text(json.dumps(copy))
    (diary_dir / "meta.json").write_text('{"_meta":{"1":{"schema":1,"next_id":2}}}')
    before = snapshot(diary_dir)
    result = run("check")
    assert result.exit_code == 1
    said = flat(result.stdout)
    assert "entry #2: pain must be a whole number from 0 to 10" in said
    assert "entry #1 is in both 2025.json and 2026.json" in said
    assert "next_id 2 is not above the highest id 2" in said
    assert result.stderr.startswith("Error: the diary in") and "3 problems" in result.stderr
    assert snapshot(diary_dir) == before


def test_check_reports_a_document_with_missing_or_extra_fields(run: Run, diary_dir: Path) -> None:
    run("add", "5")
    year = json.loads((diary_dir / "2026.json").read_text())
    del year["entries"]["1"]["fog"]
    year["entries"]["1"]["mood"] = 3
    (diary_dir / "2026.json").write_text(json.dumps(year))
    result = run("check")
    assert result.exit_code == 1
    assert "entry #1 has missing or extra fields (fog, mood)" in flat(result.stdout)


def test_backups_list_and_restore_asks_first(run: Run, run_json, diary_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("add", "5")
    run("add", "6")  # the first add of a diary with files makes the daily backup
    run("edit", "1", "--pain", "2")
    listed = run_json("backups")
    assert len(listed) == 2 and listed[0]["entries"] == 2 and "2026.json" in listed[0]["files"]
    assert "Restore one with" in run("backups").stdout
    before = snapshot(diary_dir)
    assert run("restore", "latest", input="n\n").exit_code == 1
    assert snapshot(diary_dir) == before
    result = run("restore", listed[0]["name"], input="y\n")
    assert result.exit_code == 0, result.output
    assert run_json("show", "1")["pain"] == 5
    assert run("restore", "nope", "--yes").exit_code == 1


def test_following_the_printed_advice_gets_every_entry_of_the_last_backup(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    for pain in range(6):
        run("add", str(pain), "--at", f"2026-11-{10 + pain} 10:00")
    run("delete", "6", "--yes")  # a destructive change: backup of 2026.json with entries 1-6
    in_backup = sorted(e["uid"] for e in json.loads(run("export").stdout)["entries"])
    year = diary_dir / "2026.json"
    year.write_bytes(year.read_bytes()[: len(year.read_bytes()) // 2])
    failed = run("list")
    assert failed.exit_code == 1
    advice = re.search(r"restore it with: `(fibrolog [^`]*)`", failed.stderr)
    assert advice, failed.stderr
    args = [*shlex.split(advice.group(1))[1:], "--yes"]
    assert run(*args).exit_code == 0
    restored = run_json("list", "-n", "0")
    assert {e["uid"] for e in restored} >= set(in_backup)
    assert run("check").exit_code == 0
    assert run("add", "9").stdout.startswith("Logged #7"), "ids are not reused after a restore"


def test_restore_repairs_a_damaged_meta_file(run: Run, diary_dir: Path) -> None:
    run("add", "5")
    run("add", "6")
    (diary_dir / "meta.json").write_text("{")
    advice = run("list").stderr
    assert advice.rstrip().endswith("--file meta.json`"), advice
    assert run("restore", "latest", "--file", "meta.json", "--yes").exit_code == 0
    assert run("check").exit_code == 0
    assert [e["id"] for e in json.loads(run("list", "--json").stdout)] == [1, 2], "2026.json kept"
    assert run("add", "7").stdout.startswith("Logged #3")


WRITER = textwrap.dedent(
    """
    import sys, uuid
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    from fibrolog.models import Entry
    from fibrolog.store.diary import Diary
    diary = Diary(Path(sys.argv[1]))
    zone = timezone(timedelta(hours=1))
    for i in range(10_000):
        at = datetime(2026 - i % 2, 3, 1 + i % 28, 10, tzinfo=zone)
        entry = diary.add(Entry(uid=uuid.uuid4().hex, at=at, logged=at, pain=i % 11))
        print(entry.uid, flush=True)
    """
)


def test_writers_killed_at_random_moments_lose_nothing_that_was_confirmed(tmp_path: Path) -> None:
    """Each round waits until the writers have confirmed a few entries (read from their
    output, whatever the machine's speed), then kills them all in the middle of more."""
    import selectors

    folder = tmp_path / "diary"
    rng = random.Random(4)
    confirmed: set[str] = set()
    waited = 0
    for round_ in range(1, 6):
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(3)
        ]
        wanted = rng.randint(3, 12)
        waited += wanted
        seen = 0
        with selectors.DefaultSelector() as selector:
            for writer in writers:
                assert writer.stdout is not None
                selector.register(writer.stdout, selectors.EVENT_READ)
            while seen < wanted:
                for key, _ in selector.select():
                    line = key.fileobj.readline()  # type: ignore[union-attr]
                    if len(line.strip()) == 32:
                        confirmed.add(line.strip())
                        seen += 1
        for writer in writers:
            writer.send_signal(signal.SIGKILL)
        for writer in writers:
            out, _ = writer.communicate()
            confirmed.update(line.split()[0] for line in out.splitlines() if len(line) == 32)
        diary = Diary(folder)
        stored = {e.uid for e in diary.entries()}  # parses every file, checks every entry
        assert confirmed <= stored, f"round {round_}: lost {len(confirmed - stored)}"
        assert problems(diary) == [], problems(diary)
    assert len(confirmed) >= waited
    # Killed writers leave temporary files; the next write that holds the lock removes them.
    at = datetime(2026, 3, 1, 10, tzinfo=timezone(timedelta(hours=1)))
    Diary(folder).add(Entry(uid=uuid.uuid4().hex, at=at, logged=at, pain=1))
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_a_crash_between_meta_and_year_file_wastes_an_id_but_loses_nothing(
    run: Run, diary_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fibrolog.store import safefile

    run("add", "5")
    calls: list[Path] = []

    def crash_on_year(tmp: Path, target: Path) -> None:
        calls.append(target)
        if target == diary_dir / "2026.json":
            raise KeyboardInterrupt  # as if the process died here

    monkeypatch.setattr(safefile, "_before_replace", crash_on_year)
    with pytest.raises(KeyboardInterrupt):
        Diary(diary_dir).add(
            Diary(diary_dir)
            .get(1)
            .__class__.from_dict(Diary(diary_dir).get(1).to_dict() | {"uid": "a" * 32})
        )
    monkeypatch.undo()
    assert calls[-2:] == [diary_dir / "meta.json", diary_dir / "2026.json"]
    assert problems(Diary(diary_dir)) == []
    assert run("add", "6").stdout.startswith("Logged #3"), "id 2 was spent by the crashed add"
    assert [e.id for e in Diary(diary_dir).entries()] == [1, 3]


def test_many_processes_adding_and_editing_at_once_lose_nothing(tmp_path: Path) -> None:
    env = dict(
        os.environ, FIBROLOG_DB=str(tmp_path / "d"), FIBROLOG_CONFIG=str(tmp_path / "c.toml")
    )
    fib = [sys.executable, "-m", "fibrolog"]
    subprocess.run([*fib, "add", "1", "-n", "to edit"], env=env, check=True, capture_output=True)
    procs = [
        subprocess.Popen(
            [*fib, "add", str(i % 11), "-n", f"p{i}"], env=env, stdout=subprocess.DEVNULL
        )
        for i in range(8)
    ] + [
        subprocess.Popen([*fib, "edit", "1", "--pain", str(i)], env=env, stdout=subprocess.DEVNULL)
        for i in range(6)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    out = subprocess.run(
        [*fib, "list", "-n", "0", "--json"], env=env, capture_output=True, text=True
    )
    notes = sorted(e["note"] for e in json.loads(out.stdout))
    assert notes == sorted([f"p{i}" for i in range(8)] + ["to edit"])


def test_a_lock_held_elsewhere_gives_a_clear_error(
    run: Run, diary_dir: Path, cli_env: dict[str, str]
) -> None:
    from fibrolog.store.safefile import exclusive_lock

    run("add", "5")
    cli_env["FIBROLOG_LOCK_TIMEOUT"] = "0.3"
    before = snapshot(diary_dir)
    with exclusive_lock(diary_dir / ".lock", 1):
        result = run("add", "6")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: another fibrolog has held the diary lock")
    assert snapshot(diary_dir) == before


@FAST
@given(
    st.lists(
        st.sampled_from(
            [
                "5",
                "11",
                "-3",
                "x",
                "--pain",
                "--at",
                "--where",
                "neck",
                "sholder",
                "yesterday 9pm",
                "next tuesday",
                "-n",
                "[/x]",
                "--flare",
                "-t",
                "a b",
                "--sleep-hours",
                "25",
                "--symptom",
                "a=",
                "edit",
                "1",
                "--clear-note",
            ]
        ),
        max_size=6,
    )
)
def test_fuzzed_arguments_never_traceback_or_change_files_on_error(
    run: Run, diary_dir: Path, args: list[str]
) -> None:
    if not (diary_dir / "meta.json").exists():
        run("add", "4", "-n", "keep")
    command = ["edit", "1", *args[2:]] if args[:2] == ["edit", "1"] else ["add", *args]
    before = snapshot(diary_dir)
    result = run(*command)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "unexpected internal error" not in result.output
    if result.exit_code != 0:
        assert snapshot(diary_dir) == before


def _mangle(data: bytes, how: str, at: int) -> bytes:
    if how == "truncate":
        return data[: at % max(1, len(data))]
    if how == "flip":
        i = at % len(data)
        return data[:i] + bytes([data[i] ^ 0x41]) + data[i + 1 :]
    doc = json.loads(data)
    entry = next(iter(doc["entries"].values()))
    if how == "types":
        entry["pain"] = "seven"
    elif how == "huge":
        entry["pain"] = 10**30
        entry["note"] = "x" * 100_000
    elif how == "no-table":
        doc = {"other": doc["entries"]}
    elif how == "list":
        doc = [doc]
    return json.dumps(doc).encode()


@FAST
@given(
    st.sampled_from(["truncate", "flip", "types", "huge", "no-table", "list"]),
    st.integers(0, 10**6),
    st.sampled_from(
        [["add", "3"], ["list"], ["summary"], ["edit", "1", "--pain", "2"], ["export"]]
    ),
)
def test_mangled_files_give_exit_1_and_stay_unchanged(
    run: Run, diary_dir: Path, how: str, at: int, command: list[str]
) -> None:
    if not (diary_dir / "meta.json").exists():
        run("add", "4", "-n", "keep")
        run("add", "5")
    year = diary_dir / "2026.json"
    original = year.read_bytes()
    mangled = _mangle(original, how, at)
    year.write_bytes(mangled)
    before = snapshot(diary_dir)
    result = run(*command)
    assert "Traceback" not in result.output and "unexpected internal error" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 1 and result.stderr.startswith("Error: ")
        assert snapshot(diary_dir) == before
    year.write_bytes(original)


@pytest.mark.parametrize(
    "at, day",
    [
        ("2026-03-29 03:30", "2026-03-29"),  # just after Berlin's clocks jump 02:00 → 03:00
        ("2026-10-25 02:30", "2026-10-25"),  # happens twice in Berlin
        ("2026-11-22 23:59", "2026-11-22"),
        ("2026-11-23 00:00", "2026-11-23"),
    ],
)
def test_entries_around_dst_and_midnight_land_on_their_day(
    run: Run, run_json, at: str, day: str
) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "5", "--at", at).exit_code == 0
    (entry,) = run_json("list")
    assert entry["at"].startswith(day)
    summary = run_json("summary", "--week", day)
    assert [row["entries"] for row in summary["daily"] if row["date"] == day] == [1]


def test_an_entry_from_another_offset_keeps_its_own_day(run: Run, run_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert (
        run("add", "5", "--at", "2026-11-23T01:00:00+05:30").exit_code == 0
    )  # 20:30 UTC on the 22nd
    (entry,) = run_json("list")
    assert entry["at"] == "2026-11-23T01:00:00+05:30"
    assert run_json("summary", "--week", "2026-11-23")["daily"][0]["entries"] == 1


def test_every_file_is_private(run: Run, diary_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fibrolog.store import safefile

    run("add", "5")
    run("add", "6")
    run("edit", "1", "--pain", "3")
    seen_tmp: list[int] = []
    monkeypatch.setattr(
        safefile, "_before_replace", lambda tmp, target: seen_tmp.append(tmp.stat().st_mode)
    )
    Diary(diary_dir).delete([2])
    assert seen_tmp and all(stat.S_IMODE(m) == 0o600 for m in seen_tmp)
    for path in [diary_dir, *diary_dir.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_salvaging_meta_json_never_hands_out_a_deleted_id_again(run: Run, diary_dir: Path) -> None:
    for pain in ("1", "2", "3"):
        run("add", pain)
    run("delete", "3", "--yes")  # id 3 is now only in the backup the delete made
    (diary_dir / "meta.json").write_text('{"_meta": {"1": {"sch')
    assert run("list").exit_code == 1
    result = run("salvage", "meta.json", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Rebuilt meta.json: the next entry will be #4.")
    assert run("add", "5").stdout.startswith("Logged #4")
    (kept,) = diary_dir.glob("meta.json.damaged-*")
    assert kept.read_text() == '{"_meta": {"1": {"sch'


def test_salvaging_treatments_keeps_the_whole_courses_and_their_numbers(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    run("treatment", "start", "alpha", "--on", "2026-11-01")
    run("treatment", "start", "beta", "--dose", "5mg", "--on", "2026-11-02")
    path = diary_dir / "treatments.json"
    path.write_bytes(path.read_bytes()[:-45])  # beta and the counter cut off
    result = run("salvage", "treatments.json", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Saved 1 course of treatments.json; 1 more could not be read.")
    assert [c["name"] for c in run_json("treatment", "list", "--json")] == ["alpha"]
    assert "(course #3)" in run("treatment", "start", "gamma").stdout  # 2 is never reused


def test_salvaging_a_file_that_is_not_there_makes_nothing(run: Run, diary_dir: Path) -> None:
    result = run("salvage", "2026.json", "--yes")
    assert result.exit_code == 1
    assert f"there is no 2026.json in {diary_dir}" in flat(result.stderr)
    assert not diary_dir.exists()


def test_salvaging_treatments_never_hands_out_a_deleted_course_number_again(
    run: Run, diary_dir: Path
) -> None:
    for name in ("alpha", "beta", "gamma"):
        run("treatment", "start", name)
    run("treatment", "delete", "3", "--yes")  # number 3 is now only in the backup and counter
    path = diary_dir / "treatments.json"
    whole = path.read_bytes()
    path.write_bytes(whole[:-30])  # the counter cut off: the backup still knows course 3
    assert run("salvage", "treatments.json", "--yes").exit_code == 0
    assert "(course #4)" in run("treatment", "start", "delta").stdout

    # Course 4 deleted, no backups left, the counter whole but a course garbled: the damaged
    # file's own counter is all that knows 3 and 4 were handed out.
    run("treatment", "delete", "4", "--yes")
    for backup in (diary_dir / "backups").iterdir():
        for file in backup.iterdir():
            file.unlink()
        backup.rmdir()
    text = path.read_text()
    path.write_text(text.replace('"name":"beta"', '"name":beta"'))
    result = run("salvage", "treatments.json", "--yes")
    assert result.stdout.startswith("Saved 1 course of treatments.json; 1 more could not be read.")
    started = run("treatment", "start", "epsilon").stdout
    number = re.search(r"\(course #(\d+)\)", started)
    assert number and int(number[1]) > 4, started  # (a number may be skipped, never reused)


def test_restoring_an_older_treatments_file_never_hands_out_a_course_number_again(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    run("treatment", "start", "alpha")
    run("treatment", "edit", "1", "--note", "x")  # backs up treatments.json: alpha, counter 2
    (oldest,) = [b["name"] for b in run_json("backups")]
    for name in ("beta", "gamma"):
        run("treatment", "start", name)
    run("treatment", "delete", "3", "--yes")
    restored = run("restore", oldest, "--file", "treatments.json", "--yes")
    assert restored.exit_code == 0, restored.output
    assert [c["name"] for c in run_json("treatment", "list", "--json")] == ["alpha"]
    started = run("treatment", "start", "delta").stdout
    assert "(course #4)" in started, started  # 2 and 3 were handed out before the restore


def test_undoing_an_edit_that_moved_an_entry_to_a_new_year_leaves_it_in_one_year(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    run("add", "3", "--at", "2026-11-20 10:00")
    assert run("edit", "1", "--at", "2025-12-31 23:30").exit_code == 0  # 2025.json is new
    before = snapshot(diary_dir)
    half = run("restore", "latest", "--file", "2026.json", "--yes")
    assert half.exit_code == 1
    assert (
        "restoring 2026.json alone would leave entry #1 in both it and 2025.json; restore "
        "2025.json from backup"
    ) in flat(half.stderr)
    assert "(--file 2026.json --file 2025.json)" in flat(half.stderr)
    assert snapshot(diary_dir) == before
    assert run("restore", "latest", "--yes").exit_code == 0
    assert [(e["id"], e["at"]) for e in run_json("list")] == [(1, "2026-11-20T10:00:00+01:00")]
    assert problems(Diary(diary_dir)) == []


def test_restoring_the_oldest_of_twenty_backups_keeps_it_while_it_is_read(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    run("add", "1")
    for pain in range(2, 11):
        run("edit", "1", "--pain", str(pain))
    for pain in range(0, 12):
        run("edit", "1", "--pain", str(pain % 10))
    backups = [b["name"] for b in run_json("backups")]
    assert len(backups) == 20  # the newest 20 are kept
    oldest = backups[-1]
    # The restore's own backup of the replaced files makes 21: the one being read must stay.
    restored = run("restore", oldest, "--yes")
    assert restored.exit_code == 0, restored.output
    assert [e["pain"] for e in run_json("list")] == [2]  # as before the second edit
    assert oldest in [b["name"] for b in run_json("backups")]
