"""The entries as a user reads them: the `list` table, its streamed form for long listings,
and the `show` card."""

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from operator import attrgetter
from typing import Any, Protocol

from rich.cells import cell_len, set_cell_size
from rich.color import ColorSystem
from rich.console import COLOR_SYSTEMS, Console, Group, RenderableType
from rich.segment import Segment
from rich.table import Column
from rich.text import Text

from fibrolog.models import DAILY_SCORES, Entry
from fibrolog.render.console import (
    GAP,
    NOTHING,
    column,
    fit,
    joined,
    labelled,
    natural_width,
    quiet_table,
    score,
    user_text,
)
from fibrolog.text import printable, when

ROWS_AT_A_TIME = 500  # rows written at a time by the streamed listing
# The widest sleep cell of an entry made by `add` (hours to 2 decimals, quality 10); a longer
# one (an imported 7.123 h, say) is cropped, as the table crops it.
SLEEP_WIDEST = "23.75h q10"
NARROW = 60  # below this many columns the weekday leaves the date, so the note keeps some room
# The scores with a column of their own, in their declared order; sleep quality is shown in
# the sleep column with the hours.
LISTED_SCORES = tuple(s for s in DAILY_SCORES if s.name != "sleep_quality")
SLEEP = 2 + len(LISTED_SCORES)  # the sleep column's index
FLARE = SLEEP + 1


def _columns() -> list[Column]:
    return [
        column("#", right=True),
        column("when"),
        *(column(declared.column, right=True) for declared in LISTED_SCORES),
        column("sleep", right=True),
        column("flare"),
        column("details", free_text=True),
    ]


# At a narrow window these go first (dates, pain and the details stay).
DROP = ("stiff", "fog", "effort", "sleep", "fatigue", "flare")
# A column with no value in the rows shown gives way, in this order, while the details are cut.
GIVE_WAY = (*DROP, "pain")


def _sleep(sleep: tuple[float | None, int | None]) -> Text:
    """The sleep cell of (hours, quality)."""
    hours, quality = sleep
    parts = []
    if hours is not None:
        parts.append(f"{hours:g}h")
    if quality is not None:
        parts.append(f"q{quality}")
    return Text(" ".join(parts)) if parts else NOTHING.copy()


def _flag(flare: bool) -> Text:
    return Text("FLARE", style="bold red") if flare else Text("")


def details(entry: "Listed") -> Text:
    """Areas, tags, meds and the note on one line."""
    return joined(
        [
            Text(",".join(entry.regions), style="cyan"),
            Text(" ".join("@" + t for t in entry.tags), style="magenta"),
            user_text("; ".join(med_text(m) for m in entry.meds), style="blue"),
            user_text(" ".join(entry.note.split())),
        ]
    )


def _row(entry: "Listed", when: str) -> list[RenderableType]:
    return [
        Text(str(entry.id)),
        Text(when_text(entry.at, when)),
        *(score(getattr(entry, declared.name)) for declared in LISTED_SCORES),
        _sleep((entry.sleep_hours, entry.sleep_quality)),
        _flag(entry.flare),
        details(entry),
    ]


def entries_view(entries: Sequence[Entry], width: int, hint: str = "") -> Iterator[RenderableType]:
    """The `list` table, newest last, in pieces of ROWS_AT_A_TIME rows that line up.

    The columns' widths come from a first pass over every entry; the rows are then made a
    piece at a time, so a listing of the whole diary never sits in memory as one table.
    """
    if not entries:
        yield Text("No entries match. Add one with: fibrolog add 5")
        return
    when = "%Y-%m-%d %a %H:%M" if width >= NARROW else "%Y-%m-%d %H:%M"
    columns, kept = _laid_out(width, [_row(e, when) for e in entries])
    for start in range(0, len(entries), ROWS_AT_A_TIME):
        table = quiet_table(*(columns[i].copy() for i in kept), show_header=start == 0)
        for entry in entries[start : start + ROWS_AT_A_TIME]:
            cells = _row(entry, when)
            table.add_row(*(cells[i] for i in kept))
        yield table
    if hint:
        yield Text(hint, style="dim")


def _laid_out(
    width: int, rows: Sequence[Sequence[RenderableType]]
) -> tuple[list[Column], list[int]]:
    """The columns of a measured listing and the indexes of those kept (see `fit`): while
    the details would be cut, a column with no value in these rows gives way to them."""
    names = [str(c.header) for c in _columns()]
    empty = [name for name in GIVE_WAY if all(_blank(row[names.index(name)]) for row in rows)]
    details = max(natural_width(row[-1]) for row in rows)
    hidden: list[int] = []
    while True:
        columns = _columns()
        shown = [i for i in range(len(columns)) if i not in hidden]
        kept = fit(
            width,
            [columns[i] for i in shown],
            [[row[i] for i in shown] for row in rows],
            [name for name in DROP if names.index(name) not in hidden],
        )
        if (columns[-1].width or 0) >= details or not empty:
            return columns, [shown[k] for k in kept]
        hidden.append(names.index(empty.pop(0)))


def _blank(cell: RenderableType) -> bool:
    return (cell.plain if isinstance(cell, Text) else str(cell)) in ("", NOTHING.plain)


def streamed_columns(
    width: int, highest_id: int, hidden: Collection[str] = ()
) -> tuple[list[Column], list[int], str]:
    """The columns of a streamed listing, their widths set before any entry is read: from
    what bounds each column (the highest id handed out, the widest sleep cell, the date
    format), the details taking the rest of the line; the columns named in `hidden` left
    out. Returns the columns, the indexes of those kept at this width (see `fit`), and the
    date format."""
    columns = _columns()
    when = "%Y-%m-%d %a %H:%M" if width >= NARROW else "%Y-%m-%d %H:%M"
    widest = [
        Text("9" * len(str(max(highest_id, 1)))),
        Text(datetime(2026, 12, 30, 23, 59).strftime(when)),
        *(Text("10") for _ in LISTED_SCORES),
        Text(SLEEP_WIDEST),
        Text("FLARE"),
        Text("x" * width),  # the details take what room is left
    ]
    shown = [i for i, c in enumerate(columns) if str(c.header) not in hidden]
    kept = fit(
        width,
        [columns[i] for i in shown],
        [[widest[i] for i in shown]],
        [name for name in DROP if name not in hidden],
    )
    return columns, [shown[k] for k in kept], when


def given_way(entries: Sequence["Listed"], width: int, highest_id: int) -> list[str]:
    """The columns a streamed listing of `entries`, read already, leaves out as the table of
    a short listing does (see `_laid_out`): while the details would be cut, those with no
    value in any entry give way to them, in GIVE_WAY's order. (A listing streamed as it is
    read cannot know this before its first row.)"""
    empty = [name for name in GIVE_WAY if not any(_has_value(name, e) for e in entries)]
    longest = max((cell_len(details_text(e)) for e in entries), default=0)
    hidden: list[str] = []
    while True:
        columns, _, _ = streamed_columns(width, highest_id, hidden)
        if (columns[-1].width or 0) >= longest or not empty:
            return hidden
        hidden.append(empty.pop(0))


_SCORE_OF = {declared.column: declared.name for declared in LISTED_SCORES}


def _has_value(column: str, entry: "Listed") -> bool:
    """Whether the entry's cell in the column shows a value (not "·" nor empty)."""
    if column == "sleep":
        return entry.sleep_hours is not None or entry.sleep_quality is not None
    if column == "flare":
        return entry.flare
    return getattr(entry, _SCORE_OF[column]) is not None


class ListedMed(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dose(self) -> str | None: ...


class Listed(Protocol):
    """What a listing reads of an entry: an `Entry`, or the store's `CheckedEntry` of a
    whole-diary read."""

    @property
    def id(self) -> int: ...

    @property
    def at(self) -> datetime | str: ...  # a time, or its ISO text with the offset

    @property
    def pain(self) -> int | None: ...

    @property
    def fatigue(self) -> int | None: ...

    @property
    def fog(self) -> int | None: ...

    @property
    def stiffness(self) -> int | None: ...

    @property
    def exertion(self) -> int | None: ...

    @property
    def sleep_hours(self) -> float | None: ...

    @property
    def sleep_quality(self) -> int | None: ...

    @property
    def regions(self) -> Sequence[str]: ...

    @property
    def tags(self) -> Sequence[str]: ...

    @property
    def meds(self) -> Sequence[ListedMed]: ...

    @property
    def flare(self) -> bool: ...

    @property
    def note(self) -> str: ...


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # strftime's %a, C locale


def when_text(at: datetime | str, when: str) -> str:
    """The `when` cell: `at.strftime(when)`, also from the ISO text of a time (read straight
    from a year file, its wall time is the text's)."""
    if isinstance(at, datetime):
        return at.strftime(when)
    if "%a" not in when:
        return f"{at[:10]} {at[11:16]}"
    return f"{at[:10]} {WEEKDAYS[date.fromisoformat(at[:10]).weekday()]} {at[11:16]}"


def med_text(med: ListedMed) -> str:
    """'pregabalin 75mg' (as `str(Med)`)."""
    return f"{med.name} {med.dose}" if med.dose else med.name


class _Made(dict[Any, str]):
    """Texts by the key they show, each made by `make` the first time it is asked for: a
    diary's scores, sleep, flags and days take few values, so most rows look theirs up."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> str:
        made = self[key] = self.make(key)
        return made


def details_text(entry: Listed) -> str:
    """The text of `details(entry)` (what `Text.plain` would be), made without Rich."""
    parts = [",".join(entry.regions)] if entry.regions else []
    if entry.tags:
        parts.append("@" + " @".join(entry.tags))
    if entry.meds:
        parts.append(printable("; ".join([med_text(med) for med in entry.meds])))
    if entry.note and (note := printable(" ".join(entry.note.split()))):
        parts.append(note)
    return " · ".join(parts)


def _line_maker(
    console: Console, columns: Sequence[Column], kept: Sequence[int], when: str
) -> Callable[[Listed], str]:
    """A function giving an entry's line of the table (its cells in the `kept` columns, cut,
    padded and, with colour, styled as Rich lays out a line of the table): the cells of the
    scores, and of sleep and flag, are made once for each set of values they show (see
    `_Made`), the day's once a day, the id's and details' once a row. Without colour the
    details' text is made without Rich."""
    colour = COLOR_SYSTEMS.get(console.color_system or "") if not console.no_color else None

    def laid_out(column: Column) -> Callable[[Text], str]:
        if colour is None:
            fitted = _fitter(column)
            return lambda text: fitted(text.plain)

        def styled(text: Text) -> str:
            line = Text().append(_styled(text, column))  # (the cell's style as a span)
            return "".join(_ansi(segment, colour) for segment in line.render(console))

        return styled

    shown = [(i, declared.name) for i, declared in enumerate(LISTED_SCORES, start=2) if i in kept]
    named = attrgetter(*(name for _, name in shown))
    # (attrgetter of one name gives its value, not a tuple of one)
    values: Callable[[Listed], Any] = named if len(shown) > 1 else lambda e: (named(e),)

    def cells_of(column: Column, cell: Callable[[Any], Text]) -> _Made:
        lay = laid_out(column)
        return _Made(lambda value: lay(cell(value)))

    score_cells = [cells_of(columns[i], score) for i, _ in shown]
    sleep_cells, flag_cells = cells_of(columns[SLEEP], _sleep), cells_of(columns[FLARE], _flag)

    def scores_of(values: tuple[int | None, ...]) -> str:
        return "  ".join(cells[v] for cells, v in zip(score_cells, values, strict=True))

    def sleep_and_flag(key: tuple[float | None, int | None, bool]) -> str:
        hours, quality, flare = key
        cells = [sleep_cells[hours, quality]] if SLEEP in kept else []
        cells += [flag_cells[flare]] if FLARE in kept else []
        return "".join("  " + cell for cell in cells)

    # The ISO time of an entry read from a year file: the day's part of the cell (weekday
    # and all) made once a day, the time of day cut from the text. Every cell of the column
    # is as wide as it; the id and the time have no style.
    def day_of(iso_day: str) -> str:
        return when_text(f"{iso_day}T00:00", when)[:-5]

    scores, rest, day = _Made(scores_of), _Made(sleep_and_flag), _Made(day_of)
    id_width = columns[0].width or 0
    if colour is None:
        fitted = _fitter(columns[-1])

        def details_cell(entry: Listed) -> str:
            return fitted(details_text(entry))

    else:
        styled = laid_out(columns[-1])

        def details_cell(entry: Listed) -> str:
            return styled(details(entry))

    def line(entry: Listed) -> str:
        at = entry.at
        moment = day[at[:10]] + at[11:16] if isinstance(at, str) else at.strftime(when)
        return (
            f"{str(entry.id).rjust(id_width)}  {moment}  {scores[values(entry)]}"
            f"{rest[entry.sleep_hours, entry.sleep_quality, entry.flare]}  {details_cell(entry)}"
        )

    return line


def _fitter(column: Column) -> Callable[[str], str]:
    """A function giving a text cut and padded to the column, as a Rich table lays out one
    line of a cell (the column's overflow "crop" or "ellipsis", never "fold"). Only the
    first width + 1 characters are measured, unless some of them take no cell."""
    width = column.width or 0
    ellipsis = "…" if column.overflow == "ellipsis" else ""
    cut = width - len(ellipsis)
    right = column.justify == "right"

    def fitted(text: str) -> str:
        head = text[: width + 1]
        # ASCII and "·" take a cell a character (printable text holds no control
        # characters): that test is quick; Rich measures the rest.
        one_cell_each = head.replace("·", "").isascii()
        length = len(head) if one_cell_each else cell_len(head)
        if length <= width and len(head) < len(text):  # (some took no cell)
            head, length = text, cell_len(text)
        if length > width:
            head = (head[:cut] if one_cell_each else set_cell_size(head, cut)) + ellipsis
            length = width
        return " " * (width - length) + head if right else head + " " * (width - length)

    return fitted


def print_streamed(
    console: Console,
    entries: Iterable[Listed],
    highest_id: int,
    hint: str = "",
    hidden: Collection[str] = (),
) -> int:
    """Print the `list` table row by row as the entries come, without building a Rich table:
    each row costs what formatting its text costs. Without colour (a pipe, NO_COLOR) the lines
    are what the Rich table of the same rows, with the same column widths, prints, character
    for character; with colour each line is styled as the table styles it. Returns how many
    rows were printed (0: only the line saying that nothing matched). The columns named in
    `hidden` are left out (see `given_way`)."""
    columns, kept, when = streamed_columns(console.width, highest_id, hidden)
    shown = [columns[i] for i in kept]
    if sum(c.width or 0 for c in shown) + GAP * (len(shown) - 1) > console.width:
        # A window narrower than the date, the pain and ten cells of details: Rich narrows
        # the columns its own way, so its own tables print the rows.
        count = _print_tables(console, entries, shown, kept, when)
    else:
        count = _print_lines(console, entries, columns, kept, when)
    if count == 0:
        console.print(Text("No entries match. Add one with: fibrolog add 5"))
    elif hint:
        console.print(Text(hint, style="dim"))
    return count


def _print_lines(
    console: Console, entries: Iterable[Listed], columns: list[Column], kept: list[int], when: str
) -> int:
    """The rows as lines, written ROWS_AT_A_TIME at a time, after the table's header."""
    line = _line_maker(console, columns, kept, when)
    count = 0
    rows = iter(entries)
    while lines := [line(entry) for entry in islice(rows, ROWS_AT_A_TIME)]:
        if count == 0:  # the header and its rule
            console.print(quiet_table(*(columns[i].copy() for i in kept)))
        lines.append("")  # (the last line's end)
        console.file.write("\n".join(lines))
        count += len(lines) - 1
    return count


def _print_tables(
    console: Console, entries: Iterable[Listed], shown: list[Column], kept: list[int], when: str
) -> int:
    """The rows as Rich tables of ROWS_AT_A_TIME rows, the header on the first."""
    count = 0
    rows = iter(entries)
    while piece := list(islice(rows, ROWS_AT_A_TIME)):
        table = quiet_table(*(c.copy() for c in shown), show_header=count == 0)
        for entry in piece:
            cells = _row(entry, when)
            table.add_row(*(cells[i] for i in kept))
        console.print(table)
        count += len(piece)
    return count


def _ansi(segment: Segment, colour: ColorSystem) -> str:
    text, style, _ = segment
    return style.render(text, color_system=colour) if style else text


def _styled(cell: RenderableType, column: Column) -> Text:
    text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
    text.truncate(column.width or 0, overflow=column.overflow, pad=False)
    width = column.width or 0
    if column.justify == "right":
        text.pad_left(width - text.cell_len)
    else:
        text.pad_right(width - text.cell_len)
    return text


def entry_view(entry: Entry) -> RenderableType:
    """Every field of one entry, labelled; the note printed literally on its own lines."""
    rows: list[tuple[str, RenderableType]] = [
        ("entry", f"#{entry.id}  ({entry.uid})"),
        ("when", f"{when(entry.at)} {entry.at.year}  ({entry.at.isoformat()})"),
        ("logged", entry.logged.isoformat()),
    ]
    for declared in DAILY_SCORES:
        value = getattr(entry, declared.name)
        if value is not None:
            rows.append((declared.label, score(value)))
    if entry.sleep_hours is not None:
        rows.append(("sleep hours", f"{entry.sleep_hours:g}"))
    if entry.regions:
        rows.append(("areas", Text(", ".join(entry.regions), style="cyan")))
    if entry.tags:
        rows.append(("tags", Text(" ".join("@" + t for t in entry.tags), style="magenta")))
    if entry.meds:
        rows.append(("meds", user_text("; ".join(str(m) for m in entry.meds))))
    for name, value in entry.symptoms.items():
        rows.append((name, score(value)))
    if entry.flare:
        rows.append(("flare", Text("yes", style="bold red")))
    parts: list[RenderableType] = [labelled(rows)]
    if entry.note:
        parts += [Text(""), user_text(entry.note, keep_lines=True)]
    return Group(*parts)
