"""Two devices that log apart, then meet (issue 19): through a sync tool's conflict copies,
through `fibrolog merge`, and through git with fibrolog's merge driver. Afterwards both
sides hold the same diary: every uid once, no number twice, nothing deleted back."""

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from fibrolog.cli.app import app

from .conftest import snapshot

ROOT = Path(__file__).parent.parent
Stem = Callable[[str], str]
NAMINGS: dict[str, Stem] = {
    "syncthing": lambda stem: f"{stem}.sync-conflict-20261203-101010-ABCDEFG.json",
    "dropbox": lambda stem: f"{stem} (Laptop's conflicted copy 2026-12-03).json",
    "nextcloud": lambda stem: f"{stem} (conflicted copy 2026-12-03 101010).json",
    "onedrive": lambda stem: f"{stem}-LAPTOP.json",
}


class Device:
    """One device's diary folder, driven through the CLI with its own clock."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env

    def run(self, *args: str, now: str = "2026-11-23T12:00:00") -> Result:
        return CliRunner().invoke(
            app, ["--db", str(self.folder), *args], env={**self.env, "FIBROLOG_NOW": now}
        )

    def ok(self, *args: str, now: str = "2026-11-23T12:00:00") -> Result:
        result = self.run(*args, now=now)
        assert result.exit_code == 0, result.output
        return result

    def export(self) -> dict[str, Any]:
        data = json.loads(self.ok("export").stdout)
        del data["exported"]
        return data  # type: ignore[no-any-return]

    def uid_of(self, number: int) -> str:
        return str(json.loads(self.ok("show", str(number), "--json").stdout)["uid"])


def common_start(device: Device) -> None:
    """Four entries and a course, logged before the devices part."""
    for day, pain in ((20, 4), (21, 5), (22, 6), (22, 3)):
        at = f"2026-11-{day} {8 + pain}:00"
        device.ok("add", str(pain), "-n", f"day {day}", "--at", at, now=f"2026-11-{day}T18:00:00")
    device.ok("treatment", "start", "duloxetine", "--dose", "30mg", "--on", "2026-11-01")


def log_apart(laptop: Device, desktop: Device) -> dict[str, str]:
    """Adds, edits and deletes on both, the same new numbers on both, a course changed on
    both; returns the uids the checks need."""
    uids = {f"#{n}": laptop.uid_of(n) for n in (1, 2, 3, 4)}
    laptop.ok("add", "6", "-t", "laptop", "--at", "2026-11-23 08:00", now="2026-11-23T08:05:00")
    laptop.ok("edit", "1", "--pain", "7", now="2026-11-23T08:10:00")
    laptop.ok("delete", "2", "--yes", now="2026-11-23T08:15:00")
    laptop.ok("treatment", "change", "duloxetine", "--dose", "60mg", now="2026-11-23T08:20:00")
    desktop.ok("add", "3", "-t", "desktop", "--at", "2026-11-23 07:00", now="2026-11-23T07:05:00")
    desktop.ok("add", "2", "-t", "evening", "--at", "2026-11-23 09:00", now="2026-11-23T09:05:00")
    desktop.ok("edit", "1", "--pain", "2", now="2026-11-23T09:10:00")  # the later edit
    desktop.ok("delete", "4", "--yes", now="2026-11-23T09:15:00")
    desktop.ok("treatment", "change", "duloxetine", "--dose", "45mg", now="2026-11-23T09:20:00")
    uids["laptop #5"] = laptop.uid_of(5)
    uids["desktop #5"] = desktop.uid_of(5)
    uids["desktop #6"] = desktop.uid_of(6)
    return uids


@pytest.fixture
def apart(tmp_path: Path, cli_env: dict[str, str]) -> tuple[Device, Device, dict[str, str]]:
    laptop = Device(tmp_path / "laptop", cli_env)
    common_start(laptop)
    shutil.copytree(laptop.folder, tmp_path / "desktop")
    desktop = Device(tmp_path / "desktop", cli_env)
    return laptop, desktop, log_apart(laptop, desktop)


def assert_met(one: Device, other: Device, uids: dict[str, str]) -> None:
    """Both hold the same merged diary, whole."""
    mine, theirs = one.export(), other.export()
    assert mine == theirs
    entries = mine["entries"]
    assert len({e["uid"] for e in entries}) == len(entries)
    assert len({e["id"] for e in entries}) == len(entries)
    held = {e["uid"]: e for e in entries}
    assert uids["#2"] not in held and uids["#4"] not in held  # deleted on either: gone
    assert {uids[k] for k in ("#1", "#3", "laptop #5", "desktop #5", "desktop #6")} == set(held)
    assert held[uids["#1"]]["pain"] == 2  # the later edit won
    (course,) = mine["treatments"]
    assert [d["dose"] for d in course["doses"]] == ["30mg", "45mg"]  # the later change won
    for device in (one, other):
        assert device.ok("check").exit_code == 0
    week = ("summary", "--week", "2026-11-23", "--weeks", "2", "--json")
    assert one.ok(*week).stdout == other.ok(*week).stdout


def meet_by_copies(mine: Device, other: Device, naming: Stem, into: Path) -> Device:
    """What a sync tool leaves on one device: its own files kept, each file the other device
    also changed saved beside it as a conflict copy."""
    shutil.copytree(mine.folder, into, ignore=shutil.ignore_patterns("backups", ".lock"))
    for path in sorted(other.folder.glob("*.json")):
        kept = into / path.name
        if not kept.exists():
            shutil.copy2(path, kept)
        elif kept.read_bytes() != path.read_bytes():
            shutil.copy2(path, into / naming(path.stem))
    return Device(into, mine.env)


@pytest.mark.parametrize("naming", sorted(NAMINGS))
def test_conflict_copies_are_merged_by_the_next_command(
    apart: tuple[Device, Device, dict[str, str]], tmp_path: Path, naming: str
) -> None:
    laptop, desktop, uids = apart
    left = meet_by_copies(laptop, desktop, NAMINGS[naming], tmp_path / "met-laptop")
    right = meet_by_copies(desktop, laptop, NAMINGS[naming], tmp_path / "met-desktop")
    copies = sorted(p.name for p in left.folder.iterdir() if p.name.endswith(".json"))
    assert NAMINGS[naming]("2026") in copies and NAMINGS[naming]("meta") in copies
    said = left.ok("list")
    assert said.stderr.startswith(
        "Merged the conflict copies of 2026.json, changes.json, meta.json and treatments.json: "
        "2 entries added; 2 changed by a later edit; 1 deleted; entry #5 is now #7; entry #1 was "
        "edited in both copies: the later edit (2026-11-23 09:10) is kept, the other is in the "
        "backup; course #1 was edited in both copies: the later edit (2026-11-23 09:20) is kept"
    )
    assert (
        "entry #5 from the other copy is now #" in said.stderr or "entry #5 is now #" in said.stderr
    )
    assert len(said.stderr.strip().splitlines()) == 1  # one line says what was merged
    assert_met(left, right, uids)
    for device in (left, right):
        assert not any(NAMINGS[naming]("") in p.name for p in device.folder.iterdir())
        assert "last merge" in device.ok("info").stdout
    # The copies and the replaced files wait in the backup the merge made.
    newest = sorted((left.folder / "backups").iterdir())[-1]
    assert (newest / "copies" / NAMINGS[naming]("2026")).exists()
    assert (newest / "2026.json").exists()


def test_merge_command_brings_another_folder_in(
    apart: tuple[Device, Device, dict[str, str]],
) -> None:
    laptop, desktop, uids = apart
    before = snapshot(laptop.folder)
    dry = laptop.ok("merge", str(desktop.folder), "--dry-run")
    assert dry.stdout.startswith("Would merge: ")
    assert "2 entries added" in dry.stdout and "1 deleted" in dry.stdout
    assert snapshot(laptop.folder) == before
    done = laptop.ok("merge", str(desktop.folder))
    assert done.stdout.startswith(f"Merged {desktop.folder}: 2 entries added")
    assert "entry #5 is now #" in done.stdout  # the laptop's own #5 was logged later
    desktop.ok("merge", str(laptop.folder))
    assert_met(laptop, desktop, uids)
    again = laptop.ok("merge", str(desktop.folder))
    assert again.stdout.startswith("Nothing to merge")


def test_merge_command_takes_an_export_and_keeps_deletions(
    apart: tuple[Device, Device, dict[str, str]], tmp_path: Path
) -> None:
    laptop, desktop, uids = apart
    exported = tmp_path / "desktop.json"
    desktop.ok("export", "-o", str(exported))
    laptop.ok("merge", str(exported))
    held = {e["uid"]: e for e in laptop.export()["entries"]}
    assert uids["#2"] not in held  # the laptop deleted it; the export cannot bring it back
    assert uids["desktop #6"] in held and uids["laptop #5"] in held


def test_merge_refuses_what_is_not_a_diary(
    apart: tuple[Device, Device, dict[str, str]], tmp_path: Path
) -> None:
    laptop, _, _ = apart
    (tmp_path / "empty").mkdir()
    result = laptop.run("merge", str(tmp_path / "empty"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'empty'} holds no fibrolog diary"
    itself = laptop.run("merge", str(laptop.folder))
    assert itself.exit_code == 1 and "is this diary itself" in itself.stderr


def test_an_unreadable_conflict_copy_is_left_and_check_names_it(
    apart: tuple[Device, Device, dict[str, str]],
) -> None:
    laptop, _, _ = apart
    copy = laptop.folder / NAMINGS["syncthing"]("2026")
    copy.write_bytes(b'{"entries": {"1": ')
    listed = laptop.ok("list")
    assert f"Could not merge {copy.name}" in listed.stderr
    assert copy.exists()
    checked = laptop.run("check")
    assert checked.exit_code == 1
    assert f"the conflict copy {copy.name} cannot be merged" in checked.stdout


def test_add_without_conflict_copies_touches_nothing_else(
    apart: tuple[Device, Device, dict[str, str]],
) -> None:
    laptop, _, _ = apart
    result = laptop.ok("add", "5")
    assert result.stderr == ""


# -- git -------------------------------------------------------------------------------------


def git(folder: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("rebase", ["false", "true"])
def test_git_pull_on_two_clones_merges_the_diary(
    tmp_path: Path, cli_env: dict[str, str], rebase: str
) -> None:
    env = {
        **os.environ,
        **cli_env,
        "PYTHONPATH": str(ROOT),
        "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    bare = tmp_path / "diary.git"
    git(tmp_path, "init", "-q", "--bare", str(bare), env=env)
    clones = []
    for name in ("laptop", "desktop"):
        folder = tmp_path / name
        git(tmp_path, "clone", "-q", str(bare), str(folder), env=env)
        git(folder, "config", "user.name", name, env=env)
        git(folder, "config", "user.email", f"{name}@example.org", env=env)
        clones.append(Device(folder, cli_env))
    laptop, desktop = clones
    common_start(laptop)
    setup = laptop.ok("sync", "git-setup")
    assert "merge.fibrolog.driver" in setup.stdout
    if shutil.which("fibrolog") is None:  # run this checkout's driver however it is installed
        driver = f"{sys.executable} -m fibrolog merge-driver %O %A %B %P"
        git(laptop.folder, "config", "merge.fibrolog.driver", driver, env=env)
    git(laptop.folder, "add", "-A", env=env)
    git(laptop.folder, "commit", "-qm", "start", env=env)
    git(laptop.folder, "push", "-q", "origin", "HEAD", env=env)
    git(desktop.folder, "pull", "-q", env=env)
    desktop.ok("sync", "git-setup")
    if shutil.which("fibrolog") is None:
        git(desktop.folder, "config", "merge.fibrolog.driver", driver, env=env)
    assert (desktop.folder / "2026.json").exists()
    uids = log_apart(laptop, desktop)
    for device in clones:
        git(device.folder, "add", "-A", env=env)
        git(device.folder, "commit", "-qm", f"logged on {device.folder.name}", env=env)
    git(laptop.folder, "push", "-q", env=env)
    git(desktop.folder, "-c", f"pull.rebase={rebase}", "pull", "-q", "--no-edit", env=env)
    assert (desktop.folder / ".merged-by-git").exists()  # the driver ran
    desktop.ok("list")  # the first command settles what git merged file by file
    assert not (desktop.folder / ".merged-by-git").exists()
    git(desktop.folder, "add", "-A", env=env)
    git(desktop.folder, "commit", "-qm", "settled", env=env)
    git(desktop.folder, "push", "-q", env=env)
    git(laptop.folder, "-c", f"pull.rebase={rebase}", "pull", "-q", "--no-edit", env=env)
    assert_met(laptop, desktop, uids)
    assert git(laptop.folder, "status", "--porcelain", env=env) == ""
