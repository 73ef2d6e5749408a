"""Patterns in the person's own diary, each with its numbers and its n."""

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from fibrolog.analysis.insights import Comparison, Insights, MedFinding, TagFinding
from fibrolog.analysis.review import AsNeededDays, Review
from fibrolog.render.console import column, fitted_table, user_text
from fibrolog.text import plural, printable


def _ci(interval: tuple[float, float]) -> str:
    return f"{interval[0]:+.2f} to {interval[1]:+.2f}"


def _clear(clear: bool | None) -> str:
    return "a clear difference" if clear else "no clear difference"


def _item(text: Text | str) -> Padding:
    """One finding, indented, wrapping under itself."""
    return Padding(text if isinstance(text, Text) else Text(text), (0, 0, 0, 2))


def _tag_line(finding: TagFinding) -> Text:
    same, nxt = finding.same_day, finding.next_day
    line = user_text(f"@{finding.tag}", style="magenta")
    if not _compared(same):
        line.append(": not enough days")
    else:
        assert same.ci95 is not None
        line.append(
            f": pain {same.with_mean:.1f} on days with it vs {same.without_mean:.1f} "
            f"without ({same.difference:+.2f}, 95% CI {_ci(same.ci95)}: {_clear(same.clear)}; "
            f"n {same.n_with}/{same.n_without})"
        )
    if _compared(nxt) and nxt.ci95 is not None:
        line.append(f"; next day {nxt.difference:+.2f} ({_ci(nxt.ci95)}: {_clear(nxt.clear)})")
    return line


def _compared(comparison: Comparison) -> bool:
    return comparison.difference is not None


def _med_line(finding: MedFinding) -> Text:
    line = user_text(finding.med, style="blue")
    line.append(f" (from {finding.first_taken}): ")
    if finding.difference is None or finding.ci95 is None:
        line.append(str(finding.missing))
    else:
        line.append(
            f"pain {finding.before_mean:.1f} in the 28 days before vs "
            f"{finding.after_mean:.1f} after ({finding.difference:+.2f}, 95% CI "
            f"{_ci(finding.ci95)}: {_clear(finding.clear)}; "
            f"n {finding.n_before}/{finding.n_after} days)"
        )
    return line


def _treatment_line(review: Review) -> Text:
    """A course's review in one line; `fibrolog treatment review` gives the whole of it."""
    course = review.course
    line = user_text(course.name, style="bold")
    line.append(f" (from {course.start}")
    line.append(f", stopped {course.stop}): " if course.stop else "): ")
    if course.as_needed:
        days = review.as_needed_days
        assert days is not None
        line.append(_as_needed_text(days))
    elif review.on is None:
        line.append(
            "too early to judge" + (f" (from {review.judge_from})" if review.judge_from else "")
        )
    elif review.importance is None or review.baseline is None:
        line.append("not enough days with pain to judge")
    else:
        pct = review.pain_change_pct
        verdict = f"{review.importance}, clear" if review.clear else "no clear change"
        interval = f", 95% interval {_ci(review.ci95)}" if review.ci95 else ""
        line.append(
            f"pain {review.baseline.pain:.1f} before vs {review.on.pain:.1f} on it "
            f"({'' if pct is None else f'{pct:+.0f} %'}{interval}: {verdict})"
        )
        if review.confounded or review.bad_spell:
            line.append("; see the caveats in `fibrolog treatment review`", style="dim")
    return line


def _as_needed_text(days: AsNeededDays) -> str:
    """'taken as needed on 9 days; pain 8.2 on them vs 3.5 on the others', saying so when a
    side has no day with pain (never Python's None)."""
    taken = f"taken as needed on {plural(days.days_taken, 'day')}"
    if days.pain_taken is None:
        return "taken as needed, not yet on a day with pain logged"
    if days.pain_not_taken is None:
        return f"{taken}, pain {days.pain_taken:.1f} on them; no day without it to compare"
    return f"{taken}; pain {days.pain_taken:.1f} on them vs {days.pain_not_taken:.1f} on the others"


def _from_start_line(result: Insights) -> Text:
    """The meds already taken when the diary began: not new, and nothing before to compare."""
    line = Text("")
    for n, name in enumerate(result.meds_from_start):
        if n:
            line.append(", ")
        line.append(user_text(name, style="blue"))
    line.append(
        f": already being taken when the diary began ({result.diary_began}), so there are no "
        "days before to compare with"
    )
    return line


def insights_view(result: Insights, width: int) -> RenderableType:
    parts: list[RenderableType] = [
        Text(f"Patterns in your diary · {result.first} to {result.last}", style="bold"),
        Text(
            f"{result.days_logged} days logged. These are associations in your own entries, "
            "not causes: show them to your clinician.",
            style="dim",
        ),
        Text(""),
        Text("Sleep and pain", style="bold"),
    ]
    sleep = result.sleep
    for label, more, finding in (
        ("hours slept", "more hours slept", sleep.hours),
        ("sleep quality", "better sleep", sleep.quality),
    ):
        if finding.rho is None:
            parts.append(_item(f"{label}: not enough data ({finding.missing})"))
            continue
        rho = finding.rho
        direction = "lower" if rho < 0 else "higher"
        strength = "weak" if abs(rho) < 0.3 else "moderate" if abs(rho) < 0.6 else "strong"
        parts.append(
            _item(
                f"{more} went with {direction} pain that day: {strength} "
                f"(Spearman ρ = {rho:+.2f}, n = {finding.n} days)"
            )
        )
    sections: tuple[tuple[str, list[Text], str], ...] = (
        (
            "Tags",
            [_tag_line(f) for f in result.tags],
            "no tag was seen on ≥ 3 days and missing on ≥ 3 days",
        ),
        (
            "Treatments started or stopped in this period",
            [_treatment_line(r) for r in result.treatments],
            "none (`fibrolog treatment start` records one)",
        ),
        (
            "Meds first taken in this period, with no course recorded",
            [_med_line(m) for m in result.meds]
            + ([_from_start_line(result)] if result.meds_from_start else []),
            "none",
        ),
    )
    for title, lines, if_none in sections:
        parts += [Text(""), Text(title, style="bold")]
        parts += [_item(line) for line in lines] or [_item(if_none)]
    if result.meds_as_needed:
        names = ", ".join(
            f"{printable(m.med)} ({m.days_taken} of {m.days_logged} days)"
            for m in result.meds_as_needed
        )
        parts.append(_item(f"as-needed meds are not compared: {names}"))
    parts += [Text(""), Text("Pain by weekday", style="bold")]
    weekdays = fitted_table(
        width,
        [column("weekday"), column("pain", right=True), column("days", right=True)],
        [
            [
                Text(row.weekday),
                Text("·" if row.pain_mean is None else f"{row.pain_mean:.1f}"),
                Text(str(row.n)),
            ]
            for row in result.weekdays
        ],
    )
    parts.append(weekdays)
    return Group(*parts)
