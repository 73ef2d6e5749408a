"""Terminal views: results → tables and text, written through `fibrolog.terminal`.

User text (notes, tags, meds) is printed as given, never read as markup, so a note such as
"[bad day] [/x]" prints exactly as typed; its control characters are shown as "�". Colour
follows the usual rules (see `terminal`): none when piped, none with NO_COLOR.
"""

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from fibrolog.models import Entry
from fibrolog.terminal import Cell, Out, Span, Table, fit
from fibrolog.text import when

if TYPE_CHECKING:  # `list` does not load the analysis
    from fibrolog.analysis import Flares, Summary

DIM_DOT: Span = ("·", "dim")


def labelled(out: Out, rows: Sequence[tuple[str, Cell]]) -> None:
    """Bold labels, then their values two spaces on, each value wrapped under itself."""
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        out.wrapped(value, indent=width + 2, first=out.paint(label.ljust(width), "bold") + "  ")


# Terminal control characters (escape sequences, bell, backspace …) in user text would act on
# the terminal instead of printing; they are shown as "�". Newlines and tabs are the callers'.
_CONTROLS = {c: "\N{REPLACEMENT CHARACTER}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_CONTROLS_BUT_LINES = {c: shown for c, shown in _CONTROLS.items() if chr(c) not in "\n\t"}


def printable(text: str, keep_lines: bool = False) -> str:
    """User text made safe to print: control characters become "�" (keep_lines: not \n, \t)."""
    if text.isprintable():
        return text
    return text.translate(_CONTROLS_BUT_LINES if keep_lines else _CONTROLS)


def _score_cell(value: int | None) -> Span:
    """A 0–10 score and its colour: red from 7, yellow from 4, else green; "·" if not given."""
    if value is None:
        return "·", "dim"
    return str(value), "red" if value >= 7 else "yellow" if value >= 4 else "green"


ENTRY_COLUMNS = (">#", "when", ">pain", ">fat", ">fog", ">stiff", ">sleep", "flare")


def _entry_cells(e: Entry) -> list[tuple[str, str]]:
    """One entry as (text, style) cells for ENTRY_COLUMNS."""
    sleep = "" if e.sleep_hours is None else f"{e.sleep_hours:g}h"
    if e.sleep_quality is not None:
        sleep += f" q{e.sleep_quality}"
    return [
        (str(e.id), ""),
        (e.at.strftime("%Y-%m-%d %a %H:%M"), ""),
        *map(_score_cell, (e.pain, e.fatigue, e.fog, e.stiffness)),
        (sleep.strip(), "") if sleep else ("·", "dim"),
        ("FLARE", "bold red") if e.flare else ("", ""),
    ]


def _entry_details(e: Entry) -> list[tuple[str, str]]:
    """The free-text end of an entry's row, as (text, style) parts."""
    return [
        (part, style)
        for part, style in (
            (",".join(e.regions), "cyan"),
            (" ".join("@" + t for t in e.tags), "magenta"),
            (printable(", ".join(str(m) for m in e.meds)), "blue"),
            (printable(" ".join(e.note.split())), ""),
        )
        if part
    ]


def _joined(parts: list[Span]) -> list[Span]:
    """Details parts with a dim " · " between them."""
    joined: list[Span] = []
    for part in parts:
        if joined:
            joined.append((" · ", "dim"))
        joined.append(part)
    return joined


def print_entries(entries: Sequence[Entry], total_hint: str = "") -> None:
    """The entries as a table, written line by line.

    Not a `Table`: `list -n 0` may show 100 000 entries, and holding every row before the
    first is printed costs memory. The columns are the same for every row, so their widths
    are known after one pass; rows are then made and written one at a time.
    """
    out = Out()
    if not entries:
        out.print("No entries match. Add one with: fibrolog add 5")
        return
    widths = [len(name) - name.startswith(">") for name in ENTRY_COLUMNS]
    for e in entries:  # a first pass for the widths; rows are made one at a time below
        for i, (text, _style) in enumerate(_entry_cells(e)):
            widths[i] = max(widths[i], len(text))
    room = max(out.width - sum(widths) - len(widths), 12)

    def line(cells: list[Span], details: str) -> str:
        padded = [
            out.paint(text.rjust(width) if name.startswith(">") else text.ljust(width), style)
            for (text, style), width, name in zip(cells, widths, ENTRY_COLUMNS, strict=True)
        ]
        return " ".join([*padded, details]).rstrip()

    header_details = out.paint("details", "bold")

    def lines() -> Iterator[str]:
        yield line([(name.removeprefix(">"), "bold") for name in ENTRY_COLUMNS], header_details)
        for e in entries:
            yield line(_entry_cells(e), out.render(fit(_joined(_entry_details(e)), room)))

    out.write_lines(lines())
    if total_hint:
        out.print((total_hint, "dim"))


def print_entry(entry: Entry) -> None:
    """Every field of one entry, labelled, the note printed literally on its own lines."""
    out = Out()
    rows: list[tuple[str, Cell]] = [
        ("entry", f"#{entry.id}  ({entry.uid})"),
        ("when", f"{when(entry.at)} {entry.at.year}  ({entry.at.isoformat()})"),
        ("logged", entry.logged.isoformat()),
    ]
    for name in ("pain", "fatigue", "fog", "stiffness", "sleep_quality"):
        value = getattr(entry, name)
        if value is not None:
            rows.append((name.replace("_", " "), _score_cell(value)))
    if entry.sleep_hours is not None:
        rows.append(("sleep hours", f"{entry.sleep_hours:g}"))
    if entry.regions:
        rows.append(("areas", (", ".join(entry.regions), "cyan")))
    if entry.tags:
        rows.append(("tags", (" ".join("@" + t for t in entry.tags), "magenta")))
    if entry.meds:
        rows.append(("meds", printable(", ".join(str(m) for m in entry.meds))))
    for name, score in sorted(entry.symptoms.items()):
        rows.append((name, _score_cell(score)))
    if entry.flare:
        rows.append(("flare", ("yes", "bold red")))
    labelled(out, rows)
    if entry.note:
        out.print()
        out.print(printable(entry.note, keep_lines=True))


# -- summary and flares ------------------------------------------------------------------------

SPARKS = "▁▂▃▄▅▆▇█"
METRIC_LABELS = {
    "pain": "pain",
    "fatigue": "fatigue",
    "fog": "fog",
    "stiffness": "stiffness",
    "sleep_hours": "sleep hours",
    "sleep_quality": "sleep quality",
}


def _num(value: float | None) -> Cell:
    if value is None:
        return DIM_DOT
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def sparkline(values: Sequence[float | None]) -> str:
    """Pain 0–10 as ▁…█ on a fixed scale (so weeks compare); a day without pain is a space."""
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v / 10 * (len(SPARKS) - 1) + 0.5))]
        for v in values
    )


def _change(metric: str, change: float | None) -> Span:
    from fibrolog.analysis import HIGHER_IS_BETTER

    if change is None:
        return DIM_DOT
    if abs(change) < 0.005:
        return "→ 0.00", "dim"
    better = (change > 0) == (metric in HIGHER_IS_BETTER)
    arrow = "↑" if change > 0 else "↓"
    return f"{arrow} {abs(change):.2f}", "green" if better else "red"


def _counts(counts: dict[str, int], limit: int = 8) -> list[Span]:
    items = list(counts.items())
    text = [(" · ".join(f"{name} {n}" for name, n in items[:limit]) or "none", "")]
    if len(items) > limit:
        text.append((f" · +{len(items) - limit} more", "dim"))
    return text


def period_title(summary: "Summary") -> str:
    first, last = summary.first, summary.last
    span = f"{first:%a %d %b} – {last:%a %d %b %Y}"
    if summary.days == 7:
        return f"Week {first.isocalendar().week} · {span}"
    return span


def print_summary(summary: "Summary") -> None:
    out = Out()
    out.print((period_title(summary), "bold"))
    out.print(
        f"{summary.days_logged} of {summary.days} days logged · "
        f"{summary.entries} entr{'y' if summary.entries == 1 else 'ies'} · "
        f"{summary.flare_days} flare day{'s' * (summary.flare_days != 1)}"
    )
    if not summary.entries:
        out.print("No entries in this period. Add one with: fibrolog add 5")
        return
    days = Table(
        "day", ">n", ">pain", ">max", ">fatigue", ">fog", ">stiff", ">sleep", "flare", last="tags"
    )
    for row in summary.daily:
        sleep = ""
        if row.values["sleep_hours"] is not None:
            sleep = f"{row.values['sleep_hours']:.1f}h"
        if row.values["sleep_quality"] is not None:
            sleep += f" q{row.values['sleep_quality']:.0f}"
        days.add_row(
            f"{row.date:%a %d}",
            str(row.entries) if row.entries else DIM_DOT,
            _num(row.values["pain"]),
            _num(row.pain_max),
            _num(row.values["fatigue"]),
            _num(row.values["fog"]),
            _num(row.values["stiffness"]),
            sleep or DIM_DOT,
            ("FLARE", "bold red") if row.flare else "",
            " ".join(row.tags),
        )
    out.print()
    days.print(out)
    metrics = Table("", ">mean", ">min–max", ">before", ">change")
    for name, metric in summary.metrics.items():
        span = "·" if metric.min is None else f"{metric.min:g}–{metric.max:g}"
        metrics.add_row(
            METRIC_LABELS[name],
            _fixed2(metric.mean),
            span,
            _fixed2(metric.previous_mean),
            _change(name, metric.change),
        )
    out.print()
    metrics.print(out)
    out.print()
    pain = sparkline([row.values["pain"] for row in summary.daily])
    rows: list[tuple[str, Cell]] = [
        ("daily pain", f"│{pain}│  (0 ▁ … █ 10)"),
        (
            "areas",
            f"WPI {summary.wpi} of 19 · "
            f"generalized pain in {summary.generalized_regions} of 5 regions",
        ),
    ]
    if summary.regions:
        rows.append(("", _counts(summary.regions, limit=10)))
    rows.append(("tags", _counts(summary.tags)))
    rows.append(("meds", _counts(summary.meds)))
    labelled(out, rows)


def _fixed2(value: float | None) -> Cell:
    return DIM_DOT if value is None else f"{value:.2f}"


def _round2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def print_weeks(summaries: Sequence["Summary"]) -> None:
    out = Out()
    grid = Table(
        "week", "from", ">days", ">pain", ">fatigue", ">fog", ">sleep", ">flares", "pain by day"
    )
    for s in summaries:
        grid.add_row(
            f"W{s.first.isocalendar()[1]:02d}",
            f"{s.first:%d %b}",
            f"{s.days_logged}/{s.days}",
            _num(_round2(s.metrics["pain"].mean)),
            _num(_round2(s.metrics["fatigue"].mean)),
            _num(_round2(s.metrics["fog"].mean)),
            _num(_round2(s.metrics["sleep_hours"].mean)),
            str(s.flare_days) if s.flare_days else DIM_DOT,
            "│" + sparkline([row.values["pain"] for row in s.daily]) + "│",
        )
    grid.print(out)


def print_flares(result: "Flares") -> None:
    out = Out()
    s = result.settings
    out.print((f"Flares · {result.first:%d %b %Y} – {result.last:%d %b %Y}", "bold"))
    out.wrapped(
        (
            f"flare day: marked, pain ≥ {s.threshold:g}, or pain ≥ baseline + {s.delta:g} "
            f"(median of the {s.baseline_days} days before)",
            "dim",
        )
    )
    if not result.days:
        out.print("No flare days in this period.")
        return
    days = Table("date", "day", ">pain", ">max", ">baseline", "reasons", last="tags")
    for day in result.days:
        days.add_row(
            day.date.isoformat(),
            f"{day.date:%a}",
            _num(_round2(day.pain_mean)),
            _num(day.pain_max),
            _num(_round2(day.baseline)),
            ", ".join(day.reasons),
            " ".join(day.tags),
        )
    out.print()
    days.print(out)
    episodes = Table("episode", ">days", ">flare", ">peak", ">mean", last="triggers")
    for ep in result.episodes:
        span = f"{ep.start:%d %b}" if ep.start == ep.end else f"{ep.start:%d %b} – {ep.end:%d %b}"
        episodes.add_row(
            span,
            str(ep.days),
            str(ep.flare_days),
            _num(ep.peak),
            _num(_round2(ep.mean)),
            " · ".join(f"{t} {n}" for t, n in ep.triggers.items()) or "none",
        )
    out.print()
    out.print((f"{len(result.episodes)} episode{'s' * (len(result.episodes) != 1)}", "bold"))
    episodes.print(out)
    out.wrapped(
        ("triggers: days with each tag in the 2 days before and on an episode's first day", "dim")
    )


# -- self-assessments and insights ---------------------------------------------------------------

DISCLAIMER = (
    "This is a self-assessment to discuss with a clinician, not a diagnosis. Only a clinician "
    "can diagnose fibromyalgia, after ruling out other causes."
)


def print_acr(record: dict[str, object]) -> None:
    out = Out()
    criteria = record["criteria"]
    assert isinstance(criteria, dict)

    def mark(ok: object) -> Span:
        return ("✓ yes", "green") if ok else ("✗ no", "yellow")

    out.print((f"ACR 2016 fibromyalgia criteria · self-assessment #{record['id']}", "bold"))
    labelled(
        out,
        [
            ("Widespread Pain Index", f"{record['wpi']} of 19 areas painful in the past week"),
            (
                "Symptom Severity",
                f"{record['sss']} of 12 (fatigue, waking unrefreshed, thinking problems, 0–3 "
                "each; +1 each for headaches, lower-belly pain or cramps, depression in the "
                "past 6 months)",
            ),
            ("Severity (WPI + SSS)", f"{record['fs']} of 31"),
            (
                "Generalized pain",
                f"pain in {record['generalized_regions']} of 5 body regions (4 needed; jaw, "
                "chest and belly do not count)",
            ),
        ],
    )
    out.print()
    for ok, rule in (
        (criteria["wpi_sss"], "WPI ≥ 7 with SSS ≥ 5, or WPI 4–6 with SSS ≥ 9"),
        (criteria["generalized"], "generalized pain (4 of 5 regions)"),
        (criteria["duration"], "symptoms at a similar level for at least 3 months"),
    ):
        out.wrapped(rule, indent=7, first=out.render(mark(ok)) + "  ")
    out.print()
    verdict = "are met" if record["criteria_met"] else "are not all met"
    out.print((f"The ACR 2016 criteria {verdict} by these answers.", "bold"))
    out.wrapped((DISCLAIMER, "dim"))


def print_fiqr(record: dict[str, object]) -> None:
    out = Out()

    def part(value: object, top: int) -> str:
        return "· (no answers)" if value is None else f"{value:.2f} of {top}"

    out.print((f"FIQR (Revised Fibromyalgia Impact Questionnaire) #{record['id']}", "bold"))
    labelled(
        out,
        [
            ("function", part(record["function"], 30)),
            ("overall impact", part(record["overall"], 20)),
            ("symptoms", part(record["symptoms"], 50)),
            ("total", part(record["total"], 100)),
        ],
    )
    out.wrapped(("Higher is worse. " + DISCLAIMER, "dim"))


def print_assessments(records: Sequence[dict[str, object]]) -> None:
    out = Out()
    if not records:
        out.print("No self-assessments yet. Take one with: fibrolog assess  or  fibrolog fiqr")
        return
    grid = Table(">#", "when", "kind", ">score", last="details")
    for r in records:
        if r["kind"] == "acr2016":
            score = f"FS {r['fs']}"
            met = "met" if r["criteria_met"] else "not met"
            details = f"WPI {r['wpi']} · SSS {r['sss']} · criteria {met}"
        else:
            total = r["total"]
            score = "FIQR ·" if total is None else f"FIQR {total:.1f}"
            details = (
                f"function {r['function']} · overall {r['overall']} · symptoms {r['symptoms']}"
            )
        grid.add_row(
            str(r["id"]), str(r["at"])[:16].replace("T", " "), str(r["kind"]), score, details
        )
    grid.print(out)
    for kind, key, label, top in (
        ("acr2016", "fs", "FS", 31),
        ("fiqr", "total", "FIQR total", 100),
    ):
        values = [
            float(v) for r in records if r["kind"] == kind and isinstance(v := r[key], int | float)
        ]
        if len(values) >= 2:
            scaled = [v / top * 10 for v in values]
            change = values[-1] - values[0]
            out.wrapped(
                f"{label}: │{sparkline(scaled)}│ {values[0]:g} → {values[-1]:g} "
                f"({'+' if change >= 0 else ''}{change:.2f} since the first; higher is worse)"
            )


def _ci(interval: Sequence[float]) -> str:
    return f"{interval[0]:+.2f} to {interval[1]:+.2f}"


def _section(out: Out, title: str, findings: object, if_none: str) -> list[Any]:
    """An insights heading, then `if_none` when there are no findings; returns the findings."""
    assert isinstance(findings, list)
    out.print()
    out.print((title, "bold"))
    if not findings:
        out.wrapped(f"  {if_none}", indent=2)
    return findings


def print_insights(result: dict[str, object]) -> None:
    out = Out()
    out.print((f"Patterns in your diary · {result['from']} to {result['to']}", "bold"))
    out.wrapped(
        (
            f"{result['days_logged']} days logged. These are associations in your own entries, "
            "not causes: show them to your clinician.",
            "dim",
        )
    )
    sleep = result["sleep"]
    assert isinstance(sleep, dict)
    out.print()
    out.print(("Sleep and pain", "bold"))
    for label, finding in (("hours slept", sleep["hours"]), ("sleep quality", sleep["quality"])):
        if finding["rho"] is None:
            out.wrapped(f"  {label}: not enough data ({finding['missing']})", indent=4)
            continue
        rho = finding["rho"]
        direction = "lower" if rho < 0 else "higher"
        strength = "weak" if abs(rho) < 0.3 else "moderate" if abs(rho) < 0.6 else "strong"
        out.wrapped(
            f"  more {label} went with {direction} pain that day: {strength} "
            f"(Spearman ρ = {rho:+.2f}, n = {finding['n']} days)",
            indent=4,
        )
    tags = _section(
        out, "Tags", result["tags"], "no tag was seen on ≥ 3 days and missing on ≥ 3 days"
    )
    for finding in tags:
        same, nxt = finding["same_day"], finding["next_day"]
        line = f"  @{finding['tag']}: "
        if same["difference"] is None:
            line += "not enough days"
        else:
            line += (
                f"pain {same['with_mean']:.1f} on days with it vs {same['without_mean']:.1f} "
                f"without ({same['difference']:+.2f}, 95% CI {_ci(same['ci95'])}; "
                f"n {same['n_with']}/{same['n_without']})"
            )
        if nxt["difference"] is not None:
            line += f"; next day {nxt['difference']:+.2f} ({_ci(nxt['ci95'])})"
        out.wrapped(line, indent=4)
    meds = _section(
        out, "Meds started in this period", result["meds"], "none first taken in this period"
    )
    for finding in meds:
        med = printable(str(finding["med"]))
        if finding["difference"] is None:
            out.wrapped(f"  {med} (from {finding['first_taken']}): {finding['missing']}", indent=4)
        else:
            out.wrapped(
                f"  {med} (from {finding['first_taken']}): "
                f"pain {finding['before_mean']:.1f} in the 28 days before vs "
                f"{finding['after_mean']:.1f} after ({finding['difference']:+.2f}; "
                f"n {finding['n_before']}/{finding['n_after']} days)",
                indent=4,
            )
    out.print()
    out.print(("Pain by weekday", "bold"))
    weekdays = result["weekdays"]
    assert isinstance(weekdays, list)
    for row in weekdays:
        mean = "·" if row["pain_mean"] is None else f"{row['pain_mean']:.1f}"
        out.print(f"  {row['weekday']:<10} {mean:>4}  (n {row['n']})")
