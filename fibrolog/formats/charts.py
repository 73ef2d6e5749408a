"""The report's drawings as geometry: the line chart, the treatment timeline with its labels
laid out so that none overlaps another, and the colours of the calendar's heat map.

Pure: numbers in, coordinates out; the Jinja2 template draws the SVG from them.
"""

from collections.abc import Sequence
from datetime import date, timedelta

from msgspec import Struct

from fibrolog.models import Course

# The charts' frame, shared by the treatment timeline so that its bars line up with them.
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 330, 150, 26, 22


class Tick(Struct, frozen=True):
    y: float
    label: int


class Label(Struct, frozen=True):
    x: float
    text: str


class Series(Struct, frozen=True):
    name: str
    colour: str
    points: list[tuple[float, float]]
    legend_x: int


class LineChart(Struct, frozen=True):
    ticks: list[Tick]
    labels: list[Label]
    series: list[Series]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT


class Placed(Struct, frozen=True):
    """A label of the timeline and where its text starts (`y`: its baseline)."""

    x: float
    y: float
    text: str


class Bar(Struct, frozen=True):
    """A treatment course on the timeline, its dose changes as ticks at these x; its name and
    doses as labels laid out so that none overlaps another or leaves the drawing."""

    name: str
    y: int
    x: float
    width: float
    colour: str
    ticks: list[float]
    labels: list[Placed]


class Timeline(Struct, frozen=True):
    bars: list[Bar]
    height: int
    row: int = 16
    width: int = CHART_WIDTH


class Cell(Struct, frozen=True):
    x: int
    y: int
    fill: str
    flare: bool
    title: str


class Calendar(Struct, frozen=True):
    width: int
    height: int
    cells: list[Cell]
    months: list[Label]
    cell: int = 13
    note: str = ""


def heat(value: float | None, top: float = 10) -> str:
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
) -> LineChart:
    """A small line chart: one x step per label, y from 0 to `top`, a legend below."""
    plot_w, plot_h = CHART_WIDTH - CHART_LEFT - 8, CHART_HEIGHT - CHART_BOTTOM - 8
    step = plot_w / max(1, len(labels) - 1)
    ticks = [
        Tick(8 + plot_h - tick / top * plot_h, tick)
        for tick in range(0, int(top) + 1, max(1, int(top) // 5))
    ]
    shown = [
        Label(CHART_LEFT + i * step, label)
        for i, label in enumerate(labels)
        if i % max(1, len(labels) // 6) == 0
    ]
    drawn = [
        Series(
            name,
            colour,
            [
                (CHART_LEFT + i * step, 8 + plot_h - v / top * plot_h)
                for i, v in enumerate(values)
                if v is not None
            ],
            CHART_LEFT + n * 80,
        )
        for n, (name, colour, values) in enumerate(series)
    ]
    return LineChart(ticks, shown, drawn)


# The timeline's labels are 9 px sans-serif: a character is at most this wide on average
# (measured in Chromium: digits and lowercase 5.0 px, capitals up to 6.5 px), so a label's
# width is estimated without a font at hand; the browser test checks the laid-out page.
LABEL_CHAR = 5.6
LABEL_GAP = 4  # px between two labels on a line
LABEL_LINE = 13  # px between the lines of one course's labels (clear of the bar's ticks)


def _label_width(text: str) -> float:
    return len(text) * LABEL_CHAR


def place_labels(
    wanted: Sequence[tuple[float, str]], baseline: float, ticks: Sequence[float] = ()
) -> list[Placed]:
    """Labels each wanted at an x, laid out in [0, CHART_WIDTH]: each at its x or moved left
    just enough to end inside, on the first line (from `baseline` down, LABEL_LINE apart)
    where it overlaps no label already there, nor on the first line (the bar's) a tick;
    one wider than the drawing is cut with "…"."""
    room = CHART_WIDTH - 2
    ends: list[float] = []  # where the last label of each line ends
    placed = []
    for x, text in wanted:
        if _label_width(text) > room:
            text = text[: int(room / LABEL_CHAR) - 1] + "…"
        width = _label_width(text)
        x = max(0.0, min(x, room - width))

        crosses = any(x - 1 <= tick <= x + width + 1 for tick in ticks)
        line = next(
            n
            for n in range(1 if crosses else 0, len(ends) + 2)
            if n >= len(ends) or x >= ends[n] + LABEL_GAP
        )
        ends += [-LABEL_GAP] * (line + 1 - len(ends))
        ends[line] = x + width
        placed.append(Placed(x, baseline + line * LABEL_LINE, text))
    return placed


def timeline(
    courses: Sequence[Course], first: date, last: date, points: int, step_days: float = 7.0
) -> Timeline | None:
    """The treatment courses of the period as bars on the charts' time axis (the same width,
    margin and step), a dose change marked by a tick and the new dose. A course whose labels
    do not fit on its bar's line gets more lines under it (see `place_labels`)."""
    shown = [c for c in courses if c.start <= last and (c.stop is None or c.stop > first)]
    if not shown:
        return None
    plot_w = CHART_WIDTH - CHART_LEFT - 8
    step = plot_w / max(1, points - 1)
    row = 16

    def x(day: date) -> float:
        return CHART_LEFT + min(max((day - first).days / step_days * step, 0), plot_w)

    bars = []
    y = 2
    for course in shown:
        end = last if course.stop is None else min(last, course.stop - timedelta(days=1))
        x0, x1 = x(max(course.start, first)), x(end)
        label = course.name + (" (as needed)" if course.as_needed else "")
        dose = course.dose_on(max(course.start, first))
        if dose:
            label += f" {dose}"
        changes = [c for c in course.doses[1:] if first <= c.from_ <= last]
        labels = place_labels(
            [(x0 + 3, label), *((x(c.from_) + 2, c.dose or "") for c in changes if c.dose)],
            y + row - 7,
            [x(c.from_) for c in changes],
        )
        bars.append(
            Bar(
                name=course.name,
                y=y,
                x=x0,
                width=max(x1 - x0, 3),
                colour="#b7c9e2" if course.as_needed else "#5b8cc4",
                ticks=[x(c.from_) for c in changes],
                labels=labels,
            )
        )
        y = max(y + row, round(max(p.y for p in labels)) + 7)
    return Timeline(bars, y + 4, row)
