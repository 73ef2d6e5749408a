"""What every view shares: the console a command prints on, user text made safe to print,
scores and changes as coloured text, and quiet tables that fit the window.

The console reads no markup and no emoji codes, so a note such as "[bad day] [/x] :smile:"
prints exactly as typed, and every piece of text it prints passes `printable` on the way out,
so a terminal control sequence in a treatment name, dose, reason or note (typed, or carried
by an imported file) shows as "�" instead of acting on the terminal, whatever view prints
it. Colour follows Rich's rules: none when piped or with NO_COLOR, on with FORCE_COLOR;
COLUMNS sets the width.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Column, Table
from rich.text import Text

from fibrolog.text import printable

NOTHING = Text("·", style="dim")  # a value not given, or a day without entries
GAP = 2  # cells between two columns of a quiet table (one space of padding, one of rule)
FLEXIBLE_MIN = 10  # the narrowest a free-text column is allowed to get


class SafeConsole(Console):
    """A Rich console whose printed text never holds terminal control characters: Rich's own
    control codes (colours, cursor moves) are separate segments and pass untouched."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            text = segment.text
            if segment.control or text == "\n" or text.isprintable():
                yield segment
            else:
                yield Segment(printable(text, keep_lines=True), segment.style)


def make_console(file: IO[str] | None = None, width: int | None = None) -> Console:
    """The console a command prints its view on (never made at import time)."""
    return SafeConsole(file=file, width=width, markup=False, emoji=False, highlight=False)


def user_text(text: str, style: str = "", keep_lines: bool = False) -> Text:
    """A note, tag or med name as Rich text: literal, never markup, and its terminal control
    characters shown as "�" (Rich itself strips only a few of them)."""
    return Text(printable(text, keep_lines), style=style)


def score_style(value: float) -> str:
    """Red from 7, yellow from 4, else green (0–10 scores, higher is worse)."""
    return "red" if value >= 7 else "yellow" if value >= 4 else "green"


def score(value: int | None) -> Text:
    return NOTHING.copy() if value is None else Text(str(value), style=score_style(value))


def number(value: float | None, digits: int = 1, style: str = "") -> Text:
    if value is None:
        return NOTHING.copy()
    return Text(f"{value:.{digits}f}" if isinstance(value, float) else str(value), style=style)


def joined(parts: Iterable[Text], separator: str = " · ") -> Text:
    """Non-empty parts with a dim separator between them."""
    return Text(separator, style="dim").join(part for part in parts if part.plain)


def natural_width(cell: RenderableType) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in text.splitlines()), default=0)


def fit(
    width: int,
    columns: Sequence[Column],
    rows: Iterable[Sequence[RenderableType]],
    drop: Sequence[str] = (),
) -> list[int]:
    """Which columns to show so that no line is wider than `width`, with their widths set.

    Every column keeps its natural width, so dates and scores are never cut. A last column
    whose overflow is "ellipsis" or "fold" is free text: it takes what room is left, at
    least FLEXIBLE_MIN cells (and, when it wraps, its longest word). Columns named in `drop`
    are left out, in that order, while the rest does not fit. Returns the indexes of the
    columns kept (their `width` is set).
    """
    widths = [cell_len(str(c.header)) for c in columns]
    least = FLEXIBLE_MIN  # the flexible column's narrowest; a wrapping one keeps whole words
    wraps = columns[-1].overflow == "fold"
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], natural_width(cell))
        if wraps:
            words = (row[-1].plain if isinstance(row[-1], Text) else str(row[-1])).split()
            least = max(least, *(cell_len(word) for word in words))
    flexible = columns[-1].overflow in ("ellipsis", "fold")
    kept = list(range(len(columns)))

    def needed() -> int:
        fixed = [widths[i] for i in kept if not (flexible and i == len(columns) - 1)]
        room = least if flexible and len(columns) - 1 in kept else 0
        return sum(fixed) + room + GAP * (len(kept) - 1)

    names = [str(c.header) for c in columns]
    for name in drop:
        if needed() <= width:
            break
        kept.remove(names.index(name))
    for i in kept:
        columns[i].width = widths[i]
    if flexible and len(columns) - 1 in kept:
        room = width - (needed() - least)
        columns[-1].width = max(least, min(widths[-1], room))
    return kept


def quiet_table(*columns: Column, show_header: bool = True) -> Table:
    """A table with a rule under its header and no other lines (Rich's SIMPLE_HEAD)."""
    return Table(
        *columns,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        show_header=show_header,
        header_style="bold",
        padding=(0, 1),
        pad_edge=False,
        collapse_padding=True,
    )


def fitted_table(
    width: int,
    columns: Sequence[Column],
    rows: Sequence[Sequence[RenderableType]],
    drop: Sequence[str] = (),
    row_styles: Sequence[str] = (),
) -> Table:
    """A quiet table of `rows` that fits `width` (see `fit`)."""
    kept = fit(width, columns, rows, drop)
    table = quiet_table(*(columns[i] for i in kept))
    for n, row in enumerate(rows):
        table.add_row(*(row[i] for i in kept), style=row_styles[n] if row_styles else None)
    return table


def labelled(rows: Sequence[tuple[str, RenderableType]]) -> Table:
    """Bold labels and their values, each value wrapping under itself."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def column(
    header: str, right: bool = False, free_text: bool = False, wrapping: bool = False
) -> Column:
    """A column of a quiet table: numbers right-aligned; free text cut with "…" to one line,
    or wrapping onto more lines (the last column of a table only)."""
    return Column(
        header,
        justify="right" if right else "left",
        no_wrap=not wrapping,
        overflow="fold" if wrapping else "ellipsis" if free_text else "crop",
    )
