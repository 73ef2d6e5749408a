"""The doctor's report: one self-contained HTML page (inline CSS and SVG, no scripts, nothing
fetched) that prints on A4 or Letter in at most three pages.

Every number comes from the analysis functions that `summary`, `flares` and `insights` use;
this module only lays them out. Every piece of user text is HTML-escaped. The two charts are
small hand-written SVG (a weekly line chart and a calendar heat map): a chart library would
add tens of megabytes to the install for two drawings this simple.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape
from importlib import resources
from statistics import median
from typing import Any

from fibrolog.analysis.days import group_days
from fibrolog.analysis.flares import Flares, flares
from fibrolog.analysis.insights import tag_findings
from fibrolog.analysis.summary import MedUsage, Summary, med_usage, summarize, summary_reads_from
from fibrolog.config import Settings
from fibrolog.models import Course, Entry
from fibrolog.regions import ALL_AREAS, wpi

NOTES_BUDGET = 3000  # characters of flare-day notes: at most about a page
HEADLINE = (
    ("pain", "Pain", "0–10, lower is better"),
    ("fatigue", "Fatigue", "0–10, lower is better"),
    ("fog", "Fibro fog", "0–10, lower is better"),
    ("sleep_hours", "Sleep", "hours a night"),
    ("sleep_quality", "Sleep quality", "0–10, higher is better"),
)


def reads_from(first: date, last: date) -> date:
    return summary_reads_from(first, last)


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _heat(value: float | None, top: float = 10) -> str:
    """A colour from pale yellow (0) to deep red (top); light grey without data."""
    if value is None:
        return "#eeeeee"
    t = max(0.0, min(1.0, value / top))
    stops = ((255, 247, 188), (254, 196, 79), (236, 112, 20), (153, 52, 4))
    i = min(len(stops) - 2, int(t * (len(stops) - 1)))
    local = t * (len(stops) - 1) - i
    rgb = [round(a + (b - a) * local) for a, b in zip(stops[i], stops[i + 1], strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def line_chart(
    labels: Sequence[str], series: Sequence[tuple[str, str, Sequence[float | None]]], top: float
) -> str:
    """A small SVG line chart: one x step per label, y from 0 to `top`, a legend below."""
    width, height, left, bottom = 330, 150, 26, 22
    plot_w, plot_h = width - left - 8, height - bottom - 8
    step = plot_w / max(1, len(labels) - 1)
    parts = [f'<svg viewBox="0 0 {width} {height + 16}" width="{width}" height="{height + 16}">']
    for tick in range(0, int(top) + 1, max(1, int(top) // 5)):
        y = 8 + plot_h - tick / top * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 3:.1f}" class="ax" text-anchor="end">{tick}</text>'
        )
    for i, label in enumerate(labels):
        if i % max(1, len(labels) // 6) == 0:
            x = left + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{height - 6}" class="ax" text-anchor="middle">{escape(label)}</text>'
            )
    for n, (name, colour, values) in enumerate(series):
        points = [
            (left + i * step, 8 + plot_h - v / top * plot_h)
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{colour}"/>')
        lx = left + n * 80
        parts.append(f'<rect x="{lx}" y="{height + 4}" width="10" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{lx + 14}" y="{height + 10}" class="ax">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def calendar(summary: Summary, flare_dates: set[date]) -> str:
    """Daily pain as a heat map, a column a week (Monday on top); flare days framed in black."""
    cell = 13
    first_monday = summary.first - timedelta(days=summary.first.weekday())
    weeks = (summary.last - first_monday).days // 7 + 1
    width, height = 30 + weeks * cell, 7 * cell + 18
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}">']
    for row, name in enumerate("MTWTFSS"):
        parts.append(f'<text x="10" y="{row * cell + 10}" class="ax">{name}</text>')
    for day in summary.daily:
        column = (day.date - first_monday).days // 7
        x, y = 24 + column * cell, day.date.weekday() * cell
        flare = day.date in flare_dates
        stroke = ' stroke="#000" stroke-width="2"' if flare else ' stroke="#fff"'
        title = f"{day.date}: pain {_f(day.values['pain'])}{' (flare)' if flare else ''}"
        parts.append(
            f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{_heat(day.values["pain"])}"'
            f"{stroke}><title>{escape(title)}</title></rect>"
        )
        if day.date.day == 1 or day == summary.daily[0]:
            parts.append(f'<text x="{x}" y="{7 * cell + 12}" class="ax">{day.date:%b}</text>')
    parts.append("</svg>")
    return "".join(parts)


def body_map(summary: Summary) -> str:
    """The front-and-back map, each area shaded by the share of logged days it hurt."""
    template = resources.files("fibrolog").joinpath("formats/templates/bodymap.svg").read_text()
    logged = max(summary.days_logged, 1)
    for area in ALL_AREAS:
        days = summary.regions.get(area, 0)
        fill = "#f7f7f7" if not days else _heat(10 * days / logged)
        template = template.replace("{{" + area + "}}", fill)
    return template


def weekly_wpi(entries: Sequence[Entry], first: date, last: date) -> list[tuple[date, int]]:
    """The Widespread Pain Index (a past-week measure, ACR 2016) of each whole 7 days of the
    period, counted back from its last day: (first day of the week, WPI), oldest first."""
    weeks = []
    end = last
    while end - timedelta(days=6) >= first:
        start = end - timedelta(days=6)
        areas = {a for e in entries if start <= e.at.date() <= end for a in e.regions}
        weeks.append((start, wpi(areas)))
        end = start - timedelta(days=1)
    return weeks[::-1]


def _wpi_caption(weeks: list[tuple[date, int]], summary: Summary) -> str:
    if not weeks:
        return "<p>The period is shorter than a week, so it has no Widespread Pain Index.</p>"
    start, latest = weeks[-1]
    values = sorted(w for _, w in weeks)
    series = " ".join(str(w) for _, w in weeks)
    return (
        f"<p>Widespread Pain Index, last 7 days ({start:%d %b} – {summary.last:%d %b}): "
        f"<b>{latest} of 19</b> areas. Weekly over the period ({len(weeks)} weeks): median "
        f"<b>{median(values):g}</b>, range {values[0]}–{values[-1]} <span class='muted'>({series})"
        f"</span>; generalized pain in <b>{summary.generalized_regions} of 5</b> regions over "
        "the period.</p><p class='muted small'>Shading: the share of logged days each area "
        "was painful (pale: some days, dark: every day; light grey: never).</p>"
    )


def _change(value: float | None, lower_is_better: bool = True, digits: int = 1) -> str:
    if value is None:
        return '<span class="muted">no earlier data</span>'
    if abs(value) < 0.05:
        return '<span class="muted">same as before</span>'
    better = (value < 0) == lower_is_better
    arrow = "▲" if value > 0 else "▼"
    return f'<span class="{"better" if better else "worse"}">{arrow} {abs(value):.{digits}f} vs previous period</span>'


def build(
    entries: Sequence[Entry],
    first: date,
    last: date,
    settings: Settings,
    made: datetime,
    name: str | None = None,
    assessments: Sequence[dict[str, Any]] = (),
    courses: Sequence[Course] = (),
    reviews: Sequence[dict[str, Any]] = (),
) -> str:
    """The report's HTML for [first, last]. `entries` must reach back to `reads_from(...)`;
    `reviews` are those of the `courses` that ran in the period."""
    summary = summarize(entries, first, last, settings.flare)
    length = (last - first).days + 1
    previous = summarize(
        entries, first - timedelta(days=length), first - timedelta(days=1), settings.flare
    )
    flare_result = flares(entries, first, last, settings.flare)
    weeks = _weekly(entries, first, last, settings)
    days = group_days(entries)
    tags = tag_findings(days, first, last)
    meds = med_usage(entries, first, last)
    flare_dates = {d.date for d in flare_result.days}
    notes = _flare_notes(entries, flare_dates)

    headline = []
    for key, label, unit in HEADLINE:
        metric = summary.metrics[key]
        headline.append(
            f'<div class="card"><div class="label">{label}</div><div class="big">{_f(metric.mean)}</div>'
            f'<div class="unit">{unit}</div>{_change(metric.change, key not in ("sleep_hours", "sleep_quality"))}</div>'
        )
    flare_change = summary.flare_days - previous.flare_days if previous.days_logged else None
    headline.append(
        f'<div class="card"><div class="label">Flare days</div><div class="big">{summary.flare_days}</div>'
        f'<div class="unit">of {summary.days_logged} days logged</div>{_change(flare_change, True, 0)}</div>'
    )
    week_labels = [f"{w.first:%d %b}" for w in weeks]
    trend = line_chart(
        week_labels,
        [
            ("pain", "#c0392b", [w.metrics["pain"].mean for w in weeks]),
            ("fatigue", "#e67e22", [w.metrics["fatigue"].mean for w in weeks]),
            ("fog", "#8e44ad", [w.metrics["fog"].mean for w in weeks]),
        ],
        10,
    )
    sleep = line_chart(
        week_labels,
        [("sleep hours", "#2471a3", [w.metrics["sleep_hours"].mean for w in weeks])],
        12,
    )
    who = f"<p class='name'>{escape(name)}</p>" if name else ""
    html = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Symptom diary report {first} to {last}</title><style>{CSS}</style></head><body>",
        f"<header>{who}<h1>Symptom diary report</h1>",
        f"<p>{first:%d %b %Y} – {last:%d %b %Y} · {summary.days_logged} of {summary.days} days logged · "
        f"{summary.entries} entries · patient-reported diary (fibrolog) · made {made:%d %b %Y}</p></header>",
        f'<section class="cards">{"".join(headline)}</section>',
        '<section class="two"><div><h2>Weekly averages</h2>',
        trend,
        timeline(courses, first, last, len(weeks)),
        sleep,
        "</div><div><h2>Daily pain</h2>",
        calendar(summary, flare_dates),
        '<p class="muted small">Pale = low pain, dark = high; black frame = flare day; grey = not logged.</p>',
        "</div></section>",
        '<section class="two"><div><h2>Painful areas</h2>',
        body_map(summary),
        _wpi_caption(weekly_wpi(entries, first, last), summary),
        "</div><div>",
        _episodes_table(flare_result),
        _tags_table(summary, tags),
        _meds_table(meds, summary.days_logged),
        _assessments_block(assessments),
        _reviews_table(reviews),
        "</div></section>",
        _notes_block(notes),
        '<footer class="muted small">Self-reported by the patient with fibrolog. Scores are 0–10; '
        "a flare day is marked by the patient, or has mean pain at or above the threshold "
        f"({settings.flare.threshold:g}), or {settings.flare.delta:g} points above the median of the "
        f"previous {settings.flare.baseline_days} non-flare days.</footer>",
        "</body></html>",
    ]
    return "\n".join(html)


def timeline(courses: Sequence[Course], first: date, last: date, weeks: int) -> str:
    """The treatment courses of the period as bars on the weekly chart's time axis (the same
    width, margin and step), a dose change marked by a tick and the new dose."""
    shown = [c for c in courses if c.start <= last and (c.stop is None or c.stop > first)]
    if not shown:
        return ""
    width, left = 330, 26
    plot_w = width - left - 8
    step = plot_w / max(1, weeks - 1)
    row = 16
    height = row * len(shown) + 4

    def x(day: date) -> float:
        return left + min(max((day - first).days / 7 * step, 0), plot_w)

    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-label="Treatment courses over the period">'
    ]
    for i, course in enumerate(shown):
        y = 2 + i * row
        end = last if course.stop is None else min(last, course.stop - timedelta(days=1))
        x0, x1 = x(max(course.start, first)), x(end)
        colour = "#b7c9e2" if course.as_needed else "#5b8cc4"
        parts.append(
            f'<rect x="{x0:.1f}" y="{y}" width="{max(x1 - x0, 3):.1f}" height="{row - 4}" '
            f'rx="3" fill="{colour}"><title>{escape(course.name)}</title></rect>'
        )
        label = course.name + (" (as needed)" if course.as_needed else "")
        dose = course.dose_on(max(course.start, first))
        if dose:
            label += f" {dose}"
        parts.append(f'<text x="{x0 + 3:.1f}" y="{y + row - 7}" class="tl">{escape(label)}</text>')
        for change in course.doses[1:]:
            if first <= change.from_ <= last:
                cx = x(change.from_)
                parts.append(
                    f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y - 1}" y2="{y + row - 3}" '
                    'stroke="#222" stroke-width="1.5"/>'
                    f'<text x="{cx + 2:.1f}" y="{y + row - 7}" class="tl">'
                    f"{escape(change.dose or '')}</text>"
                )
    parts.append("</svg>")
    return "".join(parts)


def _reviews_table(reviews: Sequence[dict[str, Any]]) -> str:
    """Each course's review in a row: pain before and on it, the change and its size."""
    if not reviews:
        return ""
    rows = []
    for r in reviews:
        course = r["course"]
        if course["as_needed"]:
            days = r["as_needed_days"]
            verdict = (
                f"as needed: pain {_f(days['pain_taken'])} on days taken, "
                f"{_f(days['pain_not_taken'])} on others"
            )
            before = on = "–"
        elif r["on"] is None:
            verdict = f"too early (from {r['judge_from']})" if r["judge_from"] else "too short"
            before, on = _f(r["baseline"]["pain"]), "–"
        else:
            before, on = _f(r["baseline"]["pain"]), _f(r["on"]["pain"])
            pct = r["pain_change_pct"]
            verdict = r["importance"] or "too few days to judge"
            if r["importance"] and pct is not None:
                verdict = f"{pct:+.0f} %: {verdict}"
            if r["other_changes"] or r["bad_spell"]:
                verdict += " (confounded)" if r["other_changes"] else " (began in a bad spell)"
        rows.append(
            f"<tr><td>{escape(course['name'])}</td><td>{course['start']}</td>"
            f"<td>{before}</td><td>{on}</td><td>{escape(verdict)}</td></tr>"
        )
    return (
        "<h2>Treatments: 4 weeks before vs the latest 4 on it</h2><table><tr><th>course</th>"
        "<th>from</th><th>pain before</th><th>on it</th><th>change (IMMPACT)</th></tr>"
        + "".join(rows)
        + "</table><p class='muted small'>Mean daily pain; the first 2 weeks on a treatment "
        "are left out. An association in the diary, not proof of cause.</p>"
    )


def _weekly(entries: Sequence[Entry], first: date, last: date, settings: Settings) -> list[Summary]:
    start = first - timedelta(
        days=(first.weekday() - (0 if settings.week_start == "monday" else 6)) % 7
    )
    weeks = []
    while start <= last:
        weeks.append(
            summarize(
                entries, max(start, first), min(start + timedelta(days=6), last), settings.flare
            )
        )
        start += timedelta(days=7)
    return weeks


def _flare_notes(entries: Sequence[Entry], flare_dates: set[date]) -> list[tuple[date, str]]:
    notes = sorted(
        (
            (e.at.date(), e.note.strip())
            for e in entries
            if e.note.strip() and e.at.date() in flare_dates
        ),
        key=lambda item: (len(item[1]), item[0]),
    )
    kept, used = [], 0
    for day, text in notes:
        if used + len(text) > NOTES_BUDGET:
            break
        kept.append((day, text))
        used += len(text)
    return kept


def _episodes_table(result: Flares) -> str:
    if not result.episodes:
        return "<h2>Flare episodes</h2><p>No flare days in this period.</p>"
    rows = "".join(
        f"<tr><td>{e.start:%d %b}{'' if e.start == e.end else f' – {e.end:%d %b}'}</td><td>{e.days}</td>"
        f"<td>{e.flare_days}</td><td>{_f(None if e.peak is None else float(e.peak), 0)}</td><td>{_f(e.mean)}</td>"
        f"<td>{escape(', '.join(f'{t} ({n})' for t, n in e.triggers.items())) or '–'}</td></tr>"
        for e in result.episodes
    )
    return (
        f"<h2>Flare episodes ({len(result.episodes)})</h2><table><tr><th>when</th><th>days</th>"
        "<th>flare days</th><th>peak</th><th>mean</th><th>tags, 2 days before to day 1</th></tr>"
        f"{rows}</table>"
    )


def _tags_table(summary: Summary, findings: list[dict[str, Any]]) -> str:
    if not summary.tags:
        return ""
    by_tag = {f["tag"]: f["same_day"] for f in findings}
    rows = []
    for tag, count in list(summary.tags.items())[:10]:
        same = by_tag.get(tag)
        with_, without = (same["with_mean"], same["without_mean"]) if same else (None, None)
        rows.append(
            f"<tr><td>{escape(tag)}</td><td>{count}</td><td>{_f(with_)}</td><td>{_f(without)}</td></tr>"
        )
    return (
        "<h2>Tags</h2><table><tr><th>tag</th><th>days</th><th>pain with</th><th>pain without</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _meds_table(meds: list[MedUsage], days_logged: int) -> str:
    if not meds:
        return ""
    rows = "".join(
        f"<tr><td>{escape(m.name)}</td><td>{m.days} of {days_logged}</td><td>{m.first:%d %b}</td>"
        f"<td>{m.last:%d %b}</td></tr>"
        for m in meds[:10]
    )
    return (
        "<h2>Medications</h2><table><tr><th>med</th><th>days taken</th><th>first</th><th>last</th></tr>"
        f"{rows}</table>"
    )


def _assessments_block(records: Sequence[dict[str, Any]]) -> str:
    latest = {}
    for record in records:
        latest[record["kind"]] = record
    parts = []
    if "acr2016" in latest:
        r = latest["acr2016"]
        parts.append(
            f"ACR 2016 ({str(r['at'])[:10]}): WPI {r['wpi']}, SSS {r['sss']}, severity {r['fs']} of 31, "
            f"criteria {'met' if r['criteria_met'] else 'not met'}"
        )
    if "fiqr" in latest:
        r = latest["fiqr"]
        parts.append(f"FIQR ({str(r['at'])[:10]}): total {_f(r['total'])} of 100")
    if not parts:
        return ""
    items = "".join(f"<li>{escape(p)}</li>" for p in parts)
    return f"<h2>Latest self-assessments</h2><ul>{items}</ul>"


def _notes_block(notes: list[tuple[date, str]]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li><b>{day:%d %b}</b> {escape(text)}</li>" for day, text in notes)
    return f'<section class="notes"><h2>Notes written on flare days</h2><ul>{items}</ul></section>'


def has_entries(entries: Sequence[Entry], first: date, last: date) -> bool:
    return any(first <= e.at.date() <= last for e in entries)


CSS = """
@page { size: auto; margin: 12mm; }
* { box-sizing: border-box; }
body { font: 12px/1.35 system-ui, sans-serif; color: #222; max-width: 190mm; margin: 0 auto; padding: 8px; }
h1 { font-size: 20px; margin: 0 0 2px; } h2 { font-size: 13px; margin: 10px 0 4px; }
header p { margin: 0; color: #444; } .name { font-weight: 600; font-size: 14px; }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 6px; margin: 10px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 6px; }
.label { font-weight: 600; } .big { font-size: 22px; font-weight: 700; } .unit { color: #666; font-size: 10px; }
.better { color: #1e8449; font-size: 10px; } .worse { color: #b03a2e; font-size: 10px; }
.muted { color: #777; } .small { font-size: 10px; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 11px; }
th, td { text-align: left; padding: 2px 4px; border-bottom: 1px solid #eee; vertical-align: top; }
.ax { font: 9px sans-serif; fill: #555; } .tl { font: 9px sans-serif; fill: #111; }
svg { max-width: 100%; height: auto; }
.notes ul { columns: 2; padding-left: 16px; margin: 0; } .notes li { break-inside: avoid; margin-bottom: 3px; }
footer { margin-top: 10px; }
@media print { body { padding: 0; } section { break-inside: avoid; } }
"""
