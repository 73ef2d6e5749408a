"""`fibrolog add` with no values on a real terminal asks question by question (pexpect)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        FIBROLOG_DB=str(tmp_path / "diary"),
        FIBROLOG_CONFIG=str(tmp_path / "c.toml"),
        FIBROLOG_NOW="2026-11-23T09:15:00",
        TZ="Europe/Berlin",
        NO_COLOR="1",
    )


def spawn(tmp_path: Path, *args: str) -> "pexpect.spawn":
    return pexpect.spawn(
        sys.executable,
        ["-m", "fibrolog", *(args or ("add",))],
        env=_env(tmp_path),
        encoding="utf-8",
        timeout=30,
    )


def entries(tmp_path: Path) -> list[dict[str, object]]:
    env = dict(
        os.environ, FIBROLOG_DB=str(tmp_path / "diary"), FIBROLOG_CONFIG=str(tmp_path / "c.toml")
    )
    out = subprocess.run(
        [sys.executable, "-m", "fibrolog", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_prompts_ask_skip_and_record(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("Pain 0–10: ")
    child.sendline("12")
    child.expect("whole number from 0 to 10")
    child.expect("Pain 0–10: ")
    child.sendline("6")
    child.expect("Fatigue 0–10: ")
    child.sendline("")  # Enter skips
    child.expect("Fibro fog 0–10: ")
    child.sendline("3")
    child.expect("Hours slept last night: ")
    child.sendline("lots")
    child.expect("'lots' is not a number of hours from 0 to 24, like 7 or 6.5")
    child.expect("Hours slept last night: ")
    child.sendline("5,5")  # a decimal comma
    child.expect(r"Sleep quality 0–10 \(10 = best\): ")
    child.sendline("2")
    child.expect("Painful areas")
    child.sendline("neck, shoulders")
    child.expect("Tags")
    child.sendline("stress")
    child.expect("Meds taken")
    child.sendline("pregabalin 75mg")
    child.expect("Note: ")
    child.sendline("[rough] night")
    # The same line as a flag add of these values: areas, tags and meds included.
    child.expect(
        "Logged #1 · Mon 23 Nov 09:15 · pain 6 · fog 3 · sleep quality 2 · slept 5.5 h · "
        "3 areas · @stress · pregabalin 75mg · note"
    )
    child.expect(pexpect.EOF)
    assert "could not convert" not in (child.before or "")
    (entry,) = entries(tmp_path)
    assert entry["fatigue"] is None and entry["sleep_hours"] == 5.5
    assert entry["regions"] == ["shoulder-left", "shoulder-right", "neck"]
    assert entry["note"] == "[rough] night"

    # Sleep is asked only in the first entry of the day.
    child = spawn(tmp_path)
    for answer in ("4", "", ""):
        child.expect(r"0–10: ")
        child.sendline(answer)
    child.expect("Painful areas")
    assert "Hours slept" not in (child.before or "")


def test_ctrl_c_in_a_prompt_writes_nothing(tmp_path: Path) -> None:
    child = spawn(tmp_path)
    child.expect("Pain 0–10: ")
    child.sendline("7")
    child.expect("Fatigue 0–10: ")
    child.sendintr()
    child.expect("\r\nCancelled: nothing was changed.")  # on a line of its own
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    assert not (tmp_path / "diary" / "2026.json").exists()
    assert not (tmp_path / "diary" / "meta.json").exists()


def test_assess_asks_with_areas_from_the_last_week(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "fibrolog", "add", "5", "-w", "neck,hips", "--at", "yesterday"],
        env=_env(tmp_path),
        check=True,
        capture_output=True,
    )
    child = spawn(
        tmp_path, "assess", "--no-headaches", "--no-abdominal", "--no-depression", "--three-months"
    )
    child.expect(r"Areas \[hip-left, hip-right, neck\]: ")
    child.sendline("")  # keep the areas from the diary
    for _ in range(3):
        child.expect("0–3: ")
        child.sendline("2")
    child.expect("Widespread Pain Index")
    child.expect("3 of 19 areas")
    child.expect("not a diagnosis")
    child.expect(pexpect.EOF)


def test_add_asks_the_configured_prompts_in_their_order(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "fibrolog", "config", "set", "prompts", "note,flare,pain"],
        env=_env(tmp_path),
        check=True,
        capture_output=True,
    )
    child = spawn(tmp_path)
    child.expect("Note: ")
    child.sendline("asked first")
    child.expect(r"Are you in a flare\? \[y/N\]: ")
    child.sendline("y")
    child.expect("Pain 0–10: ")
    child.sendline("7")
    child.expect("Logged #1")
    child.expect(pexpect.EOF)
    assert "Fatigue" not in (child.before or "")
    (entry,) = entries(tmp_path)
    assert (entry["note"], entry["flare"], entry["pain"]) == ("asked first", True, 7)
