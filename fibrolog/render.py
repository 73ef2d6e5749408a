"""Terminal views: results → Rich tables and text. The only module that imports Rich.

User text (notes, tags) always goes in as `Text` objects, never as markup, so a note such as
"[bad day] [/x]" prints exactly as typed. Colour follows Rich's rules: none when piped, none
with NO_COLOR.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from fibrolog.models import Entry
from fibrolog.text import when

if TYPE_CHECKING:  # `list` loads neither the analysis nor Rich's tables
    from rich.table import Table

    from fibrolog.analysis import Flares, Summary


def console() -> Console:
    # markup=False: no string printed here is ever read as markup, not only the Text objects
    # (a med named "[/x]" in an insights line would otherwise be parsed, or crash the view).
    return Console(highlight=False, markup=False, soft_wrap=False)


def label_grid() -> "Table":
    """Label/value rows with no header, two spaces apart."""
    from rich.table import Table

    return Table.grid(padding=(0, 2))


def table(*columns: str, last: str | None = None) -> "Table":
    """A borderless table. A column named ">pain" is right-aligned (numbers), others left; no
    column wraps except `last`, the free-text column that ends in "…" on a narrow terminal."""
    from rich.table import Table

    grid = Table(box=None, pad_edge=False, header_style="bold", collapse_padding=True)
    for column in columns:
        name = column.removeprefix(">")
        grid.add_column(name, justify="right" if column.startswith(">") else "left", no_wrap=True)
    if last is not None:
        grid.add_column(last, overflow="ellipsis")
    return grid


def _score(value: int | None) -> Text:
    text, style = _score_cell(value)
    return Text(text, style=style)


# Terminal control characters (escape sequences, bell, backspace …) in user text would act on
# the terminal instead of printing; they are shown as "�". Newlines and tabs are the callers'.
_CONTROLS = {c: "\N{REPLACEMENT CHARACTER}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_CONTROLS_BUT_LINES = {c: shown for c, shown in _CONTROLS.items() if chr(c) not in "\n\t"}


def printable(text: str, keep_lines: bool = False) -> str:
    """User text made safe to print: control characters become "�" (keep_lines: not \n, \t)."""
    if text.isprintable():
        return text
    return text.translate(_CONTROLS_BUT_LINES if keep_lines else _CONTROLS)


def _score_cell(value: int | None) -> tuple[str, str]:
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


class _Painter:
    """Text wrapped in the terminal codes of a style, exactly as the console would write them."""

    def __init__(self, out: Console) -> None:
        self.out = out
        self.codes: dict[str, tuple[str, str]] = {}

    def __call__(self, text: str, style: str) -> str:
        if not style or not text:
            return text
        if style not in self.codes:
            with self.out.capture() as captured:  # once per style: NO_COLOR, pipes, colours
                self.out.print(Text("\0", style=style), end="")
            before, _, after = captured.get().partition("\0")
            self.codes[style] = before, after
        before, after = self.codes[style]
        return f"{before}{text}{after}"


def _fit(parts: list[tuple[str, str]], width: int, paint: _Painter) -> str:
    """Details parts joined by " · ", cut with "…" to `width` terminal cells."""
    from rich.cells import cell_len, set_cell_size

    out: list[str] = []
    room = width
    for i, (part, style) in enumerate(parts):
        if i:
            if room < 4:
                out.append(paint("…"[:room], "dim"))
                break
            out.append(paint(" · ", "dim"))
            room -= 3
        size = len(part) if part.isascii() else cell_len(part)
        if size > room:
            out.append(paint(set_cell_size(part, max(room - 1, 0)) + "…", style))
            break
        out.append(paint(part, style))
        room -= size
    return "".join(out)


def print_entries(entries: Sequence[Entry], total_hint: str = "") -> None:
    """The entries as a table, written line by line.

    Not a Rich Table: `list -n 0` may show 100 000 entries, and a Table costs ~0.6 ms and
    memory for every row before the first is printed (100 s and 800 MiB for 100k). The
    columns are the same for every row, so their widths are known after one pass.
    """
    out = console()
    if not entries:
        out.print("No entries match. Add one with: fibrolog add 5")
        return
    paint = _Painter(out)
    widths = [len(name) - name.startswith(">") for name in ENTRY_COLUMNS]
    for e in entries:  # a first pass for the widths; rows are made one at a time below
        for i, (text, _style) in enumerate(_entry_cells(e)):
            widths[i] = max(widths[i], len(text))
    room = max(out.width - sum(widths) - len(widths), 12)

    def line(cells: list[tuple[str, str]], details: str) -> str:
        padded = [
            paint(text.rjust(width) if name.startswith(">") else text.ljust(width), style)
            for (text, style), width, name in zip(cells, widths, ENTRY_COLUMNS, strict=True)
        ]
        return " ".join([*padded, details]).rstrip() + "\n"

    header = [(name.removeprefix(">"), "bold") for name in ENTRY_COLUMNS]
    chunk = [line(header, paint("details", "bold"))]
    for e in entries:
        chunk.append(line(_entry_cells(e), _fit(_entry_details(e), room, paint)))
        if len(chunk) >= 1000:
            out.file.write("".join(chunk))
            chunk.clear()
    out.file.write("".join(chunk))
    if total_hint:
        out.print(Text(total_hint, style="dim"))


def print_entry(entry: Entry) -> None:
    """Every field of one entry, labelled, the note printed literally on its own lines."""
    out = console()
    rows: list[tuple[str, Text | str]] = [
        ("entry", f"#{entry.id}  ({entry.uid})"),
        ("when", f"{when(entry.at)} {entry.at.year}  ({entry.at.isoformat()})"),
        ("logged", entry.logged.isoformat()),
    ]
    for name in ("pain", "fatigue", "fog", "stiffness", "sleep_quality"):
        value = getattr(entry, name)
        if value is not None:
            rows.append((name.replace("_", " "), _score(value)))
    if entry.sleep_hours is not None:
        rows.append(("sleep hours", f"{entry.sleep_hours:g}"))
    if entry.regions:
        rows.append(("areas", Text(", ".join(entry.regions), style="cyan")))
    if entry.tags:
        rows.append(("tags", Text(" ".join("@" + t for t in entry.tags), style="magenta")))
    if entry.meds:
        rows.append(("meds", Text(printable(", ".join(str(m) for m in entry.meds)))))
    for name, score in sorted(entry.symptoms.items()):
        rows.append((name, _score(score)))
    if entry.flare:
        rows.append(("flare", Text("yes", style="bold red")))
    fields = label_grid()
    fields.add_column(style="bold", no_wrap=True)
    fields.add_column()
    for label, value in rows:
        fields.add_row(label, value)
    out.print(fields)
    if entry.note:
        out.print()
        out.print(Text(printable(entry.note, keep_lines=True)))


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


def _num(value: float | None, width: int = 0) -> Text:
    if value is None:
        return Text("·".rjust(width), style="dim")
    return Text(
        f"{value:.1f}".rjust(width) if isinstance(value, float) else str(value).rjust(width)
    )


def sparkline(values: Sequence[float | None]) -> str:
    """Pain 0–10 as ▁…█ on a fixed scale (so weeks compare); a day without pain is a space."""
    return "".join(
        " " if v is None else SPARKS[min(len(SPARKS) - 1, int(v / 10 * (len(SPARKS) - 1) + 0.5))]
        for v in values
    )


def _change(metric: str, change: float | None) -> Text:
    from fibrolog.analysis import HIGHER_IS_BETTER

    if change is None:
        return Text("·", style="dim")
    if abs(change) < 0.005:
        return Text("→ 0.00", style="dim")
    better = (change > 0) == (metric in HIGHER_IS_BETTER)
    arrow = "↑" if change > 0 else "↓"
    return Text(f"{arrow} {abs(change):.2f}", style="green" if better else "red")


def _counts(counts: dict[str, int], limit: int = 8) -> Text:
    items = list(counts.items())
    text = Text(" · ".join(f"{name} {n}" for name, n in items[:limit]) or "none")
    if len(items) > limit:
        text.append(f" · +{len(items) - limit} more", style="dim")
    return text


def period_title(summary: "Summary") -> str:
    first, last = summary.first, summary.last
    span = f"{first:%a %d %b} – {last:%a %d %b %Y}"
    if summary.days == 7:
        return f"Week {first.isocalendar().week} · {span}"
    return span


def print_summary(summary: "Summary") -> None:
    out = console()
    out.print(Text(period_title(summary), style="bold"))
    out.print(
        f"{summary.days_logged} of {summary.days} days logged · "
        f"{summary.entries} entr{'y' if summary.entries == 1 else 'ies'} · "
        f"{summary.flare_days} flare day{'s' * (summary.flare_days != 1)}"
    )
    if not summary.entries:
        out.print("No entries in this period. Add one with: fibrolog add 5")
        return
    days = table(
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
            str(row.entries) if row.entries else Text("·", style="dim"),
            _num(row.values["pain"]),
            _num(row.pain_max),
            _num(row.values["fatigue"]),
            _num(row.values["fog"]),
            _num(row.values["stiffness"]),
            sleep or Text("·", style="dim"),
            Text("FLARE", style="bold red") if row.flare else "",
            Text(" ".join(row.tags), no_wrap=True, overflow="ellipsis"),
        )
    out.print()
    out.print(days)
    metrics = table("", ">mean", ">min–max", ">before", ">change")
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
    out.print(metrics)
    out.print()
    grid = label_grid()
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    pain = sparkline([row.values["pain"] for row in summary.daily])
    grid.add_row("daily pain", Text(f"│{pain}│  (0 ▁ … █ 10)"))
    grid.add_row(
        "areas",
        Text(
            f"WPI {summary.wpi} of 19 · "
            f"generalized pain in {summary.generalized_regions} of 5 regions"
        ),
    )
    if summary.regions:
        grid.add_row("", _counts(summary.regions, limit=10))
    grid.add_row("tags", _counts(summary.tags))
    grid.add_row("meds", _counts(summary.meds))
    out.print(grid)


def _fixed2(value: float | None) -> Text:
    return Text("·", style="dim") if value is None else Text(f"{value:.2f}")


def _round2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def print_weeks(summaries: Sequence["Summary"]) -> None:
    out = console()
    grid = table(
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
            str(s.flare_days) if s.flare_days else Text("·", style="dim"),
            Text("│" + sparkline([row.values["pain"] for row in s.daily]) + "│"),
        )
    out.print(grid)


def print_flares(result: "Flares") -> None:
    out = console()
    s = result.settings
    out.print(Text(f"Flares · {result.first:%d %b %Y} – {result.last:%d %b %Y}", style="bold"))
    out.print(
        Text(
            f"flare day: marked, pain ≥ {s.threshold:g}, or pain ≥ baseline + {s.delta:g} "
            f"(median of the {s.baseline_days} days before)",
            style="dim",
        )
    )
    if not result.days:
        out.print("No flare days in this period.")
        return
    days = table("date", "day", ">pain", ">max", ">baseline", "reasons", last="tags")
    for day in result.days:
        days.add_row(
            day.date.isoformat(),
            f"{day.date:%a}",
            _num(_round2(day.pain_mean)),
            _num(day.pain_max),
            _num(_round2(day.baseline)),
            ", ".join(day.reasons),
            Text(" ".join(day.tags), no_wrap=True, overflow="ellipsis"),
        )
    out.print()
    out.print(days)
    episodes = table("episode", ">days", ">flare", ">peak", ">mean", last="triggers")
    for ep in result.episodes:
        span = f"{ep.start:%d %b}" if ep.start == ep.end else f"{ep.start:%d %b} – {ep.end:%d %b}"
        episodes.add_row(
            span,
            str(ep.days),
            str(ep.flare_days),
            _num(ep.peak),
            _num(_round2(ep.mean)),
            Text(
                " · ".join(f"{t} {n}" for t, n in ep.triggers.items()) or "none",
                no_wrap=True,
                overflow="ellipsis",
            ),
        )
    out.print()
    out.print(
        Text(f"{len(result.episodes)} episode{'s' * (len(result.episodes) != 1)}", style="bold")
    )
    out.print(episodes)
    out.print(
        Text(
            "triggers: days with each tag in the 2 days before and on an episode's first day",
            style="dim",
        )
    )


# -- self-assessments and insights ---------------------------------------------------------------

DISCLAIMER = (
    "This is a self-assessment to discuss with a clinician, not a diagnosis. Only a clinician "
    "can diagnose fibromyalgia, after ruling out other causes."
)


def print_acr(record: dict[str, object]) -> None:
    out = console()
    criteria = record["criteria"]
    assert isinstance(criteria, dict)

    def mark(ok: object) -> Text:
        return Text("✓ yes", style="green") if ok else Text("✗ no", style="yellow")

    out.print(
        Text(f"ACR 2016 fibromyalgia criteria · self-assessment #{record['id']}", style="bold")
    )
    grid = label_grid()
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row(
        "Widespread Pain Index",
        f"{record['wpi']} of 19 areas painful in the past week",
    )
    grid.add_row(
        "Symptom Severity",
        f"{record['sss']} of 12 (fatigue, waking unrefreshed, thinking problems, 0–3 each; "
        "+1 each for headaches, lower-belly pain or cramps, depression in the past 6 months)",
    )
    grid.add_row("Severity (WPI + SSS)", f"{record['fs']} of 31")
    grid.add_row(
        "Generalized pain",
        f"pain in {record['generalized_regions']} of 5 body regions (4 needed; jaw, chest and "
        "belly do not count)",
    )
    out.print(grid)
    out.print()
    checks = label_grid()
    checks.add_column(no_wrap=True)
    checks.add_column()
    checks.add_row(mark(criteria["wpi_sss"]), "WPI ≥ 7 with SSS ≥ 5, or WPI 4–6 with SSS ≥ 9")
    checks.add_row(mark(criteria["generalized"]), "generalized pain (4 of 5 regions)")
    checks.add_row(mark(criteria["duration"]), "symptoms at a similar level for at least 3 months")
    out.print(checks)
    out.print()
    verdict = "are met" if record["criteria_met"] else "are not all met"
    out.print(Text(f"The ACR 2016 criteria {verdict} by these answers.", style="bold"))
    out.print(Text(DISCLAIMER, style="dim"))


def print_fiqr(record: dict[str, object]) -> None:
    out = console()

    def part(value: object, top: int) -> str:
        return "· (no answers)" if value is None else f"{value:.2f} of {top}"

    out.print(
        Text(f"FIQR (Revised Fibromyalgia Impact Questionnaire) #{record['id']}", style="bold")
    )
    grid = label_grid()
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("function", part(record["function"], 30))
    grid.add_row("overall impact", part(record["overall"], 20))
    grid.add_row("symptoms", part(record["symptoms"], 50))
    grid.add_row("total", part(record["total"], 100))
    out.print(grid)
    out.print(Text("Higher is worse. " + DISCLAIMER, style="dim"))


def print_assessments(records: Sequence[dict[str, object]]) -> None:
    out = console()
    if not records:
        out.print("No self-assessments yet. Take one with: fibrolog assess  or  fibrolog fiqr")
        return
    grid = table(">#", "when", "kind", ">score", "details")
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
    out.print(grid)
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
            out.print(
                f"{label}: │{sparkline(scaled)}│ {values[0]:g} → {values[-1]:g} "
                f"({'+' if change >= 0 else ''}{change:.2f} since the first; higher is worse)"
            )


def _ci(interval: Sequence[float]) -> str:
    return f"{interval[0]:+.2f} to {interval[1]:+.2f}"


def _section(out: Console, title: str, findings: object, if_none: str) -> list[Any]:
    """An insights heading, then `if_none` when there are no findings; returns the findings."""
    assert isinstance(findings, list)
    out.print(Text(f"\n{title}", style="bold"))
    if not findings:
        out.print(f"  {if_none}")
    return findings


def print_insights(result: dict[str, object]) -> None:
    out = console()
    out.print(Text(f"Patterns in your diary · {result['from']} to {result['to']}", style="bold"))
    out.print(
        Text(
            f"{result['days_logged']} days logged. These are associations in your own entries, "
            "not causes: show them to your clinician.",
            style="dim",
        )
    )
    sleep = result["sleep"]
    assert isinstance(sleep, dict)
    out.print(Text("\nSleep and pain", style="bold"))
    for label, finding in (("hours slept", sleep["hours"]), ("sleep quality", sleep["quality"])):
        if finding["rho"] is None:
            out.print(f"  {label}: not enough data ({finding['missing']})")
            continue
        rho = finding["rho"]
        direction = "lower" if rho < 0 else "higher"
        strength = "weak" if abs(rho) < 0.3 else "moderate" if abs(rho) < 0.6 else "strong"
        out.print(
            f"  more {label} went with {direction} pain that day: {strength} "
            f"(Spearman ρ = {rho:+.2f}, n = {finding['n']} days)"
        )
    tags = _section(
        out, "Tags", result["tags"], "no tag was seen on ≥ 3 days and missing on ≥ 3 days"
    )
    for finding in tags:
        same, nxt = finding["same_day"], finding["next_day"]
        line = Text(f"  @{finding['tag']}: ")
        if same["difference"] is None:
            line.append("not enough days")
        else:
            line.append(
                f"pain {same['with_mean']:.1f} on days with it vs {same['without_mean']:.1f} "
                f"without ({same['difference']:+.2f}, 95% CI {_ci(same['ci95'])}; "
                f"n {same['n_with']}/{same['n_without']})"
            )
        if nxt["difference"] is not None:
            line.append(f"; next day {nxt['difference']:+.2f} ({_ci(nxt['ci95'])})")
        out.print(line)
    meds = _section(
        out, "Meds started in this period", result["meds"], "none first taken in this period"
    )
    for finding in meds:
        if finding["difference"] is None:
            med = printable(str(finding["med"]))
            out.print(f"  {med} (from {finding['first_taken']}): {finding['missing']}")
        else:
            out.print(
                f"  {printable(str(finding['med']))} (from {finding['first_taken']}): "
                f"pain {finding['before_mean']:.1f} in the 28 days before vs "
                f"{finding['after_mean']:.1f} after ({finding['difference']:+.2f}; "
                f"n {finding['n_before']}/{finding['n_after']} days)"
            )
    out.print(Text("\nPain by weekday", style="bold"))
    weekdays = result["weekdays"]
    assert isinstance(weekdays, list)
    for row in weekdays:
        mean = "·" if row["pain_mean"] is None else f"{row['pain_mean']:.1f}"
        out.print(f"  {row['weekday']:<10} {mean:>4}  (n {row['n']})")
