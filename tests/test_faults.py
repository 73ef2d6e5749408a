"""Nothing lost when things go wrong, nothing let in (issue 17): crashes in the middle of
changes of several files, full disks, planted files and links, damaged files and the advice
that follows, hostile text."""

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Run, flat, snapshot

# The calls that change what a folder holds. The SIGKILL loop pauses a command before each.
CHANGES = ("replace", "rename", "unlink", "rmdir")


def killed_before_change(run: Run, args: list[str], step: int) -> bool:
    """Run `fibrolog ARGS` in a child process that stops before each change it makes to a
    folder, and SIGKILL it when it has reached change number `step` (so every kill comes
    after confirmed progress, whatever the machine's speed). False if the command finished
    before reaching that step."""
    reached_r, reached_w = os.pipe()
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: pause before each change until the parent says go
        code = 99
        try:
            os.close(reached_r)
            os.close(go_w)

            def pausing(real: Callable[..., Any]) -> Callable[..., Any]:
                def change(*args: Any, **kwargs: Any) -> Any:
                    os.write(reached_w, b".")
                    os.read(go_r, 1)
                    return real(*args, **kwargs)

                return change

            for name in CHANGES:
                setattr(os, name, pausing(getattr(os, name)))
            code = run(*args).exit_code
        finally:
            os._exit(code)
    os.close(reached_w)
    os.close(go_r)
    try:
        for n in range(1, step + 1):
            if os.read(reached_r, 1) != b".":  # the command ended first
                os.waitpid(pid, 0)
                return False
            if n < step:
                os.write(go_w, b"g")
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return True
    finally:
        os.close(reached_r)
        os.close(go_w)


def state(run: Run, folder: Path) -> Any:
    """What the diary holds, as a user would see it: every entry, course and assessment
    (the export), or, while a file is damaged, the bytes of its files."""
    exported = run("export")
    if exported.exit_code == 0:
        whole = json.loads(exported.stdout)
        return {key: whole[key] for key in ("entries", "treatments", "assessments")}
    return {
        name: data
        for name, data in snapshot(folder).items()
        if "/" not in name and name.endswith(".json")
    }


def crash_everywhere(run: Run, folder: Path, args: list[str]) -> int:
    """Kill `fibrolog ARGS` before each of its changes in turn, on a fresh copy of the diary
    each time. After every kill `check` passes or names the journal it will complete, and
    the next command finds exactly the old set or the new set. Returns the number of kills."""
    template = folder.with_name("template")
    shutil.copytree(folder, template)
    old = state(run, folder)
    was_whole = run("check").exit_code == 0
    found: list[tuple[int, Any]] = []
    while True:
        shutil.rmtree(folder)
        shutil.copytree(template, folder)
        if not killed_before_change(run, args, len(found) + 1):
            break
        checked = run("check")
        after = state(run, folder)  # the first command completes what a journal records
        named = "journal.json" in checked.stderr
        assert checked.exit_code == 0 or named or (not was_whole and after == old), (
            len(found) + 1,
            checked.output,
        )
        if after != old:
            assert run("check").exit_code == 0, run("check").output
        found.append((len(found) + 1, after))
    new = state(run, folder)
    assert new != old, "the command changed nothing"
    for step, after in found:
        assert after in (old, new), f"{args} killed before change {step}: neither old nor new"
    return len(found)


@pytest.fixture
def diary_with_history(run: Run, diary_dir: Path) -> Iterator[Path]:
    for day in range(1, 6):
        added = run("add", str(day), "--at", f"2026-03-0{day} 10:00", "-n", f"day {day}")
        assert added.exit_code == 0, added.output
    run("add", "4", "--at", "2025-12-30 10:00")
    run("treatment", "start", "duloxetine", "--dose", "30mg", "--on", "2026-03-01")
    run("edit", "2", "--pain", "9")
    run("delete", "3", "--yes")
    yield diary_dir


def test_import_killed_at_every_change_leaves_the_old_set_or_the_new(
    run: Run, diary_with_history: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    env_db = ["--db", str(other)]
    for year in (2023, 2024, 2026):
        run(*env_db, "add", "3", "--at", f"{year}-06-01 10:00", "-n", f"from {year}")
    run(*env_db, "treatment", "start", "yoga", "--kind", "exercise", "--on", "2024-01-01")
    exported = tmp_path / "other.json"
    assert run(*env_db, "export", "-o", str(exported)).exit_code == 0
    kills = crash_everywhere(run, diary_with_history, ["import", str(exported)])
    assert kills >= 6  # the backup, the journal, five files, the journal's removal


@pytest.mark.parametrize(
    "args",
    [
        ["edit", "1", "--at", "2024-02-01 10:00", "--yes"],  # an edit across years
        ["treatment", "change", "duloxetine", "--dose", "60mg", "--on", "2026-03-04"],
        ["delete", "1", "6", "--yes"],  # two years
    ],
    ids=["edit-across-years", "treatment-change", "delete-in-two-years"],
)
def test_changes_killed_at_every_step_leave_the_old_set_or_the_new(
    run: Run, diary_with_history: Path, args: list[str]
) -> None:
    assert crash_everywhere(run, diary_with_history, args) >= 2


def test_restore_killed_at_every_change_leaves_the_old_set_or_the_new(
    run: Run, diary_with_history: Path
) -> None:
    backups = json.loads(run("backups", "--json").stdout)
    oldest = backups[-1]["name"]
    kills = crash_everywhere(run, diary_with_history, ["restore", oldest, "--yes"])
    assert kills >= 4


def test_salvage_killed_at_every_change_leaves_the_damaged_file_or_the_saved_one(
    run: Run, diary_with_history: Path
) -> None:
    year = diary_with_history / "2026.json"
    year.write_bytes(year.read_bytes()[:-40])
    kills = crash_everywhere(run, diary_with_history, ["salvage", "2026.json", "--yes"])
    assert kills >= 3


def test_check_names_an_interrupted_change_and_the_next_command_completes_it(
    run: Run, diary_with_history: Path, tmp_path: Path
) -> None:
    moving = ["edit", "1", "--at", "2024-02-01 10:00", "--yes"]
    step = 1
    while True:  # the first kill that leaves a journal behind
        template = tmp_path / f"copy{step}"
        shutil.copytree(diary_with_history, template)
        assert killed_before_change(run, ["--db", str(template), *moving], step)
        if (template / "journal.json").exists():
            break
        step += 1
    before = snapshot(template)
    checked = run("--db", str(template), "check")
    assert checked.exit_code == 1
    assert f"{template / 'journal.json'} records it" in flat(checked.stderr)
    assert snapshot(template) == before, "check only reads"
    listed = run("--db", str(template), "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [e["at"][:4] for e in json.loads(listed.stdout) if e["id"] == 1] == ["2024"]
    assert not (template / "journal.json").exists()
    assert run("--db", str(template), "check").exit_code == 0
    assert not [p for p in os.listdir(template) if p.endswith(".tmp")]


def test_a_journal_naming_files_outside_the_diary_is_refused(run: Run, diary_dir: Path) -> None:
    run("add", "5")
    outside = diary_dir.parent / "victim.txt"
    outside.write_text("keep me")
    for planted in ({"files": {"../victim.txt": None}}, {"files": {"2026.json": "../x"}, "1": {}}):
        (diary_dir / "journal.json").write_text(json.dumps(planted))
        result = run("list")
        assert result.exit_code == 1
        assert flat(result.stderr) == (
            f"Error: {diary_dir / 'journal.json'} is damaged: it is not a journal fibrolog "
            f"wrote. fibrolog did not write this journal.json; move it out of {diary_dir} and "
            "the diary's own files, untouched, are read again"
        )
        assert outside.read_text() == "keep me"
    (diary_dir / "journal.json").unlink()
    assert run("check").exit_code == 0


# -- a full disk ------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 512 KiB filesystem (tmpfs), where a full disk is a full disk."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(disk)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): no real full disk to test on")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the filesystem, then free about `leave` bytes."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"x" * 4096)
        except OSError:
            pass
    with filler.open("r+b") as file:
        file.truncate(max(0, filler.stat().st_size - leave))
    return filler


def test_a_full_disk_never_empties_the_backup_history(run: Run, small_disk: Path) -> None:
    db = ["--db", str(small_disk / "diary")]
    for day in range(1, 41):
        added = run(*db, "add", "5", "--at", f"2026-03-{day % 28 + 1:02} 10:00", "-n", "n" * 600)
        assert added.exit_code == 0, added.output
    assert run(*db, "edit", "1", "--pain", "2").exit_code == 0  # a whole backup of 2026.json
    good = [b["name"] for b in json.loads(run(*db, "backups", "--json").stdout)]
    filler = fill(small_disk, leave=8192)  # room for less than a copy of 2026.json
    for _ in range(22):
        failed = run(*db, "edit", "1", "--pain", "3")
        assert failed.exit_code == 1
        assert "No space left on device" in failed.stderr
    filler.unlink()
    listed = json.loads(run(*db, "backups", "--json").stdout)
    assert [b["name"] for b in listed] == good, "no half backup counts, the good one stays"
    assert not list((small_disk / "diary" / "backups").glob(".partial-*"))
    assert run(*db, "restore", "latest", "--file", "2026.json", "--yes").exit_code == 0
    assert json.loads(run(*db, "show", "1", "--json").stdout)["pain"] == 5  # before the edit
    assert run(*db, "check").exit_code == 0


def test_an_add_on_a_full_disk_names_the_file_and_keeps_every_entry(
    run: Run, small_disk: Path
) -> None:
    db = ["--db", str(small_disk / "diary")]
    for day in range(1, 31):
        run(*db, "add", "5", "--at", f"2026-03-{day:02} 10:00", "-n", "n" * 600)
    before = state(run, small_disk / "diary")
    filler = fill(small_disk, leave=0)
    failed = run(*db, "add", "6", "-n", "n" * 600)
    assert failed.exit_code == 1
    assert failed.stderr.startswith(f"Error: cannot use {small_disk / 'diary'}")
    assert failed.stderr.rstrip().endswith("No space left on device")
    filler.unlink()
    assert state(run, small_disk / "diary") == before
    assert run(*db, "check").exit_code == 0


def test_pruning_keeps_the_newest_good_copy_of_every_file(diary_dir: Path) -> None:
    from fibrolog.store.diary import Diary

    diary = Diary(diary_dir)
    diary_dir.mkdir(mode=0o700)
    year = diary_dir / "2026.json"
    year.write_text('{"entries":{}}')
    with diary.locked():
        good = diary.backup([year])
    year.write_text('{"entries":{"1":')  # damaged: every later backup holds a damaged copy
    with diary.locked():
        for _ in range(25):
            diary.backup([year])
    names = [b.path for b in diary.backups()]
    assert len(names) == 21 and names[0] == good, "the one good copy is kept beyond the 20"


# -- planted files and links, loose modes -----------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["export", "-o", "{out}"],
        ["report", "-o", "{out}"],
        ["config", "set", "week_start", "sunday"],
    ],
    ids=["export", "report", "config-set"],
)
def test_a_link_or_file_planted_in_a_shared_folder_is_never_written_through(
    run: Run, tmp_path: Path, cli_env: dict[str, str], command: list[str]
) -> None:
    run("add", "5", "-n", "private note")
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    out = shared / "out.html"
    if command[0] == "config":
        out = Path(cli_env["FIBROLOG_CONFIG"])
    # The names the old temporary file took (".<name>.<pid>.tmp"), and the target itself.
    for pid in {os.getpid(), os.getppid()}:
        (out.parent / f".{out.name}.{pid}.tmp").symlink_to(victim)
    planted = out.parent / f".{out.name}.{os.getpid() + 1}.tmp"
    planted.write_text("someone else's")
    planted.chmod(0o644)
    if command[0] != "config":  # (the config file's own folder is private)
        out.symlink_to(victim)
    old_umask = os.umask(0)
    try:
        result = run(*(part.format(out=out) for part in command))
    finally:
        os.umask(old_umask)
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "keep me"
    assert out.is_file() and not out.is_symlink()
    assert (out.stat().st_mode & 0o777) == 0o600
    assert planted.read_text() == "someone else's", "another's file is left alone"


def test_output_to_a_missing_folder_is_refused_with_its_path(run: Run, tmp_path: Path) -> None:
    run("add", "5")
    missing = tmp_path / "no" / "such"
    for command in ("export", "report"):
        result = run(command, "-o", str(missing / "out.x"))
        assert result.exit_code == 1, result.output
        assert (
            result.stderr
            == f"Error: there is no folder {missing}; create it first, or write elsewhere\n"
        )
    assert not (tmp_path / "no").exists()


def test_an_existing_loose_diary_folder_is_made_private(run: Run, diary_dir: Path) -> None:
    diary_dir.mkdir()
    diary_dir.chmod(0o755)
    assert run("add", "5").exit_code == 0
    assert diary_dir.stat().st_mode & 0o777 == 0o700


# -- a stale id counter -----------------------------------------------------------------------


@pytest.mark.parametrize("counter", [2, 4], ids=["an-id-in-its-year", "an-id-in-another-year"])
def test_a_stale_id_counter_never_hands_out_an_id_in_use(
    run: Run, diary_dir: Path, counter: int
) -> None:
    for day in (1, 2, 3):
        run("add", "5", "--at", f"2026-03-0{day} 10:00")
    run("add", "5", "--at", "2025-03-01 10:00", "--yes")  # #4
    (diary_dir / "meta.json").write_text(f'{{"_meta":{{"1":{{"schema":1,"next_id":{counter}}}}}}}')
    added = run("add", "6")
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Logged #5 ")
    assert run("check").exit_code == 0
    assert run("add", "7").stdout.startswith("Logged #6 ")


# -- the way back from a damaged file ---------------------------------------------------------


def hundred_and_twenty(run: Run, diary_dir: Path) -> None:
    """120 entries, of which the daily backup (made by the second add) holds one."""
    from fibrolog.models import Entry
    from fibrolog.store.diary import Diary

    run("add", "5", "--at", "2026-01-01 10:00")
    diary = Diary(diary_dir)
    made = [
        Entry.build(
            uid=f"{i:032x}",
            at=f"2026-02-{i % 28 + 1:02}T{i % 24:02}:00:00+01:00",
            logged="2026-11-23T09:00:00+01:00",
            pain=i % 11,
        )
        for i in range(1, 120)
    ]
    diary.add_many(made)


def test_one_bad_value_sets_aside_one_entry_and_edit_mends_it(run: Run, diary_dir: Path) -> None:
    hundred_and_twenty(run, diary_dir)
    year = diary_dir / "2026.json"
    data = json.loads(year.read_text())
    data["entries"]["50"]["pain"] = 42
    year.write_text(json.dumps(data))
    listed = run("list", "-n", "0", "--json")
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 119
    warning = (
        "Warning: entry #50 of 2026.json is left out (pain must be a whole number from 0 to "
        "10); mend it with: fibrolog edit 50 --pain N\n"
    )
    assert listed.stderr == warning
    assert run("summary", "--week", "2026-02-10").stderr == warning
    before = snapshot(diary_dir)
    refused = run("add", "3", "--at", "2026-03-01 10:00")
    assert refused.exit_code == 1
    assert "holds entry #50 with a bad value" in refused.stderr
    assert "wait until it is mended: fibrolog edit 50 --pain N" in flat(refused.stderr)
    assert snapshot(diary_dir) == before
    checked = run("check")
    assert checked.exit_code == 1
    assert "entry #50: pain must be a whole number from 0 to 10" in flat(checked.stdout)
    assert "Mend it with: `fibrolog edit 50 --pain N`" in flat(checked.stderr)
    assert "set aside" not in run("show", "50").stdout
    assert "mend it with: fibrolog edit 50 --pain N" in run("show", "50").stderr
    assert run("edit", "50", "--note", "x").exit_code == 1, "a mend gives the bad value"
    mended = run("edit", "50", "--pain", "4")
    assert mended.exit_code == 0, mended.output
    assert run("check").exit_code == 0
    assert len(json.loads(run("list", "-n", "0", "--json").stdout)) == 120


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("tags", ["bad sleep"], "tags must be a list of tags made of lowercase letters"),
        ("uid", "f" * 31, "uid must be"),
    ],
)
def test_a_value_out_of_form_is_left_out_of_the_whole_diary_listing(
    run: Run, diary_dir: Path, field: str, value: object, problem: str
) -> None:
    """The forms of text fields are checked a year at a time (store.documents.forms_hold);
    one entry out of form is still named and set aside on its own."""
    hundred_and_twenty(run, diary_dir)
    year = diary_dir / "2026.json"
    data = json.loads(year.read_text())
    data["entries"]["50"][field] = value
    year.write_text(json.dumps(data))
    listed = run("list", "-n", "0", "--json")
    assert listed.exit_code == 0, listed.output
    assert sorted(e["id"] for e in json.loads(listed.stdout)) == [
        i for i in range(1, 121) if i != 50
    ]
    assert f"entry #50 of 2026.json is left out ({problem}" in flat(listed.stderr)


def test_the_advice_compares_the_ways_out_and_leads_with_the_one_that_keeps_most(
    run: Run, diary_dir: Path
) -> None:
    hundred_and_twenty(run, diary_dir)
    backups = json.loads(run("backups", "--json").stdout)
    assert [b["entries"] for b in backups] == [1]
    year = diary_dir / "2026.json"
    year.write_bytes(year.read_bytes().replace(b'"60":{"uid":', b'"60":{"uid"::'))
    failed = run("list")
    assert failed.exit_code == 1
    said = flat(failed.stderr)
    name = backups[0]["name"]
    made = backups[0]["made"][:16].replace("T", " ")
    assert (
        "it is not valid JSON" in said
        and "Salvage keeps 119 of the 120 entries it finds in the damaged file (which is kept): "
        f"`fibrolog --db {diary_dir} salvage 2026.json`. Or: the newest good backup, {name} "
        f"(from {made}), holds 1 entry; restore it with: "
        f"`fibrolog --db {diary_dir} restore {name} --file 2026.json`."
        in said
    ), said
    asked = run("restore", "latest", "--file", "2026.json", input="n\n")
    assert (
        "(entries: 2026.json: 1 in the backup, damaged now, where salvage would keep 119)"
        in flat(asked.output)
    )


# -- what restore and salvage say -------------------------------------------------------------


def test_restore_names_the_entries_it_brings_back_undoes_and_leaves_out(
    run: Run, diary_dir: Path
) -> None:
    for day in (1, 2, 3):
        run("add", "5", "--at", f"2026-03-0{day} 10:00")
    run("delete", "3", "--yes")  # the backup: #1, #2, #3
    backup = json.loads(run("backups", "--json").stdout)[0]["name"]
    run("edit", "2", "--pain", "9")
    run("add", "6", "--at", "2026-03-04 10:00")  # #4
    done = run("restore", backup, "--file", "2026.json", "--yes")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[1:4] == [
        "It brings back 1 entry (#3) deleted since then.",
        "It undoes the changes made since then to 1 entry (#2).",
        "It leaves out 1 entry (#4) added since then (kept in the copy below).",
    ]
    same = run("restore", backup, "--file", "2026.json", "--yes")
    assert "The entries are the same as before." in same.stdout


def test_salvage_of_a_whole_file_says_so_and_changes_nothing(run: Run, diary_dir: Path) -> None:
    run("add", "5")
    before = snapshot(diary_dir)
    result = run("salvage", "2026.json", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2026.json is whole: there is nothing to salvage.\n"
    assert snapshot(diary_dir) == before
    assert "damaged files set aside" not in run("check").stdout


def test_demo_never_writes_to_the_diary_fibrolog_db_names(
    run: Run, diary_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    diary_dir.mkdir()  # an empty folder: the user's diary before its first entry
    result = run("demo", "--days", "3")
    assert result.exit_code == 0, result.output
    assert list(diary_dir.iterdir()) == []
    assert (tmp_path / "data" / "fibrolog" / "demo" / "meta.json").exists()


def test_treatment_edit_never_gives_two_running_courses_one_name(run: Run, diary_dir: Path) -> None:
    run("treatment", "start", "duloxetine", "--on", "2026-10-01")  # #1
    run("treatment", "start", "pregabalin", "--on", "2026-10-02")  # #2
    run("treatment", "start", "yoga", "--kind", "exercise", "--on", "2026-09-01")  # #3
    run("treatment", "stop", "yoga", "--on", "2026-09-20")
    assert run("treatment", "edit", "3", "--name", "pregabalin").exit_code == 0, "stopped: fine"
    before = snapshot(diary_dir)
    for course, change in (("2", ["--name", "Duloxetine"]), ("3", ["--running"])):
        refused = run("treatment", "edit", course, *change)
        assert refused.exit_code == 1, refused.output
        assert "is already running as course #" in refused.stderr
        assert snapshot(diary_dir) == before
    assert run("treatment", "change", "duloxetine", "--dose", "60mg").exit_code == 0


def test_an_import_whose_uid_is_here_with_other_content_is_a_conflict(
    run: Run, diary_dir: Path, tmp_path: Path
) -> None:
    run("add", "5", "-n", "mine")
    run("add", "6", "--at", "2026-11-20 10:00")
    exported = tmp_path / "export.json"
    run("export", "-o", str(exported))
    again = run("import", str(exported))
    assert again.stdout == "Imported 0 entries; 2 entries were already in the diary.\n"
    data = json.loads(exported.read_text())
    data["entries"][1]["pain"] = 9  # the same uid, other content
    data["entries"].append(dict(data["entries"][0], uid="f" * 32, id=99))  # and a new one
    exported.write_text(json.dumps(data))
    before = snapshot(diary_dir)
    refused = run("import", str(exported))
    assert refused.exit_code == 1
    uid = data["entries"][1]["uid"]
    assert refused.stderr == (
        f"Error: entry #{data['entries'][1]['id']} of the diary and an entry of the file share "
        f"uid {uid} but differ in pain; nothing was imported. Import a file without that entry, "
        f"or delete #{data['entries'][1]['id']} first to take the file's.\n"
    )
    assert snapshot(diary_dir) == before


# -- hostile text -----------------------------------------------------------------------------

HOSTILE = "\x1b]0;pwned\x07\x1b[2J"  # a window title change, then a screen clear


def test_control_sequences_never_reach_the_terminal_whatever_prints_them(
    run: Run, diary_dir: Path, tmp_path: Path
) -> None:
    other = ["--db", str(tmp_path / "other")]
    run(*other, "add", "5", "-n", f"note{HOSTILE}", "-m", f"pill{HOSTILE} 5mg")
    run(
        *other,
        "treatment",
        "start",
        f"evil{HOSTILE}",
        "--dose",
        f"30mg{HOSTILE}",
        "--on",
        "2026-10-01",
    )
    run(*other, "treatment", "stop", f"evil{HOSTILE}", "--reason", f"why{HOSTILE}")
    exported = tmp_path / "hostile.json"
    run(*other, "export", "-o", str(exported))
    imported = run("import", str(exported))  # a file carries them in
    assert imported.exit_code == 0, imported.output
    outputs = [
        run("treatment", "list", "--all"),
        run("treatment", "review", "--all"),
        run("treatment", "edit", "1", "--running"),
        run("treatment", "change", f"evil{HOSTILE}", "--dose", f"60mg{HOSTILE}"),
        run("list"),
        run("show", "1"),
        run("insights"),
        run("add", "5", "--at", f"noon{HOSTILE}"),  # a usage error echoes what was typed
        run("edit", "1", "--at", f"x{HOSTILE}"),
        run("show", f"1{HOSTILE}"),
    ]
    for result in outputs:
        for text in (result.stdout, result.stderr):
            assert "\x1b" not in text and "\x07" not in text, (result.output, text)
    assert "evil�]0;pwned��[2J" in outputs[0].stdout
    assert "noon�]0;pwned��[2J" in outputs[7].stderr
