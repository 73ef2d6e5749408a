"""Self-assessments as a user reads them: an ACR 2016 result, a FIQR result, their history."""

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from fibrolog.analysis.assess import AcrRecord, Assessment, FiqrRecord
from fibrolog.analysis.review import fiqr_band, fs_band
from fibrolog.render.console import column, fitted_table, labelled
from fibrolog.render.summary import sparkline

DISCLAIMER = (
    "This is a self-assessment to discuss with a clinician, not a diagnosis. Only a clinician "
    "can diagnose fibromyalgia, after ruling out other causes."
)


def acr_view(record: AcrRecord) -> RenderableType:
    criteria = record.criteria
    checks = Table.grid(padding=(0, 2))
    checks.add_column(no_wrap=True)
    checks.add_column(overflow="fold")
    for ok, rule in (
        (criteria.wpi_sss, "WPI ≥ 7 with SSS ≥ 5, or WPI 4–6 with SSS ≥ 9"),
        (criteria.generalized, "generalized pain (4 of 5 regions)"),
        (criteria.duration, "symptoms at a similar level for at least 3 months"),
    ):
        mark = Text("✓ yes", style="green") if ok else Text("✗ no", style="yellow")
        checks.add_row(mark, rule)
    verdict = "are met" if record.criteria_met else "are not all met"
    return Group(
        Text(f"ACR 2016 fibromyalgia criteria · self-assessment #{record.id}", style="bold"),
        labelled(
            [
                ("Widespread Pain Index", f"{record.wpi} of 19 areas painful in the past week"),
                (
                    "Symptom Severity",
                    f"{record.sss} of 12 (fatigue, waking unrefreshed, thinking problems, "
                    "0–3 each; +1 each for headaches, lower-belly pain or cramps, depression in "
                    "the past 6 months)",
                ),
                ("Severity (WPI + SSS)", f"{record.fs} of 31"),
                (
                    "Generalized pain",
                    f"pain in {record.generalized_regions} of 5 body regions (4 needed; jaw, "
                    "chest and belly do not count)",
                ),
            ]
        ),
        Text(""),
        checks,
        Text(""),
        Text(f"The ACR 2016 criteria {verdict} by these answers.", style="bold"),
        Text(DISCLAIMER, style="dim"),
    )


def fiqr_view(record: FiqrRecord) -> RenderableType:
    def part(value: float | None, top: int) -> str:
        return "· (no answers)" if value is None else f"{value:.2f} of {top}"

    return Group(
        Text(f"FIQR (Revised Fibromyalgia Impact Questionnaire) #{record.id}", style="bold"),
        labelled(
            [
                ("function", part(record.function, 30)),
                ("overall impact", part(record.overall, 20)),
                ("symptoms", part(record.symptoms, 50)),
                ("total", part(record.total, 100)),
            ]
        ),
        Text("Higher is worse. " + DISCLAIMER, style="dim"),
    )


def _fixed(value: float | None, digits: int = 1) -> str:
    return "·" if value is None else f"{value:.{digits}f}"


def assessments_view(records: Sequence[Assessment], width: int) -> RenderableType:
    """Every self-assessment, oldest first, and the trend of FS and of the FIQR total."""
    if not records:
        return Text("No self-assessments yet. Take one with: fibrolog assess  or  fibrolog fiqr")
    rows = []
    for r in records:
        if isinstance(r, AcrRecord):
            kind = "acr2016"
            score = f"FS {r.fs} ({fs_band(r.fs)})"
            met = "met" if r.criteria_met else "not met"
            details = f"WPI {r.wpi} · SSS {r.sss} · criteria {met}"
        else:
            kind = "fiqr"
            band = "" if r.total is None else f" ({fiqr_band(r.total)})"
            score = f"FIQR {_fixed(r.total)}{band}"
            details = (
                f"function {_fixed(r.function, 2)} · overall {_fixed(r.overall, 2)} · "
                f"symptoms {_fixed(r.symptoms, 2)}"
            )
        rows.append(
            [
                Text(str(r.id)),
                Text(f"{r.at:%Y-%m-%d %H:%M}"),
                Text(kind),
                Text(score),
                Text(details),
            ]
        )
    table = fitted_table(
        width,
        [
            column("#", right=True),
            column("when"),
            column("kind"),
            column("score"),
            column("details", free_text=True),
        ],
        rows,
        drop=("kind", "#", "details"),
    )
    trends: list[RenderableType] = []
    series: tuple[tuple[str, int, list[float]], ...] = (
        ("FS", 31, [float(r.fs) for r in records if isinstance(r, AcrRecord)]),
        (
            "FIQR total",
            100,
            [r.total for r in records if isinstance(r, FiqrRecord) and r.total is not None],
        ),
    )
    for label, top, values in series:
        if len(values) >= 2:
            scaled = [v / top * 10 for v in values]
            difference = values[-1] - values[0]
            trends.append(
                Text(
                    f"{label}: │{sparkline(scaled)}│ {values[0]:g} → {values[-1]:g} "
                    f"({difference:+.2f} since the first; higher is worse)"
                )
            )
    return Group(table, *trends)
