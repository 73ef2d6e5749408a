"""Patterns in the person's own diary, each with its numbers and its n, never a causal claim.

Pure functions over entries. The standard library is enough: Spearman correlation is Pearson's
on ranks, and the intervals are a percentile bootstrap with a fixed seed (reproducible output).
"""

import random
from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta
from statistics import correlation, fmean
from typing import Any

from fibrolog.analysis.days import Day, group_days
from fibrolog.models import Entry

MIN_SLEEP_DAYS = 10
MIN_TAG_DAYS = 3
MIN_MED_DAYS = 7
MED_WINDOW = 28
BOOTSTRAP_ROUNDS = 1000
SEED = 2016
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def ranks(values: Sequence[float]) -> list[float]:
    """Ranks from 1, ties sharing the mean of their ranks."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho, or None when either side does not vary."""
    if len(x) < 2 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return correlation(ranks(x), ranks(y))


def bootstrap_difference(
    with_: Sequence[float], without: Sequence[float], rng: random.Random
) -> tuple[float, float]:
    """95 % percentile interval of mean(with_) − mean(without)."""
    diffs = sorted(
        fmean(rng.choices(with_, k=len(with_))) - fmean(rng.choices(without, k=len(without)))
        for _ in range(BOOTSTRAP_ROUNDS)
    )
    return diffs[int(0.025 * BOOTSTRAP_ROUNDS)], diffs[int(0.975 * BOOTSTRAP_ROUNDS) - 1]


def _pain(days: dict[date, Day]) -> dict[date, float]:
    return {d: p for d, day in days.items() if (p := day.mean("pain")) is not None}


def sleep_finding(days: dict[date, Day], metric: str) -> dict[str, Any]:
    pairs = [
        (s, p)
        for day in days.values()
        if (s := day.mean(metric)) is not None and (p := day.mean("pain")) is not None
    ]
    result: dict[str, Any] = {"n": len(pairs), "rho": None}
    if len(pairs) < MIN_SLEEP_DAYS:
        result["missing"] = (
            f"needs {MIN_SLEEP_DAYS} days with both {metric.replace('_', ' ')} and pain; "
            f"the diary has {len(pairs)}"
        )
        return result
    result["rho"] = _r(spearman([s for s, _ in pairs], [p for _, p in pairs]))
    if result["rho"] is None:
        result["missing"] = f"{metric.replace('_', ' ')} or pain did not vary"
    return result


def _compare(with_: list[float], without: list[float], rng: random.Random) -> dict[str, Any]:
    result: dict[str, Any] = {"n_with": len(with_), "n_without": len(without)}
    if len(with_) < MIN_TAG_DAYS or len(without) < MIN_TAG_DAYS:
        result.update(with_mean=None, without_mean=None, difference=None, ci95=None)
        result["missing"] = f"needs {MIN_TAG_DAYS} days on each side"
        return result
    low, high = bootstrap_difference(with_, without, rng)
    result.update(
        with_mean=_r(fmean(with_)),
        without_mean=_r(fmean(without)),
        difference=_r(fmean(with_) - fmean(without)),
        ci95=[_r(low), _r(high)],
    )
    return result


def _next_day_pain(pain: dict[date, float], days: Iterable[date]) -> list[float]:
    return [pain[n] for d in days if (n := d + timedelta(days=1)) in pain]


def tag_findings(days: dict[date, Day], first: date, last: date) -> list[dict[str, Any]]:
    pain = _pain(days)
    in_window = [d for d in pain if first <= d <= last]
    tagged: dict[str, set[date]] = {}
    for d in in_window:
        for tag in days[d].tags:
            tagged.setdefault(tag, set()).add(d)
    rng = random.Random(SEED)
    findings = []
    for tag in sorted(tagged):
        with_days = tagged[tag]
        without_days = [d for d in in_window if d not in with_days]
        if len(with_days) < MIN_TAG_DAYS or len(without_days) < MIN_TAG_DAYS:
            continue
        tagged_days = sorted(with_days)
        findings.append(
            {
                "tag": tag,
                "same_day": _compare(
                    [pain[d] for d in tagged_days], [pain[d] for d in without_days], rng
                ),
                "next_day": _compare(
                    _next_day_pain(pain, tagged_days), _next_day_pain(pain, without_days), rng
                ),
            }
        )
    return findings


def as_needed_meds(days: dict[date, Day], last: date) -> dict[str, tuple[int, int]]:
    """Meds taken on fewer than half of the logged days from their first use to `last`:
    med → (days taken, days logged). A before/after comparison does not fit them."""
    taken: dict[str, set[date]] = {}
    for d, day in days.items():
        if d <= last:
            for entry in day.entries:
                for med in entry.meds:
                    taken.setdefault(med.name, set()).add(d)
    found = {}
    for name, used in taken.items():
        logged = sum(1 for d in days if min(used) <= d <= last)
        if len(used) * 2 < logged:
            found[name] = (len(used), logged)
    return dict(sorted(found.items()))


def med_findings(days: dict[date, Day], first: date, last: date) -> list[dict[str, Any]]:
    """Daily meds first taken inside [first, last] (none in the 28 days before): pain before
    vs after. As-needed meds (`as_needed_meds`) are left out."""
    pain = _pain(days)
    first_use: dict[str, date] = {}
    for d in sorted(days):
        for entry in days[d].entries:
            for med in entry.meds:
                first_use.setdefault(med.name, d)
    as_needed = as_needed_meds(days, last)
    findings = []
    for name, start in sorted(first_use.items()):
        if not first <= start <= last or name in as_needed:
            continue
        before = [p for d, p in pain.items() if start - timedelta(days=MED_WINDOW) <= d < start]
        after = [p for d, p in pain.items() if start <= d < start + timedelta(days=MED_WINDOW)]
        finding: dict[str, Any] = {
            "med": name,
            "first_taken": start.isoformat(),
            "n_before": len(before),
            "n_after": len(after),
            "before_mean": None,
            "after_mean": None,
            "difference": None,
        }
        if len(before) < MIN_MED_DAYS or len(after) < MIN_MED_DAYS:
            finding["missing"] = f"needs {MIN_MED_DAYS} days with pain on each side of {start}"
        else:
            finding.update(
                before_mean=_r(fmean(before)),
                after_mean=_r(fmean(after)),
                difference=_r(fmean(after) - fmean(before)),
            )
        findings.append(finding)
    return findings


def weekday_findings(days: dict[date, Day], first: date, last: date) -> list[dict[str, Any]]:
    pain = _pain(days)
    by_weekday: dict[int, list[float]] = {i: [] for i in range(7)}
    for d, p in pain.items():
        if first <= d <= last:
            by_weekday[d.weekday()].append(p)
    return [
        {"weekday": WEEKDAY_NAMES[i], "n": len(v), "pain_mean": _r(fmean(v)) if v else None}
        for i, v in by_weekday.items()
    ]


def insights(
    entries: Iterable[Entry],
    first: date,
    last: date,
    course_names: Collection[str] = (),
    treatments: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """All findings for [first, last]. Pass entries from `reads_from(first)` on, so a med's
    first use can be told from one taken before the window.

    `treatments` are the reviews of the courses that started or stopped in the period; a
    med whose name (without regard to case) is in `course_names` is left to them."""
    days = group_days(e for e in entries if reads_from(first) <= e.at.date() <= last)
    window = {d: day for d, day in days.items() if first <= d <= last}
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days_logged": len(window),
        "sleep": {
            "hours": sleep_finding(window, "sleep_hours"),
            "quality": sleep_finding(window, "sleep_quality"),
        },
        "tags": tag_findings(days, first, last),
        "treatments": list(treatments),
        "meds": [
            m for m in med_findings(days, first, last) if m["med"].casefold() not in course_names
        ],
        "meds_as_needed": [
            {"med": name, "days_taken": used, "days_logged": logged}
            for name, (used, logged) in as_needed_meds(days, last).items()
            if name.casefold() not in course_names
        ],
        "weekdays": weekday_findings(days, first, last),
    }


def reads_from(first: date) -> date:
    return first - timedelta(days=MED_WINDOW)
