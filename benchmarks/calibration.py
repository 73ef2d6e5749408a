"""How honest are the treatment review and insights? Simulated diaries whose truth is known.

Each simulated person has a latent pain level with AR(1) day-to-day correlation φ, flare
episodes of 2–6 days at random, 1–4 entries a day on 70–90 % of days, whole-number scores,
and 90 days of diary before the course. The course plants a known effect (none, −10 %, −35 %,
−60 %, +25 % of the pain level) that builds over its first two weeks; one diary in five has a
second course (−20 %) started in the weeks between the baseline and the last 28 days. Every
review is the real `fibrolog.analysis.review.review` on the simulated days.

Reported, for each φ: how often the 95 % interval holds the planted change (target ≥ 92 %), how
often a course that did nothing is given any verdict but "no clear change" (≤ 8 %), how often
a −35 % effect over 28 + 28 days is found as a fall (the power; ≥ 60 % at φ = 0.5), how often a
second course in the gap is named as a confounder (every time), and for insights how often a
tag planted with no effect is called a clear difference (≤ 8 %), and for pacing (issue 20) how
often effort with no effect on the days after shows a clear cell in the table of 12 (≤ 8 % of
diaries; also measured with a plain 95 % interval per cell). The same diaries are also
measured with the other candidate intervals (Welch over days, the method before; means of weeks
as the unit), so the choice of method is by measurement.

    python benchmarks/calibration.py              # 500 courses per effect and φ (a few minutes)
    python benchmarks/calibration.py --courses 50 # a quick look
"""

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fibrolog.analysis import stats
from fibrolog.analysis.days import Day
from fibrolog.analysis.insights import tag_comparisons
from fibrolog.analysis.pacing import pacing
from fibrolog.analysis.review import Review, review
from fibrolog.config import FlareSettings
from fibrolog.models import Course, DayFacts, Entry

PHIS = (0.0, 0.5, 0.8)
EFFECTS = (0.0, -0.10, -0.35, -0.60, 0.25)
HISTORY = 90  # days of diary before the baseline window
BASELINE, SKIP = 28, 14
FLARE_START = 1 / 25  # the chance a flare starts on a day outside one
FLARE_ADD = (2.0, 3.5)  # points a flare adds to the level, for its whole episode
LATENT_SD = 1.0
ENTRY_SD = 0.8
SECOND_COURSE = 0.2  # the share of diaries with a second course started in the gap
SECOND_EFFECT = -0.20
TAG_DAYS = 0.2  # the share of days carrying the planted tag (with no effect)
FIRST = date(2025, 1, 1)
MU = (4.0, 6.5)  # a person's usual pain: trials enrol people with a mean of 4 or more
PACING_DAYS = 120  # days of a pacing diary


@dataclass
class Diary:
    """One simulated person's days around a course, and what was planted."""

    days: dict[date, DayFacts]
    course: Course
    others: list[Course]
    today: date
    truth: float  # the planted change in mean daily pain, in points
    confounded: bool  # a second course started in the gap


def flare_share(rng: random.Random) -> float:
    """The long-run share of days in a flare of the simulation's flare process, times the
    mean points a flare adds: E[flare points on a day] (by one long run)."""
    total, in_flare, add = 0.0, 0, 0.0
    for _ in range(400_000):
        if in_flare == 0 and rng.random() < FLARE_START:
            in_flare, add = rng.randint(2, 6), rng.uniform(*FLARE_ADD)
        if in_flare:
            total += add
            in_flare -= 1
    return total / 400_000


def simulate(
    rng: random.Random, phi: float, effect: float, flare_points: float, tagged: bool = False
) -> Diary:
    """One diary: HISTORY days, the baseline, the course with `effect` from its start on."""
    mu = rng.uniform(*MU)
    gap = SKIP + rng.randint(0, 28)  # days from the start to the first day of the last 28
    start = FIRST + timedelta(days=HISTORY + BASELINE)
    today = start + timedelta(days=gap + BASELINE - 1)
    second = (
        start + timedelta(days=rng.randint(1, gap - 1)) if rng.random() < SECOND_COURSE else None
    )
    missing = rng.uniform(0.10, 0.30)
    u = rng.gauss(0, LATENT_SD)
    in_flare, add = 0, 0.0
    days: dict[date, DayFacts] = {}
    day = FIRST
    while day <= today:
        u = phi * u + math.sqrt(1 - phi * phi) * LATENT_SD * rng.gauss(0, 1)
        if in_flare == 0 and rng.random() < FLARE_START:
            in_flare, add = rng.randint(2, 6), rng.uniform(*FLARE_ADD)
        level = mu + u + (add if in_flare else 0.0)
        in_flare = max(0, in_flare - 1)
        if day >= start:
            level *= 1 + effect * min(1.0, (day - start).days / 14)
        if second is not None and day >= second:
            level *= 1 + SECOND_EFFECT * min(1.0, (day - second).days / 14)
        if rng.random() >= missing:
            pains = tuple(
                round(min(10.0, max(0.0, level + rng.gauss(0, ENTRY_SD))))
                for _ in range(rng.randint(1, 4))
            )
            tags = ("planted",) if tagged and rng.random() < TAG_DAYS else ()
            days[day] = DayFacts(date=day, pains=pains, marked=False, tags=tags)
        day += timedelta(days=1)
    course = Course(uid="1" * 32, id=1, name="trial", start=start)
    others = [Course(uid="2" * 32, id=2, name="other", start=second)] if second else []
    return Diary(days, course, others, today, effect * (mu + flare_points), second is not None)


def simulate_pacing(
    rng: random.Random, phi: float
) -> tuple[dict[date, Day], set[date], date, date]:
    """A diary of PACING_DAYS days where effort has no effect: pain and fatigue share the
    latent level (AR(1) φ, flare episodes) of `simulate`, and effort (0–10) runs in its own
    AR(1) spells with the same φ (busy weeks), unrelated to pain. Returns the days, the flare
    days, and the first and last day."""
    mu = rng.uniform(*MU)
    missing = rng.uniform(0.10, 0.30)
    u, v = rng.gauss(0, LATENT_SD), rng.gauss(0, 1)
    in_flare, add = 0, 0.0
    days: dict[date, Day] = {}
    flare_days: set[date] = set()
    last = FIRST + timedelta(days=PACING_DAYS - 1)
    for n in range(PACING_DAYS):
        day = FIRST + timedelta(days=n)
        u = phi * u + math.sqrt(1 - phi * phi) * LATENT_SD * rng.gauss(0, 1)
        v = phi * v + math.sqrt(1 - phi * phi) * rng.gauss(0, 1)
        if in_flare == 0 and rng.random() < FLARE_START:
            in_flare, add = rng.randint(2, 6), rng.uniform(*FLARE_ADD)
        if in_flare:
            flare_days.add(day)
        level = mu + u + (add if in_flare else 0.0)
        in_flare = max(0, in_flare - 1)
        if rng.random() < missing:
            continue
        at = datetime(day.year, day.month, day.day, 20, tzinfo=UTC)
        days[day] = Day(
            day,
            (
                Entry(
                    uid=f"{n:032x}",
                    at=at,
                    logged=at,
                    pain=score(level + rng.gauss(0, ENTRY_SD)),
                    fatigue=score(level - 1 + rng.gauss(0, 1.5)),
                    exertion=score(5 + 2.5 * v),
                ),
            ),
        )
    return days, flare_days, FIRST, last


def score(value: float) -> int:
    return round(min(10.0, max(0.0, value)))


@dataclass
class PacingTally:
    """Pacing tables with no effect: cells compared and clear, diaries with any clear cell,
    for the plain 95 % interval per cell and for the one widened for the 12 (chosen)."""

    diaries: int = 0
    cells: int = 0
    clear_each: int = 0
    any_each: int = 0
    clear_family: int = 0
    any_family: int = 0

    def add(self, days: dict[date, Day], flare_days: set[date], first: date, last: date) -> None:
        each = pacing(days, flare_days, first, last, family=1)
        family = pacing(days, flare_days, first, last)
        if not family.enough:
            return
        self.diaries += 1
        self.cells += sum(c.difference is not None for c in family.comparisons)
        self.clear_each += sum(c.clear for c in each.comparisons)
        self.any_each += any(c.clear for c in each.comparisons)
        self.clear_family += sum(c.clear for c in family.comparisons)
        self.any_family += any(c.clear for c in family.comparisons)

    def row(self, phi: float) -> str:
        return (
            f"| {phi} | {pct(self.clear_each, self.cells)} | {pct(self.any_each, self.diaries)} | "
            f"{pct(self.clear_family, self.cells)} | {pct(self.any_family, self.diaries)} |"
        )


# -- the candidate intervals, on the same windows ---------------------------------------------


def _windows(diary: Diary) -> tuple[dict[date, float], dict[date, float]]:
    start, today = diary.course.start, diary.today
    first_on = today - timedelta(days=BASELINE - 1)
    before = {
        d: f.pain_mean
        for d, f in diary.days.items()
        if start - timedelta(days=BASELINE) <= d < start and f.pain_mean is not None
    }
    on = {d: f.pain_mean for d, f in diary.days.items() if first_on <= d <= today and f.pain_mean}
    return on, before


def welch_days(diary: Diary) -> stats.Interval | None:
    on, before = _windows(diary)
    return stats.mean_difference(on, before)


def weekly_means(diary: Diary) -> stats.Interval | None:
    on, before = _windows(diary)

    def weeks(side: dict[date, float]) -> dict[date, float]:
        first = min(side)
        grouped: dict[int, list[float]] = {}
        for d, v in side.items():
            grouped.setdefault((d - first).days // 7, []).append(v)
        return {first + timedelta(weeks=w): sum(v) / len(v) for w, v in grouped.items()}

    return stats.mean_difference(weeks(on), weeks(before))


def alike_windows_only(diary: Diary) -> stats.Interval | None:
    on, before = _windows(diary)
    return stats.mean_difference(on, before, stats.likeness({**before, **on}))


def the_review(diary: Diary) -> Review:
    return review(
        diary.course, [diary.course, *diary.others], diary.days, [], diary.today, FlareSettings()
    )


METHODS: dict[str, Callable[[Diary], stats.Interval | None]] = {
    "Welch over days (the method before)": welch_days,
    "means of weeks as the unit": weekly_means,
    "alike days, read from the two windows only": alike_windows_only,
    "alike days, read from the year before too (chosen)": lambda d: the_review(d).pain_interval,
}
FALLS = ("minimal", "moderate", "substantial")


@dataclass
class Tally:
    """Counts over the unconfounded courses of one φ and one method."""

    judged: int = 0
    covered: int = 0
    nulls: int = 0
    null_clear: int = 0  # no effect, yet a verdict other than "no clear change"
    falls: int = 0
    found: int = 0  # a −35 % effect found as a fall
    widths: list[float] = field(default_factory=list)

    def add(self, diary: Diary, effect: float, interval: stats.Interval | None) -> None:
        if interval is None or diary.confounded:
            return
        self.judged += 1
        self.covered += interval.low <= diary.truth <= interval.high
        self.widths.append(interval.high - interval.low)
        if effect == 0:
            self.nulls += 1
            self.null_clear += interval.clear
        if effect == -0.35:
            self.falls += 1
            self.found += interval.high < 0

    def row(self, phi: float, name: str) -> str:
        self.widths.sort()
        width = self.widths[len(self.widths) // 2] if self.widths else math.nan
        return (
            f"| {phi} | {name} | {pct(self.covered, self.judged)} | "
            f"{pct(self.null_clear, self.nulls)} | {pct(self.found, self.falls)} | {width:.2f} |"
        )


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def calibrate(courses: int, seed: int, out: Callable[[str], None] = print) -> bool:
    """Run the simulation, print its tables, and say whether every target is met."""
    flare_points = flare_share(random.Random(seed))
    rng = random.Random(seed)
    met = True
    out(
        f"{courses} simulated courses per effect ({', '.join(f'{e:+.0%}' for e in EFFECTS)}) "
        f"per φ; {len(EFFECTS) * courses} courses per φ in all.\n"
    )
    out(
        "| φ | coverage (≥ 92 %) | no effect called a change (≤ 8 %) | −35 % found as a fall "
        "(≥ 60 % at φ 0.5) | gap confounder named | null tag called clear (≤ 8 %) |"
    )
    out("|---|---:|---:|---:|---:|---:|")
    comparison = []
    paced = []
    pacing_rng = random.Random(seed + 20)  # its own stream: the courses' diaries stay as they were
    for phi in PHIS:
        pacing_tally = PacingTally()
        for _ in range(courses):
            pacing_tally.add(*simulate_pacing(pacing_rng, phi))
        paced.append(pacing_tally.row(phi))
        met &= pacing_tally.any_family <= 0.08 * pacing_tally.diaries
        tallies = {name: Tally() for name in METHODS}
        verdict = Tally()
        confounded = named = 0
        tags = tag_clear = 0
        for effect in EFFECTS:
            for _ in range(courses):
                diary = simulate(rng, phi, effect, flare_points, tagged=True)
                result = the_review(diary)
                if diary.confounded:
                    confounded += 1
                    named += result.confounded
                else:
                    for name, method in METHODS.items():
                        tallies[name].add(diary, effect, method(diary))
                    if result.pain_interval is not None and result.importance is not None:
                        verdict.judged += 1
                        if effect == 0:
                            verdict.nulls += 1
                            verdict.null_clear += bool(result.clear)
                        if effect == -0.35:
                            verdict.falls += 1
                            verdict.found += bool(result.clear) and result.importance in FALLS
                first = diary.today - timedelta(days=89)
                for finding in tag_comparisons(diary.days, first, diary.today):  # type: ignore[arg-type]
                    if finding.tag == "planted" and finding.same_day.clear is not None:
                        tags += 1
                        tag_clear += finding.same_day.clear
        chosen = tallies["alike days, read from the year before too (chosen)"]
        out(
            f"| {phi} | {pct(chosen.covered, chosen.judged)} | "
            f"{pct(verdict.null_clear, verdict.nulls)} | {pct(verdict.found, verdict.falls)} | "
            f"{named} of {confounded} | {pct(tag_clear, tags)} |"
        )
        met &= chosen.covered >= 0.92 * chosen.judged
        met &= verdict.null_clear <= 0.08 * verdict.nulls
        met &= named == confounded
        met &= tag_clear <= 0.08 * tags
        if phi == 0.5:
            met &= verdict.found >= 0.60 * verdict.falls
        comparison += [t.row(phi, name) for name, t in tallies.items()]
    out(
        "\nThe candidate intervals on the same unconfounded courses (the interval alone: "
        "clear = it leaves out no change):\n"
    )
    out("| φ | method | coverage | no effect, clear | −35 % clear | median width |")
    out("|---|---|---:|---:|---:|---:|")
    for line in comparison:
        out(line)
    out(
        f"\nPacing with no effect ({courses} diaries of {PACING_DAYS} days per φ, effort in its "
        "own spells): how often a cell of the 12 (pain, fatigue, flare days × lags 0–3) is "
        "called clear, and how often a diary shows any clear cell:\n"
    )
    out(
        "| φ | cells clear, 95 % each | diaries with a clear cell, 95 % each | cells clear, "
        "widened for 12 (chosen) | diaries with a clear cell, widened (≤ 8 %) |"
    )
    out("|---|---:|---:|---:|---:|")
    for line in paced:
        out(line)
    out(f"\nEvery target met: {'yes' if met else 'NO'}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="How honest the review and insights are.")
    parser.add_argument("--courses", type=int, default=500, help="courses per effect and φ")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    met = calibrate(args.courses, args.seed)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
