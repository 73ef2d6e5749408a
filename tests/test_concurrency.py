"""Many real processes writing at once lose nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path


def test_twenty_concurrent_adds_lose_nothing(tmp_path: Path) -> None:
    env = dict(
        os.environ, FIBROLOG_DB=str(tmp_path / "diary"), FIBROLOG_CONFIG=str(tmp_path / "c.toml")
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "fibrolog", "add", str(i % 11), "-n", f"writer {i}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(20)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    listed = subprocess.run(
        [sys.executable, "-m", "fibrolog", "list", "-n", "0", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    entries = json.loads(listed.stdout)
    assert sorted(e["note"] for e in entries) == sorted(f"writer {i}" for i in range(20))
    assert sorted(e["id"] for e in entries) == list(range(1, 21))
    assert len({e["uid"] for e in entries}) == 20
