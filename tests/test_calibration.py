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
    assert len(rows) == 3 + 3 * len(calibration.METHODS) + 3, (
        "a summary row per φ, a row per method, a pacing row per φ"
    )
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


def test_pacing_with_no_effect_is_rarely_called_clear() -> None:
    """A smoke check of the pacing rows: 20 diaries where effort does nothing. The full run
    (500 per φ) finds a clear cell in about 3 % of diaries widened for the 12, against
    30–40 % with a plain 95 % interval per cell."""
    import random

    tally = calibration.PacingTally()
    rng = random.Random(3)
    for _ in range(20):
        tally.add(*calibration.simulate_pacing(rng, 0.5))
    assert tally.diaries == 20 and tally.cells == 20 * 12
    assert tally.any_family <= 2  # at most 1 in 10 diaries
    assert tally.clear_family <= tally.clear_each  # widening only ever removes a "clear"
    assert calibration.PacingTally().row(0.5) == "| 0.5 | – | – | – | – |"
