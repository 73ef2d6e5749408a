"""A fast run of the calibration benchmark: it runs, and its table is whole (issue 18).

The full run (500 courses per effect and φ) and its targets live in benchmarks/RESULTS.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))

import calibration


def test_the_calibration_benchmark_runs_and_prints_every_row() -> None:
    printed: list[str] = []
    calibration.calibrate(courses=3, seed=1, out=printed.append)
    rows = [line for line in printed if line.startswith("| 0")]
    assert len(rows) == 3 + 3 * len(calibration.METHODS), "a summary row per φ, a row per method"
    assert printed[-1].strip().startswith("Every target met:")


def test_a_planted_change_is_known_and_a_gap_course_is_named() -> None:
    import random

    rng = random.Random(5)
    flare_points = 0.4
    diary = calibration.simulate(rng, 0.5, -0.35, flare_points)
    assert diary.truth < 0
    while not diary.confounded:
        diary = calibration.simulate(rng, 0.5, 0.0, flare_points)
    assert calibration.the_review(diary).confounded
