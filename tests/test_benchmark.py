"""The benchmark script runs end to end (on a tiny diary). Timing itself is never asserted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parent.parent / "benchmarks" / "run.py"


def test_benchmark_runs_on_a_tiny_diary(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    # The commands it times import this checkout, whatever copy of fibrolog is installed.
    source = str(SCRIPT.parent.parent)
    path = os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=path),
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    for label in (
        "`python -c pass`",
        "`--version`",
        "`add @0k`",
        "`again @0k`",
        "`status --prompt @0k`",
        "`list @0k`",
        "`summary @0k`",
        "`flares @0k`",
        "`treatment review @0k`",
        "`import (that export, new diary)`",
        "`list -n 0`",
    ):
        assert f"| {label} |" in text, label
    assert "pip's launcher alone (`import re`) takes" in text
    assert "`status --prompt @0k` takes" in text
    assert "All budgets met:" in text
    assert text == result.stdout


def test_the_benchmark_times_only_a_byte_compiled_fibrolog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy Python compiles on every run would be timed with its compilation."""
    import importlib.machinery
    import importlib.util

    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import run  # benchmarks/run.py
    finally:
        sys.path.remove(str(SCRIPT.parent))
    cached = tmp_path / "app.cpython-311.pyc"
    spec = importlib.machinery.ModuleSpec("fibrolog.cli.app", None, origin="app.py")
    spec.cached = str(cached)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    assert not run.byte_compiled()
    cached.write_bytes(b"")
    assert run.byte_compiled()

    def missing(name: str) -> None:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib.util, "find_spec", missing)
    assert not run.byte_compiled()
