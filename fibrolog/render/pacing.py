"""Effort and the days after (`insights`): a table a lag a row, and the personal envelope."""

from rich.console import Group, RenderableType
from rich.text import Text

from fibrolog.analysis.pacing import ENOUGH_DAYS, ENVELOPE_WINDOW, Comparison, Pacing
from fibrolog.render.console import column, fitted_table

AFTER = {0: "same day", 1: "1 day", 2: "2 days", 3: "3 days"}
CLEAR = " ●"


def _cell(found: Comparison) -> Text:
    """'+1.9 (+1.2 to +2.6) ●': the difference, its interval, and the mark when clear.
    Flare days are a share, shown in percentage points."""
    if found.difference is None or found.interval is None:
        return Text("too few days", style="dim")
    scale, unit = (100, " %") if found.measure == "flare" else (1, "")
    digits = 0 if found.measure == "flare" else 1
    low, high = (v * scale for v in found.interval)
    # "z": a difference that rounds to nothing shows as +0.0, not -0.0.
    text = (
        f"{found.difference * scale:+z.{digits}f}{unit} ({low:+z.{digits}f} to {high:+z.{digits}f})"
    )
    if found.clear:
        return Text(text + CLEAR, style="bold")
    return Text(text, style="dim")


def _envelope_line(result: Pacing) -> Text:
    envelope = result.envelope
    if envelope.status == "found":
        assert envelope.rate_above is not None and envelope.rate_at_or_below is not None
        return Text(
            f"Your envelope: after days of effort {envelope.level} or more, a flare followed "
            f"within {ENVELOPE_WINDOW} days {envelope.rate_above:.0%} of the time, against "
            f"{envelope.rate_at_or_below:.0%} after the others."
        )
    if envelope.status == "none stands out":
        return Text("Your envelope: no effort level stands out yet.")
    return Text(
        f"Your envelope: not enough yet (it needs {ENOUGH_DAYS} days with exertion, "
        "and flares after some of them)."
    )


def pacing_view(result: Pacing, width: int) -> RenderableType:
    """The section 'Effort and the days after'."""
    parts: list[RenderableType] = [Text(""), Text("Effort and the days after", style="bold")]
    if not result.enough:
        parts.append(
            Text(
                f"Not enough yet: {result.days_with_effort} of the {ENOUGH_DAYS} days it needs "
                "have an exertion score (`fibrolog add -e 6`, or ask it: `fibrolog config set "
                "prompts pain,fatigue,fog,exertion,sleep,where,tags,meds,note`)."
            )
        )
        return Group(*parts, _envelope_line(result))
    parts.append(
        Text(
            f"High effort: {result.high_from} or more, your top quarter ({result.high_days} of "
            f"{result.days_with_effort} days). Each cell: the days after high effort minus the "
            "days after the others, and its interval.",
            style="dim",
        )
    )
    cells = {(c.measure, c.lag): _cell(c) for c in result.comparisons}
    lags = sorted({c.lag for c in result.comparisons})
    table = fitted_table(
        width,
        [column("after"), column("pain"), column("fatigue"), column("flare days")],
        [
            [Text(AFTER[lag]), cells["pain", lag], cells["fatigue", lag], cells["flare", lag]]
            for lag in lags
        ],
        drop=("fatigue", "flare days"),
    )
    parts += [
        table,
        Text(
            f"{CLEAR.strip()} clear: its interval leaves out no difference; the others could be "
            "chance. Intervals allow for alike days in a row and for 12 comparisons at once.",
            style="dim",
        ),
        _envelope_line(result),
    ]
    return Group(*parts)
