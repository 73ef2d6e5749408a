"""Text for the terminal: when to colour, a few styles, display widths, aligned columns.

The views need eight colours, columns that line up and lines that fit the window. Rich does
all this and far more, but loading it took ~25 ms, a quarter of all the time `summary` may
take (issue 5), so the views write their text here instead. The colour rules are the ones Rich
and most tools follow: no colour when output is not a terminal, with NO_COLOR set, or on a
dumb terminal; FORCE_COLOR (or TTY_COMPATIBLE=1) turns it on; COLUMNS sets the width.

Nothing here reads markup: text is printed as given, so a note like "[bad day]" stays as typed.
"""

import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TextIO

# Select Graphic Rendition codes of the styles the views use.
STYLES = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
    "bold red": "1;31",
}
ELLIPSIS = "…"

Span = tuple[str, str]  # (text, style); style "" is plain
Cell = str | Span | Sequence[Span]  # what a table cell or a line part may be


def spans(cell: Cell) -> list[Span]:
    """Any cell as a list of (text, style) spans."""
    if isinstance(cell, str):
        return [(cell, "")]
    if isinstance(cell, tuple) and len(cell) == 2 and isinstance(cell[0], str):
        return [cell]
    return list(cell)


def cell_width(text: str) -> int:
    """How many terminal columns `text` takes: East Asian wide characters and most emoji
    take two, combining marks none."""
    if text.isascii():
        return len(text)
    from unicodedata import combining, east_asian_width

    return sum(
        0
        if combining(c) or c in "\u200b\u200d\ufe0e\ufe0f"
        else 2
        if east_asian_width(c) in "WF"
        else 1
        for c in text
    )


def cut(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, ending in "…" when something was left out."""
    if cell_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept, used = [], 0
    for c in text:
        size = cell_width(c)
        if used + size > width - 1:
            break
        kept.append(c)
        used += size
    return "".join(kept) + ELLIPSIS


def wants_colour(file: TextIO, environ: Mapping[str, str]) -> bool:
    if environ.get("NO_COLOR", ""):
        return False
    compatible = environ.get("TTY_COMPATIBLE", "")
    force = environ.get("FORCE_COLOR")
    if compatible in ("0", "1"):
        terminal = compatible == "1"
    elif force is not None:
        terminal = force != ""
    else:
        try:
            terminal = file.isatty()
        except (AttributeError, ValueError):  # no isatty, or already closed
            terminal = False
    return terminal and environ.get("TERM", "").lower() not in ("dumb", "unknown")


def terminal_width(file: TextIO, environ: Mapping[str, str]) -> int:
    columns = environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for stream in (file, sys.__stdout__, sys.__stderr__):
        try:
            width = os.get_terminal_size(stream.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            continue
        if width > 0:
            return width
    return 80


class Out:
    """Where a view writes: standard output (as it is at the time), its colour and width."""

    def __init__(self, file: TextIO | None = None, environ: Mapping[str, str] | None = None):
        self.file = file or sys.stdout
        environ = os.environ if environ is None else environ
        self.colour = wants_colour(self.file, environ)
        self.width = terminal_width(self.file, environ)

    def paint(self, text: str, style: str = "") -> str:
        if not (self.colour and style and text):
            return text
        return f"\x1b[{STYLES[style]}m{text}\x1b[0m"

    def render(self, cell: Cell) -> str:
        return "".join(self.paint(text, style) for text, style in spans(cell))

    def print(self, *cells: Cell) -> None:
        """One line made of `cells`, written as they are (no wrapping)."""
        self.file.write("".join(self.render(cell) for cell in cells) + "\n")

    def write_lines(self, lines: Iterable[str]) -> None:
        """Lines (without their newline), written in chunks of about a thousand."""
        chunk: list[str] = []
        for line in lines:
            chunk.append(line + "\n")
            if len(chunk) >= 1000:
                self.file.write("".join(chunk))
                chunk.clear()
        self.file.write("".join(chunk))

    def wrapped(self, cell: Cell, indent: int = 0, first: str = "") -> None:
        """`cell` word-wrapped to the width, every line after the first indented by `indent`.
        `first` (already rendered) starts the first line and takes `indent` columns."""
        parts = spans(cell)
        if parts and not first:  # leading spaces are the first line's indent, not a word
            text, style = parts[0]
            first = " " * (len(text) - len(text.lstrip(" ")))
            parts[0] = text.lstrip(" "), style
        room = max(self.width - indent, 10)
        pad = " " * indent
        for i, line in enumerate(wrap(parts, room)):
            self.file.write(f"{first if i == 0 else pad}{self.render(line)}".rstrip() + "\n")


def wrap(parts: Sequence[Span], width: int) -> Iterator[list[Span]]:
    """Spans broken into lines of at most `width` columns at spaces; a word longer than a line
    is cut with "…". Every line keeps the styles of the text it holds."""
    words: list[list[Span]] = [[]]  # each word as spans; a space in the text ends a word
    for text, style in parts:
        pieces = text.split(" ")
        for j, piece in enumerate(pieces):
            if j:
                words.append([])
            if piece:
                words[-1].append((piece, style))
    line: list[Span] = []
    used = 0
    shown = False
    for word in words:
        size = sum(cell_width(text) for text, _ in word)
        if line and used + 1 + size > width:
            yield line
            line, used, shown = [], 0, True
        if line:
            line.append((" ", ""))
            used += 1
        if size > width:
            word = [(cut("".join(text for text, _ in word), width), word[0][1] if word else "")]
            size = width
        line.extend(word)
        used += size
    if line or not shown:
        yield line


class Table:
    """Rows of cells in aligned columns, one space apart, with a bold header.

    A column named ">pain" is right-aligned (numbers), others left. Cells never wrap; the
    column named by `last`, the free text at the end, is cut with "…" to fit the width.
    """

    def __init__(self, *columns: str, last: str | None = None) -> None:
        self.columns = [*columns, *([last] if last is not None else [])]
        self.has_last = last is not None
        self.rows: list[list[list[Span]]] = []

    def add_row(self, *cells: Cell) -> None:
        assert len(cells) == len(self.columns), (len(cells), self.columns)
        self.rows.append([spans(cell) for cell in cells])

    def lines(self, out: Out) -> Iterator[str]:
        rows = [[[(c.removeprefix(">"), "bold")] for c in self.columns], *self.rows]
        fixed = self.columns[:-1] if self.has_last else self.columns
        widths = [
            max((sum(cell_width(t) for t, _ in row[i]) for row in rows), default=0)
            for i in range(len(fixed))
        ]
        room = max(out.width - sum(widths) - len(widths), 12)
        for row in rows:
            parts = []
            for i, width in enumerate(widths):
                cell = row[i]
                size = sum(cell_width(t) for t, _ in cell)
                pad = " " * (width - size)
                right = self.columns[i].startswith(">")
                parts.append((pad if right else "") + out.render(cell) + ("" if right else pad))
            if self.has_last:
                parts.append(out.render(fit(row[-1], room)))
            yield " ".join(parts).rstrip()

    def print(self, out: Out) -> None:
        out.write_lines(self.lines(out))


def fit(parts: Sequence[Span], width: int) -> list[Span]:
    """Spans cut with "…" to `width` columns."""
    kept: list[Span] = []
    room = width
    for text, style in parts:
        size = cell_width(text)
        if size > room:
            kept.append((cut(text, room), style))
            break
        kept.append((text, style))
        room -= size
    return kept
