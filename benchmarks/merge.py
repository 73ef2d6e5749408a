"""The cost of merging a conflict copy of a 10 000-entry year file, against an `import` of the
same entries (issue 19 asks for at most 3×).

Builds a diary of one year (10 000 entries in 2026), exports it, and makes
the other device's copy of its year file (20 entries added, 5 edited, 5 deleted there). Then,
as whole processes, interleaved: `import` of the export into an empty diary, and `show 1` on a
diary with the conflict copy beside it (the command merges the copy first; `show` alone costs
little, and is timed alone too). Prints medians, and instruction counts with `--instructions`.

    python benchmarks/merge.py [--rounds 5] [--instructions]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COPY = "2026.sync-conflict-20261203-101010-ABCDEFG.json"
# A year of 10 000 entries: scores, areas, tags, meds and notes, one every 52 minutes.
YEAR = """
import random, sys, uuid
from datetime import datetime, timedelta
from pathlib import Path
from fibrolog.models import Entry, Med
from fibrolog.store.diary import Diary
rng = random.Random(7)
start = datetime.fromisoformat("2026-01-01T06:00:00+01:00")
entries = []
for n in range(10_000):
    at = start + timedelta(minutes=52 * n)
    entries.append(Entry.build(
        uid=uuid.UUID(int=rng.getrandbits(128)).hex, at=at, logged=at,
        pain=rng.randint(0, 10), fatigue=rng.randint(0, 10), sleep_hours=rng.choice([None, 6.5]),
        regions=rng.sample(["neck", "lower-back", "hip-left", "shoulder-right"], 2),
        tags=rng.sample(["stress", "weather", "walk", "work"], 1),
        meds=[Med("pregabalin", "75mg")], note=rng.choice(["", "slept badly", "a long day"]),
    ))
Diary(Path(sys.argv[1])).add_many(entries)
"""


def fibrolog(*args: str) -> list[str]:
    return [sys.executable, "-m", "fibrolog", *args]


def build(work: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """The diary, its export, and the diary with the other device's copy beside it."""
    diary = work / "diary"
    subprocess.run([sys.executable, "-c", YEAR, str(diary)], env=env, check=True)
    exported = work / "export.json"
    subprocess.run(fibrolog("--db", str(diary), "export", "-o", str(exported)), env=env, check=True)
    other = work / "other"
    shutil.copytree(diary, other)
    script = """
import sys
from datetime import datetime
from pathlib import Path
from fibrolog.store.diary import Diary
from fibrolog.models import Entry
import uuid
diary = Diary(Path(sys.argv[1]))
entries = diary.entries()
for entry in entries[100:105]:
    diary.update(entry.replace(pain=(entry.pain or 0) // 2, note="changed on the desktop"))
diary.delete(e.id for e in entries[200:205])
at = datetime.fromisoformat("2026-12-27T10:00:00+01:00")
diary.add_many(Entry.build(uid=uuid.uuid4().hex, at=at, logged=at, pain=3) for _ in range(20))
"""
    subprocess.run([sys.executable, "-c", script, str(other)], env=env, check=True)
    met = work / "met"
    shutil.copytree(diary, met)
    shutil.copy2(other / "2026.json", met / COPY)
    return exported, met


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def instructions(args: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stderr.splitlines() if "refs:" in line)
    return int(line.split(":")[-1].replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--instructions", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {
            **os.environ,
            "FIBROLOG_NOW": "2026-12-28T12:00:00",
            "FIBROLOG_CONFIG": str(work / "config.toml"),
            "TZ": "Europe/Berlin",
        }
        exported, met = build(work, env)
        count = (met / "2026.json").read_bytes().count(b'{"uid":"')
        runs: dict[str, list[float]] = {"import": [], "merge (show 1)": [], "show 1": []}
        counted: dict[str, int] = {}
        for round_ in range(args.rounds):
            fresh = work / f"import-{round_}"
            runs["import"].append(timed(fibrolog("--db", str(fresh), "import", str(exported)), env))
            meeting = work / f"met-{round_}"
            shutil.copytree(met, meeting)
            runs["merge (show 1)"].append(timed(fibrolog("--db", str(meeting), "show", "1"), env))
            assert not (meeting / COPY).exists()
            runs["show 1"].append(timed(fibrolog("--db", str(meeting), "show", "1"), env))
        if args.instructions:
            counted["import"] = instructions(
                fibrolog("--db", str(work / "import-i"), "import", str(exported)), env
            )
            shutil.copytree(met, work / "met-i")
            counted["merge (show 1)"] = instructions(
                fibrolog("--db", str(work / "met-i"), "show", "1"), env
            )
            counted["show 1"] = instructions(
                fibrolog("--db", str(work / "met-i"), "show", "1"), env
            )
        base = statistics.median(runs["import"])
        print(f"year file of {count} entries, {args.rounds} rounds\n")
        print("| command | median | × import | instructions |")
        print("|---|---|---|---|")
        for label, seconds in runs.items():
            median = statistics.median(seconds)
            ins = f"{counted[label] / 1e6:.0f} M" if label in counted else "–"
            print(f"| {label} | {median * 1000:.0f} ms | {median / base:.2f}× | {ins} |")


if __name__ == "__main__":
    main()
