"""The weekly summary (one period, or a row a week) and the flare days and episodes."""

from collections.abc import Sequence
from datetime import date, timedelta

from rich.console import Group, RenderableType
from rich.text import Text

from fibrolog.analysis.days import HIGHER_IS_BETTER
from fibrolog.analysis.flares import Flares
from fibrolog.analysis.summary import Summary
from fibrolog.models import Course
from fibrolog.render.console import (
    NOTHING,
    column,
    fitted_table,
    labelled,
    number,
    score_style,
    user_text,
)
from fibrolog.text import plural

SPARKS = "▁▂▃▄▅▆▇█"
METRIC_LABELS = {
    "pain": "pain",
    "fatigue": "fatigue",
    "fog": "fog",
    "stiffness": "stiffness",
    "sleep_hours": "sleep hours",
    "sleep_quality": "sleep quality",
}
FLARE = Text("FLARE", style="bold red")


def sparkline(values: Sequence[float | None]) -> str:
    """Pain 0–10 as ▁…█ on a fixed scale (so weeks compare); a day without pain is a space."""
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v / 10 * (len(SPARKS) - 1) + 0.5))]
        for v in values
    )


def change(metric: str, value: float | None) -> Text:
    """The change against the previous period, its arrow green when better, red when worse
    (higher is better only for sleep)."""
    if value is None:
        return NOTHING.copy()
    if abs(value) < 0.005:
        return Text("→ 0.00", style="dim")
    better = (value > 0) == (metric in HIGHER_IS_BETTER)
    arrow = "↑" if value > 0 else "↓"
    return Text(f"{arrow} {abs(value):.2f}", style="green" if better else "red")


def counts(found: dict[str, int], limit: int = 8) -> Text:
    """'stress 3 · weather 1', the first `limit` of them, or 'none'."""
    items = list(found.items())
    text = user_text(" · ".join(f"{name} {n}" for name, n in items[:limit]) or "none")
    if len(items) > limit:
        text.append(f" · +{len(items) - limit} more", style="dim")
    return text


def period_title(summary: Summary) -> str:
    first, last = summary.first, summary.last
    span = f"{first:%a %d %b} – {last:%a %d %b %Y}"
    if summary.days == 7:
        return f"Week {first.isocalendar().week} · {span}"
    return span


def _sleep(hours: float | None, quality: float | None) -> Text:
    parts = []
    if hours is not None:
        parts.append(f"{hours:.1f}h")
    if quality is not None:
        parts.append(f"q{quality:.0f}")
    return Text(" ".join(parts)) if parts else NOTHING.copy()


def _mean(value: float | None) -> Text:
    """A mean pain, fatigue or fog, coloured like a score."""
    return number(value, style="" if value is None else score_style(value))


def running_courses(courses: Sequence[Course], first: date, last: date) -> Text:
    """The courses running in [first, last]: name, dose then, and which week of it that is."""
    parts = []
    for course in courses:
        if course.start > last or (course.stop is not None and course.stop <= first):
            continue
        day = last if course.stop is None else min(last, course.stop - timedelta(days=1))
        dose = course.dose_on(day)
        week = (day - course.start).days // 7 + 1
        parts.append(f"{course.name}{f' {dose}' if dose else ''} (week {week})")
    return user_text(" · ".join(parts) or "none")


def summary_view(summary: Summary, width: int, courses: Sequence[Course] = ()) -> RenderableType:
    """One period: its days, its metrics against the period before, areas, tags, meds and
    the treatment courses running."""
    head = [
        Text(period_title(summary), style="bold"),
        Text(
            f"{summary.days_logged} of {summary.days} days logged · "
            f"{plural(summary.entries, 'entry', 'entries')} · "
            f"{plural(summary.flare_days, 'flare day')}"
        ),
    ]
    if not summary.entries:
        return Group(*head, Text("No entries in this period. Add one with: fibrolog add 5"))
    day_columns = [
        column("day"),
        column("entries", right=True),
        column("pain", right=True),
        column("max", right=True),
        column("fatigue", right=True),
        column("fog", right=True),
        column("stiff", right=True),
        column("sleep", right=True),
        column("flare"),
        column("tags", free_text=True),
    ]
    rows, styles = [], []
    for row in summary.daily:
        values = row.values
        rows.append(
            [
                Text(f"{row.date:%a %d}"),
                Text(str(row.entries)) if row.entries else NOTHING.copy(),
                _mean(values["pain"]),
                number(row.pain_max),
                _mean(values["fatigue"]),
                _mean(values["fog"]),
                _mean(values["stiffness"]),
                _sleep(values["sleep_hours"], values["sleep_quality"]),
                FLARE.copy() if row.flare else Text(""),
                user_text(" ".join(row.tags), style="magenta"),
            ]
        )
        styles.append("" if row.entries else "dim")  # days without entries recede
    days = fitted_table(
        width,
        day_columns,
        rows,
        drop=("stiff", "max", "fog", "entries", "fatigue", "sleep"),
        row_styles=styles,
    )
    metric_rows = []
    for name, metric in summary.metrics.items():
        span = "·" if metric.min is None else f"{metric.min:g}–{metric.max:g}"
        metric_rows.append(
            [
                Text(METRIC_LABELS[name]),
                number(metric.mean, 2),
                Text(span),
                number(metric.previous_mean, 2),
                change(name, metric.change),
            ]
        )
    metrics = fitted_table(
        width,
        [
            column("metric"),
            column("mean", right=True),
            column("min–max", right=True),
            column("before", right=True),
            column("change", right=True),
        ],
        metric_rows,
        drop=("min–max",),
    )
    pain = sparkline([row.values["pain"] for row in summary.daily])
    facts: list[tuple[str, RenderableType]] = [
        ("daily pain", f"│{pain}│  (0 ▁ … █ 10)"),
        (
            "areas",
            f"WPI {summary.wpi} of 19 · "
            f"generalized pain in {summary.generalized_regions} of 5 regions",
        ),
    ]
    if summary.regions:
        facts.append(("", counts(summary.regions, limit=10)))
    facts.append(("tags", counts(summary.tags)))
    facts.append(("meds", counts(summary.meds)))
    if courses:
        facts.append(("treatments", running_courses(courses, summary.first, summary.last)))
    return Group(*head, Text(""), days, Text(""), metrics, Text(""), labelled(facts))


def weeks_view(summaries: Sequence[Summary], width: int) -> RenderableType:
    """A row a week: days logged, the weekly means, flare days and a sparkline of pain."""
    rows = [
        [
            Text(f"W{s.first.isocalendar()[1]:02d}"),
            Text(f"{s.first:%d %b}"),
            Text(f"{s.days_logged}/{s.days}"),
            _mean(s.metrics["pain"].mean),
            _mean(s.metrics["fatigue"].mean),
            _mean(s.metrics["fog"].mean),
            number(s.metrics["sleep_hours"].mean),
            Text(str(s.flare_days), style="bold red") if s.flare_days else NOTHING.copy(),
            Text("│" + sparkline([row.values["pain"] for row in s.daily]) + "│"),
        ]
        for s in summaries
    ]
    return fitted_table(
        width,
        [
            column("week"),
            column("from"),
            column("days", right=True),
            column("pain", right=True),
            column("fatigue", right=True),
            column("fog", right=True),
            column("sleep", right=True),
            column("flares", right=True),
            column("pain by day"),
        ],
        rows,
        drop=("fog", "fatigue", "sleep", "from", "days"),
        row_styles=["" if s.days_logged else "dim" for s in summaries],
    )


def flares_view(result: Flares, width: int) -> RenderableType:
    """The flare days of a period and the episodes they make."""
    s = result.settings
    parts: list[RenderableType] = [
        Text(f"Flares · {result.first:%d %b %Y} – {result.last:%d %b %Y}", style="bold"),
        Text(
            f"flare day: marked, pain ≥ {s.threshold:g}, or pain ≥ baseline + {s.delta:g} "
            f"(median of the {s.baseline_days} days before)",
            style="dim",
        ),
    ]
    if not result.days:
        return Group(*parts, Text("No flare days in this period."))
    days = fitted_table(
        width,
        [
            column("date"),
            column("day"),
            column("pain", right=True),
            column("max", right=True),
            column("baseline", right=True),
            column("tags"),
            column("reasons", wrapping=True),
        ],
        [
            [
                Text(day.date.isoformat()),
                Text(f"{day.date:%a}"),
                _mean(day.pain_mean),
                number(day.pain_max),
                number(day.baseline),
                user_text(" ".join(day.tags), style="magenta"),
                Text(", ".join(day.reasons)),
            ]
            for day in result.days
        ],
        drop=("day", "max", "baseline", "tags"),
    )
    episodes = fitted_table(
        width,
        [
            column("episode"),
            column("days", right=True),
            column("flare", right=True),
            column("peak", right=True),
            column("mean", right=True),
            column("triggers", free_text=True),
        ],
        [
            [
                Text(
                    f"{ep.start:%d %b}"
                    if ep.start == ep.end
                    else f"{ep.start:%d %b} – {ep.end:%d %b}"
                ),
                Text(str(ep.days)),
                Text(str(ep.flare_days)),
                number(ep.peak),
                _mean(ep.mean),
                user_text(" · ".join(f"{t} {n}" for t, n in ep.triggers.items()) or "none"),
            ]
            for ep in result.episodes
        ],
        drop=("flare", "days"),
    )
    return Group(
        *parts,
        Text(""),
        days,
        Text(""),
        Text(plural(len(result.episodes), "episode"), style="bold"),
        episodes,
        Text(
            "triggers: days with each tag in the 2 days before and on an episode's first day",
            style="dim",
        ),
    )
