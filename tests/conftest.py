"""Shared fixtures: an isolated diary folder, config and clock for every test."""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from fibrolog.cli.app import app

# Property tests: no per-example deadline (timing belongs in the benchmark, and CI machines are
# slow and shared). Under CI the examples are derandomized, so whether a change lands never
# depends on luck; `--hypothesis-profile thorough` explores far more examples on a dev machine.
settings.register_profile("fibrolog", deadline=None)
settings.register_profile("ci", settings.get_profile("fibrolog"), derandomize=True)
settings.register_profile("thorough", settings.get_profile("fibrolog"), max_examples=2000)
settings.load_profile("ci" if os.environ.get("CI") else "fibrolog")

NOW = "2026-11-23T09:15:00"  # a Monday, in Europe/Berlin winter time (+01:00)
ZONE = "Europe/Berlin"


@pytest.fixture
def diary_dir(tmp_path: Path) -> Path:
    return tmp_path / "diary"


@pytest.fixture
def cli_env(tmp_path: Path, diary_dir: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {
        "FIBROLOG_DB": str(diary_dir),
        "FIBROLOG_CONFIG": str(tmp_path / "config.toml"),
        "FIBROLOG_NOW": NOW,
        "XDG_DATA_HOME": str(tmp_path / "data"),  # `demo` never writes to the real home
        "FIBROLOG_LOCK_TIMEOUT": "10",
        "TZ": ZONE,
        "NO_COLOR": "1",
        "COLUMNS": "100",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


Run = Callable[..., Result]


@pytest.fixture
def run(cli_env: dict[str, str]) -> Run:
    """Invoke the CLI in-process: run("add", "5", input=None) → click Result."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), input=input, env=cli_env)

    return invoke


@pytest.fixture
def run_json(run: Run) -> Callable[..., Any]:
    def invoke(*args: str) -> Any:
        result = run(*args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return invoke


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a command changed nothing."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def flat(text: str) -> str:
    """Text with every run of white space made one space: what it says, however it wrapped."""
    return " ".join(text.split())


def lines(text: str) -> list[str]:
    """The lines a user reads, without the trailing spaces Rich pads them with."""
    return [line.rstrip() for line in text.splitlines()]
