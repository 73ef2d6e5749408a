"""The doctor's report: one self-contained HTML page (inline CSS and SVG, no scripts, nothing
fetched) that prints on A4 or Letter in at most three pages.

`report_of` computes one typed value, `Report`, from days already read and judged (see
`fibrolog.queries.report`): every number comes from the analysis functions that `summary`,
`flares` and `insights` use. `render` lays it out with the Jinja2 template
`templates/report.html.j2`, autoescaping on, so no piece of user text can reach the page as
markup. The two charts are small SVG drawn by the template from geometry computed in `charts` (a chart
library would add tens of megabytes for two drawings this simple).

A long report stays readable: past two years its points are months instead of weeks, and the
calendar shows the last 12 months (the cards, body map and tables cover the whole span).
"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from statistics import fmean, median
from typing import Any

from msgspec import Struct

from fibrolog.analysis.days import METRICS, Day, days_between
from fibrolog.analysis.flares import Episode, FlareDay, Flares, episodes_of
from fibrolog.analysis.pacing import ENOUGH_DAYS, ENVELOPE_WINDOW, Comparison, Pacing, pacing
from fibrolog.analysis.review import Review
from fibrolog.analysis.summary import MeanDay, MedUsage, Summary, med_usage, summary_of
from fibrolog.config import Settings
from fibrolog.formats.charts import (
    Calendar,
    Cell,
    Label,
    LineChart,
    Timeline,
    heat,
    line_chart,
    timeline,
)
from fibrolog.models import Course
from fibrolog.regions import ALL_AREAS, wpi

NOTES_BUDGET = 3000  # characters of flare-day notes: at most about a page
MIN_TAG_DAYS = 3  # days with pain on each side before a tag's pain with and without is shown
WEEKLY_UP_TO = 104 * 7  # days: longer reports plot months
CALENDAR_DAYS = 365  # the calendar shows at most the last year
MAX_EPISODES = 12  # a long report lists the latest flare episodes
HEADLINE = (
    ("pain", "Pain", "0–10, lower is better"),
    ("fatigue", "Fatigue", "0–10, lower is better"),
    ("fog", "Fibro fog", "0–10, lower is better"),
    ("sleep_hours", "Sleep", "hours a night"),
    ("sleep_quality", "Sleep quality", "0–10, higher is better"),
)


class Change(Struct, frozen=True):
    """A card's comparison with the previous period: its words and how it reads."""

    text: str
    kind: str  # "better", "worse" or "muted"


class Card(Struct, frozen=True):
    label: str
    value: str
    unit: str
    change: Change


class WeeklyWpi(Struct, frozen=True):
    """The Widespread Pain Index of each whole 7 days, counted back from the last day."""

    weeks: list[tuple[date, int]]
    median: float | None
    low: int | None
    high: int | None
    shown: str  # the series, when short enough to read


class TagRow(Struct, frozen=True):
    tag: str
    days: int
    pain_with: float | None
    pain_without: float | None


class ReviewRow(Struct, frozen=True):
    name: str
    start: str
    before: float | None
    on: float | None
    verdict: str


class Point(Struct, frozen=True):
    """A week or month of the charts: the mean of its daily means of each metric, as its
    summary has them (`Summary.metrics[...].mean`)."""

    first: date
    last: date
    means: dict[str, float | None]


class PacingCell(Struct, frozen=True):
    """'+1.9', '(+1.2 to +2.6)': a difference after high effort and its interval (empty when
    there are too few days); `clear` when the interval leaves out zero."""

    difference: str
    interval: str
    clear: bool


class PacingRow(Struct, frozen=True):
    after: str  # "same day", "1 day", …
    cells: list[PacingCell]  # pain, fatigue, flare days


class Note(Struct, frozen=True):
    day: date
    text: str


class Report(Struct, frozen=True):
    """Everything the page shows, computed; the template only lays it out."""

    first: date
    last: date
    made: datetime
    name: str | None
    summary: Summary
    cards: list[Card]
    every: str  # "Weekly" or "Monthly"
    points: list[Point]  # the charts' weekly or monthly averages
    trend: LineChart
    sleep: LineChart
    timeline: Timeline | None
    calendar: Calendar
    fills: dict[str, str]  # body map: area → colour
    wpi: WeeklyWpi
    flares: Flares
    episodes: list[Episode]  # the latest MAX_EPISODES of them
    day_format: str  # how a table names a day: with its year when the period spans years
    tags: list[TagRow]
    meds: list[MedUsage]
    assessments: list[str]
    reviews: list[ReviewRow]
    pacing: Pacing  # effort and the days after
    pacing_rows: list[PacingRow]
    envelope: str  # the personal envelope, in a sentence
    notes: list[Note]
    threshold: float
    delta: float
    baseline_days: int


def report_of(
    days: Mapping[date, Day],
    judged: Mapping[date, FlareDay],
    first: date,
    last: date,
    settings: Settings,
    made: datetime,
    name: str | None = None,
    assessments: Sequence[dict[str, Any]] = (),
    courses: Sequence[Course] = (),
    reviews: Sequence[Review] = (),
    earlier: Mapping[date, MeanDay] | None = None,
) -> Report:
    """The report of [first, last]. `days` holds the whole days from a month before `first`
    on, `earlier` (default: `days`) the days of the previous period of the same length;
    `judged` the flare days, judged once with the year before them; `reviews` are those of
    the `courses` that ran in the period."""
    summary = summary_of(days, first, last, judged, earlier)
    length = (last - first).days + 1
    before = days if earlier is None else earlier
    previous = days_between(first - timedelta(days=length), first - timedelta(days=1))
    previous_logged = sum(1 for d in previous if d in before)
    previous_flares = sum(1 for d in previous if d in judged)
    in_period = [d for d in sorted(judged) if first <= d <= last]
    flare_days = [judged[d] for d in in_period]
    found = Flares(first, last, settings.flare, flare_days, episodes_of(flare_days, days))
    monthly = length > WEEKLY_UP_TO
    spans = months(first, last) if monthly else weeks(first, last, settings.week_start)
    points = averages(summary, spans)
    labels = [f"{p.first:%b %Y}" if monthly else f"{p.first:%d %b}" for p in points]
    trend = line_chart(
        labels,
        [
            ("pain", "#c0392b", [p.means["pain"] for p in points]),
            ("fatigue", "#e67e22", [p.means["fatigue"] for p in points]),
            ("fog", "#8e44ad", [p.means["fog"] for p in points]),
            ("effort", "#229954", [p.means["exertion"] for p in points]),
        ],
        10,
    )
    sleep = line_chart(
        labels, [("sleep hours", "#2471a3", [p.means["sleep_hours"] for p in points])], 12
    )
    step_days = (length / len(points)) if monthly else 7.0
    flare_dates = set(in_period)
    effort = pacing(days, judged.keys(), first, last)
    return Report(
        first=first,
        last=last,
        made=made,
        name=name,
        summary=summary,
        cards=cards(summary, previous_logged, previous_flares),
        every="Monthly" if monthly else "Weekly",
        points=points,
        trend=trend,
        sleep=sleep,
        timeline=timeline(courses, first, last, len(points), step_days),
        calendar=calendar(summary, flare_dates),
        fills=body_fills(summary),
        wpi=weekly_wpi(days, first, last),
        flares=found,
        episodes=found.episodes[-MAX_EPISODES:],
        day_format="%d %b %Y" if length > 365 else "%d %b",
        tags=tag_rows(summary),
        meds=med_usage(
            (e for d, day in days.items() if first <= d <= last for e in day.entries), first, last
        )[:10],
        assessments=assessment_lines(assessments),
        reviews=[review_row(r) for r in reviews],
        pacing=effort,
        pacing_rows=pacing_rows(effort),
        envelope=envelope_line(effort),
        notes=flare_notes(days, flare_dates),
        threshold=settings.flare.threshold,
        delta=settings.flare.delta,
        baseline_days=settings.flare.baseline_days,
    )


def render(report: Report) -> str:
    """The report's HTML page."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("fibrolog.formats", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["one"] = _f
    environment.filters["px"] = "{:.1f}".format
    return environment.get_template("report.html.j2").render(r=report, needs_days=ENOUGH_DAYS)


def weeks(first: date, last: date, week_start: str) -> list[tuple[date, date]]:
    """The weeks of [first, last] (the first and last cut to it)."""
    start = first - timedelta(days=(first.weekday() - (0 if week_start == "monday" else 6)) % 7)
    found = []
    while start <= last:
        found.append((max(start, first), min(start + timedelta(days=6), last)))
        start += timedelta(days=7)
    return found


def averages(summary: Summary, spans: Sequence[tuple[date, date]]) -> list[Point]:
    """Each span's mean of the daily means of each metric, from the summary's daily rows in
    one pass (each logged day weighs the same, as in `summary_of`)."""
    rows = iter(summary.daily)
    found = []
    for start, end in spans:
        daily: dict[str, list[float]] = {metric: [] for metric in METRICS}
        for row in rows:
            for metric in METRICS:
                if (value := row.values[metric]) is not None:
                    daily[metric].append(value)
            if row.date == end:
                break
        means = {metric: fmean(values) if values else None for metric, values in daily.items()}
        found.append(Point(start, end, means))
    return found


def months(first: date, last: date) -> list[tuple[date, date]]:
    """The calendar months of [first, last] (the first and last cut to it)."""
    found = []
    start = first
    while start <= last:
        following = (start.replace(day=1) + timedelta(days=32)).replace(day=1)
        found.append((start, min(following - timedelta(days=1), last)))
        start = following
    return found


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _change(value: float | None, lower_is_better: bool = True, digits: int = 1) -> Change:
    if value is None:
        return Change("no earlier data", "muted")
    if abs(value) < 0.05:
        return Change("same as before", "muted")
    better = (value < 0) == lower_is_better
    arrow = "▲" if value > 0 else "▼"
    text = f"{arrow} {abs(value):.{digits}f} vs previous period"
    return Change(text, "better" if better else "worse")


def cards(summary: Summary, previous_logged: int, previous_flares: int) -> list[Card]:
    """The headline: each metric's mean and its change, then the flare days."""
    found = []
    for key, label, unit in HEADLINE:
        metric = summary.metrics[key]
        lower_is_better = key not in ("sleep_hours", "sleep_quality")
        found.append(Card(label, _f(metric.mean), unit, _change(metric.change, lower_is_better)))
    flare_change = summary.flare_days - previous_flares if previous_logged else None
    found.append(
        Card(
            "Flare days",
            str(summary.flare_days),
            f"of {summary.days_logged} days logged",
            _change(flare_change, True, 0),
        )
    )
    return found


def calendar(summary: Summary, flare_dates: set[date]) -> Calendar:
    """Daily pain as a heat map, a column a week (Monday on top); flare days framed in black.
    A period longer than a year shows its last 12 months."""
    daily = summary.daily[-CALENDAR_DAYS:]
    note = ""
    if len(summary.daily) > CALENDAR_DAYS:
        note = (
            f"The last 12 months ({daily[0].date:%d %b %Y} – {summary.last:%d %b %Y}); "
            "the rest of the report covers the whole period."
        )
    cell = 13
    first_monday = daily[0].date - timedelta(days=daily[0].date.weekday())
    columns = (summary.last - first_monday).days // 7 + 1
    cells, month_labels = [], []
    for day in daily:
        column = (day.date - first_monday).days // 7
        x, y = 24 + column * cell, day.date.weekday() * cell
        flare = day.date in flare_dates
        pain = day.values["pain"]
        title = f"{day.date}: pain {_f(pain)}{' (flare)' if flare else ''}"
        cells.append(Cell(x, y, heat(pain), flare, title))
        if day.date.day == 1 or day == daily[0]:
            month_labels.append(Label(x, f"{day.date:%b}"))
    return Calendar(30 + columns * cell, 7 * cell + 18, cells, month_labels, cell, note)


def body_fills(summary: Summary) -> dict[str, str]:
    """Each area of the body map shaded by the share of logged days it hurt."""
    logged = max(summary.days_logged, 1)
    return {
        area: "#f7f7f7" if not (days := summary.regions.get(area, 0)) else heat(10 * days / logged)
        for area in ALL_AREAS
    }


def weekly_wpi(days: Mapping[date, Day], first: date, last: date) -> WeeklyWpi:
    """The Widespread Pain Index (a past-week measure, ACR 2016) of each whole 7 days of the
    period, counted back from its last day, oldest first: one pass over the days."""
    found = []
    end = last
    while end - timedelta(days=6) >= first:
        start = end - timedelta(days=6)
        areas: set[str] = set()
        for n in range(7):
            day = days.get(start + timedelta(days=n))
            if day is not None:
                areas.update(day.regions)
        found.append((start, wpi(areas)))
        end = start - timedelta(days=1)
    found.reverse()
    values = sorted(w for _, w in found)
    if not values:
        return WeeklyWpi(found, None, None, None, "")
    # A short period shows the whole series; a long one its last 12 weeks.
    series = " ".join(str(w) for _, w in found[-12:])
    shown = series if len(found) <= 26 else f"the last 12: {series}"
    return WeeklyWpi(found, median(values), values[0], values[-1], shown)


def tag_rows(summary: Summary) -> list[TagRow]:
    """The ten most frequent tags: on how many days, and the mean daily pain on days with it
    and without it (each when at least MIN_TAG_DAYS days with pain are on each side)."""
    pain_tags = [
        (pain, set(row.tags)) for row in summary.daily if (pain := row.values["pain"]) is not None
    ]
    rows = []
    for tag, count in list(summary.tags.items())[:10]:
        with_ = [p for p, tags in pain_tags if tag in tags]
        without = [p for p, tags in pain_tags if tag not in tags]
        enough = len(with_) >= MIN_TAG_DAYS and len(without) >= MIN_TAG_DAYS
        rows.append(
            TagRow(
                tag,
                count,
                round(fmean(with_), 2) if enough else None,
                round(fmean(without), 2) if enough else None,
            )
        )
    return rows


def assessment_lines(records: Sequence[dict[str, Any]]) -> list[str]:
    """The latest self-assessment of each kind, in a line."""
    latest = {}
    for record in records:
        latest[record["kind"]] = record
    lines = []
    if "acr2016" in latest:
        r = latest["acr2016"]
        lines.append(
            f"ACR 2016 ({str(r['at'])[:10]}): WPI {r['wpi']}, SSS {r['sss']}, "
            f"severity {r['fs']} of 31, criteria {'met' if r['criteria_met'] else 'not met'}"
        )
    if "fiqr" in latest:
        r = latest["fiqr"]
        lines.append(f"FIQR ({str(r['at'])[:10]}): total {_f(r['total'])} of 100")
    return lines


def review_row(review: Review) -> ReviewRow:
    """A course's review in a row: pain before and on it, the change and what it means, by the
    rule of the treatment review (a band only for a clear change; see analysis.review)."""
    course = review.course
    before = on = None
    if course.as_needed:
        days = review.as_needed_days
        assert days is not None
        verdict = (
            f"as needed: pain {_f(days.pain_taken)} on days taken, "
            f"{_f(days.pain_not_taken)} on others"
        )
    elif review.on is None:
        verdict = f"too early (from {review.judge_from})" if review.judge_from else "too short"
        before = review.baseline.pain if review.baseline else None
    else:
        before, on = review.baseline.pain if review.baseline else None, review.on.pain
        pct = review.pain_change_pct
        if review.importance is None:
            verdict = "too few days to judge"
        elif not review.clear and review.ci95 is not None:
            low, high = review.ci95
            verdict = f"no clear change ({low:+.1f} to {high:+.1f} points)"
        else:
            verdict = review.importance
            if pct is not None:
                verdict = f"{pct:+.0f} %: {verdict}"
        if review.confounded or review.bad_spell:
            verdict += " (confounded)" if review.confounded else " (began in a bad spell)"
    return ReviewRow(course.name, str(course.start), before, on, verdict)


AFTER = {0: "same day", 1: "1 day", 2: "2 days", 3: "3 days"}


def _pacing_cell(found: Comparison) -> PacingCell:
    """As `insights` shows it: flare days a share, in percentage points."""
    if found.difference is None or found.interval is None:
        return PacingCell("too few days", "", False)
    scale, unit, digits = (100, " %", 0) if found.measure == "flare" else (1, "", 1)
    low, high = (v * scale for v in found.interval)
    difference = found.difference * scale
    # "z": a difference that rounds to nothing shows as +0.0, not -0.0.
    return PacingCell(
        f"{difference:+z.{digits}f}{unit}",
        f"({low:+z.{digits}f} to {high:+z.{digits}f})",
        found.clear,
    )


def pacing_rows(result: Pacing) -> list[PacingRow]:
    """The table of effort and the days after: a lag a row; pain, fatigue, flare days."""
    cells = {(c.measure, c.lag): _pacing_cell(c) for c in result.comparisons}
    lags = sorted({c.lag for c in result.comparisons})
    return [
        PacingRow(AFTER[lag], [cells[m, lag] for m in ("pain", "fatigue", "flare")]) for lag in lags
    ]


def envelope_line(result: Pacing) -> str:
    envelope = result.envelope
    if envelope.status == "found":
        assert envelope.rate_above is not None and envelope.rate_at_or_below is not None
        return (
            f"After days of effort {envelope.level} or more, a flare followed within "
            f"{ENVELOPE_WINDOW} days {envelope.rate_above:.0%} of the time, against "
            f"{envelope.rate_at_or_below:.0%} after the others."
        )
    if envelope.status == "none stands out":
        return "No effort level above which flares came more often stands out yet."
    return (
        f"The effort above which flares came more often: not enough data yet (it needs "
        f"{ENOUGH_DAYS} days with an exertion score, and flares after some of them)."
    )


def flare_notes(days: Mapping[date, Day], flare_dates: set[date]) -> list[Note]:
    """The notes written on flare days, shortest first, up to NOTES_BUDGET characters."""
    notes = sorted(
        (
            (e.note.strip(), d)
            for d in flare_dates
            if d in days
            for e in days[d].entries
            if e.note.strip()
        ),
        key=lambda item: (len(item[0]), item[1]),
    )
    kept, used = [], 0
    for text, day in notes:
        if used + len(text) > NOTES_BUDGET:
            break
        kept.append(Note(day, text))
        used += len(text)
    return kept
