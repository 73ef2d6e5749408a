"""The weekly summary (one period, or a row a week) and the flare days and episodes."""

from collections.abc import Sequence
from datetime import date, timedelta

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Column
from rich.text import Text

from fibrolog.analysis.days import HIGHER_IS_BETTER, HIGHER_IS_WORSE, round_half_up
from fibrolog.analysis.flares import Flares
from fibrolog.analysis.summary import Summary
from fibrolog.dates import week_number
from fibrolog.models import DAILY_SCORES, Course
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
METRIC_LABELS = {"sleep_hours": "sleep hours"} | {s.name: s.label for s in DAILY_SCORES}
# The day table's score columns besides pain (which has its max beside it) and sleep quality
# (shown with the hours slept, in "sleep"), in their declared order.
OTHER_SCORES = [s for s in DAILY_SCORES if s.name not in ("pain", "sleep_quality")]
# The day table's columns that give way at a narrow window, in order (after the empty ones).
DAY_COLUMNS_GIVE_WAY = ("stiff", "max", "effort", "fog", "entries", "fatigue", "sleep")
LABEL_WIDTH = len("treatments") + 2  # the facts' labels, and the gap after them
FLARE = Text("FLARE", style="bold red")


def sparkline(values: Sequence[float | None]) -> str:
    """Pain 0–10 as ▁…█ on a fixed scale (so weeks compare); a day without pain is a space."""
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v / 10 * (len(SPARKS) - 1) + 0.5))]
        for v in values
    )


def change(metric: str, value: float | None) -> Text:
    """The change against the previous period, its arrow green when better, red when worse
    (higher is better for sleep; for exertion neither)."""
    if value is None:
        return NOTHING.copy()
    if abs(value) < 0.005:
        return Text("→ 0.00", style="dim")
    arrow = "↑" if value > 0 else "↓"
    if metric not in HIGHER_IS_BETTER | HIGHER_IS_WORSE:
        return Text(f"{arrow} {abs(value):.2f}")
    better = (value > 0) == (metric in HIGHER_IS_BETTER)
    return Text(f"{arrow} {abs(value):.2f}", style="green" if better else "red")


def counts(found: dict[str, int], room: int) -> Text:
    """'stress 3 days · weather 1': on how many days each was there, most first, as many
    as fit in `room` cells (the rest counted: '+3 more'), or 'none'."""
    items = list(found.items())
    if not items:
        return Text("none")
    shown: list[str] = []
    for n, (name, days) in enumerate(items):
        item = f"{name} {plural(days, 'day') if n == 0 else days}"
        rest = len(items) - n - 1
        more = f" · +{rest} more" if rest else ""
        if shown and cell_len(" · ".join([*shown, item]) + more) > room:
            break
        shown.append(item)
    text = user_text(" · ".join(shown))
    if len(shown) < len(items):
        text.append(f" · +{len(items) - len(shown)} more", style="dim")
    return text


def period_title(summary: Summary) -> str:
    first, last = summary.first, summary.last
    span = f"{first:%a %d %b} – {last:%a %d %b %Y}"
    if summary.days == 7:
        return f"Week {week_number(first)} · {span}"
    return span


def _sleep(hours: float | None, quality: float | None) -> Text:
    parts = []
    if hours is not None:
        parts.append(f"{round_half_up(hours, 1):.1f}h")
    if quality is not None:
        parts.append(f"q{round_half_up(quality, 0):.0f}")
    return Text(" ".join(parts)) if parts else NOTHING.copy()


def _mean(value: float | None) -> Text:
    """A mean pain, fatigue or fog, coloured like a score (its half rounded up: 3.25 → 3.3)."""
    return number(round_half_up(value, 1), style="" if value is None else score_style(value))


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


def empty_columns(columns: Sequence[Column], rows: Sequence[Sequence[RenderableType]]) -> list[str]:
    """The headers of the columns with no value in any row (blank or "·"): at a narrow width
    these give way first."""
    return [
        str(c.header)
        for i, c in enumerate(columns)
        if all(isinstance(row[i], Text) and row[i].plain in ("", NOTHING.plain) for row in rows)  # type: ignore[union-attr]
    ]


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
        *(column(s.column, right=True) for s in OTHER_SCORES),
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
                *(
                    _mean(values[s.name])
                    if s.higher == "worse"
                    else number(round_half_up(values[s.name], 1))
                    for s in OTHER_SCORES
                ),
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
        drop=list(dict.fromkeys([*empty_columns(day_columns, rows), *DAY_COLUMNS_GIVE_WAY])),
        row_styles=styles,
    )
    metric_rows = []
    for name, metric in summary.metrics.items():
        if metric.mean is None and metric.previous_mean is None:
            continue  # not logged in either period (exertion, for one, is only for some)
        span = "·" if metric.min is None else f"{metric.min:g}–{metric.max:g}"
        metric_rows.append(
            [
                Text(METRIC_LABELS[name]),
                number(round_half_up(metric.mean), 2),
                Text(span),
                number(round_half_up(metric.previous_mean), 2),
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
    room = width - LABEL_WIDTH
    if summary.regions:
        facts.append(("", counts(summary.regions, room)))
    facts.append(("tags", counts(summary.tags, room)))
    facts.append(("meds", counts(summary.meds, room)))
    if courses:
        facts.append(("treatments", running_courses(courses, summary.first, summary.last)))
    return Group(*head, Text(""), days, Text(""), metrics, Text(""), labelled(facts))


def weeks_view(summaries: Sequence[Summary], width: int) -> RenderableType:
    """A row a week: days logged, the weekly means, flare days and a sparkline of pain."""
    rows = [
        [
            Text(f"W{week_number(s.first):02d}"),
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
