"""The entries as a user reads them: the `list` table and the `show` card."""

from collections.abc import Iterator, Sequence

from rich.console import Group, RenderableType
from rich.table import Column
from rich.text import Text

from fibrolog.models import DAILY_SCORES, Entry
from fibrolog.render.console import (
    NOTHING,
    column,
    fit,
    joined,
    labelled,
    quiet_table,
    score,
    user_text,
)
from fibrolog.text import when

ROWS_AT_A_TIME = 500  # `list -n 0` may show 100 000 entries: never hold them all as tables
NARROW = 60  # below this many columns the weekday leaves the date, so the note keeps some room


def _columns() -> list[Column]:
    return [
        column("#", right=True),
        column("when"),
        column("pain", right=True),
        column("fatigue", right=True),
        column("fog", right=True),
        column("stiff", right=True),
        column("sleep", right=True),
        column("flare"),
        column("details", free_text=True),
    ]


# At a narrow window these go first (dates, pain and the details stay).
DROP = ("stiff", "fog", "sleep", "fatigue", "flare")


def _sleep(entry: Entry) -> Text:
    parts = []
    if entry.sleep_hours is not None:
        parts.append(f"{entry.sleep_hours:g}h")
    if entry.sleep_quality is not None:
        parts.append(f"q{entry.sleep_quality}")
    return Text(" ".join(parts)) if parts else NOTHING.copy()


def details(entry: Entry) -> Text:
    """Areas, tags, meds and the note on one line."""
    return joined(
        [
            Text(",".join(entry.regions), style="cyan"),
            Text(" ".join("@" + t for t in entry.tags), style="magenta"),
            user_text("; ".join(str(m) for m in entry.meds), style="blue"),
            user_text(" ".join(entry.note.split())),
        ]
    )


def _row(entry: Entry, when: str) -> list[RenderableType]:
    return [
        Text(str(entry.id)),
        Text(entry.at.strftime(when)),
        score(entry.pain),
        score(entry.fatigue),
        score(entry.fog),
        score(entry.stiffness),
        _sleep(entry),
        Text("FLARE", style="bold red") if entry.flare else Text(""),
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
    columns = _columns()
    when = "%Y-%m-%d %a %H:%M" if width >= NARROW else "%Y-%m-%d %H:%M"
    kept = fit(width, columns, (_row(e, when) for e in entries), DROP)
    for start in range(0, len(entries), ROWS_AT_A_TIME):
        table = quiet_table(*(columns[i].copy() for i in kept), show_header=start == 0)
        for entry in entries[start : start + ROWS_AT_A_TIME]:
            cells = _row(entry, when)
            table.add_row(*(cells[i] for i in kept))
        yield table
    if hint:
        yield Text(hint, style="dim")


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
