"""Terminal views: results → Rich tables and text. The only module that imports Rich.

User text (notes, tags) always goes in as `Text` objects, never as markup, so a note such as
"[bad day] [/x]" prints exactly as typed. Colour follows Rich's rules: none when piped, none
with NO_COLOR.
"""

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from fibrolog.models import Entry
from fibrolog.text import when


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _score(value: int | None) -> Text:
    if value is None:
        return Text("·", style="dim")
    style = "red" if value >= 7 else "yellow" if value >= 4 else "green"
    return Text(str(value), style=style)


def entries_table(entries: Sequence[Entry]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold", collapse_padding=True)
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column("when", no_wrap=True, min_width=20)
    for name in ("pain", "fat", "fog", "stiff"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("sleep", justify="right", no_wrap=True)
    table.add_column("flare", no_wrap=True)
    # Only the free-text column gives way on a narrow terminal; the numbers never do.
    table.add_column("details", overflow="ellipsis")
    for e in entries:
        sleep = "" if e.sleep_hours is None else f"{e.sleep_hours:g}h"
        if e.sleep_quality is not None:
            sleep += f" q{e.sleep_quality}"
        details = Text(no_wrap=True, overflow="ellipsis")
        for part, style in (
            (",".join(e.regions), "cyan"),
            (" ".join("@" + t for t in e.tags), "magenta"),
            (", ".join(str(m) for m in e.meds), "blue"),
            (" ".join(e.note.split()), ""),
        ):
            if part:
                if details:
                    details.append(" · ", style="dim")
                details.append(part, style=style)
        table.add_row(
            str(e.id),
            e.at.strftime("%Y-%m-%d %a %H:%M"),
            _score(e.pain),
            _score(e.fatigue),
            _score(e.fog),
            _score(e.stiffness),
            sleep or Text("·", style="dim"),
            Text("FLARE", style="bold red") if e.flare else Text(""),
            details,
        )
    return table


def print_entries(entries: Sequence[Entry], total_hint: str = "") -> None:
    out = console()
    if not entries:
        out.print("No entries match. Add one with: fibrolog add 5")
        return
    out.print(entries_table(entries))
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
        rows.append(("meds", Text(", ".join(str(m) for m in entry.meds))))
    for name, score in sorted(entry.symptoms.items()):
        rows.append((name, _score(score)))
    if entry.flare:
        rows.append(("flare", Text("yes", style="bold red")))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for label, value in rows:
        table.add_row(label, value)
    out.print(table)
    if entry.note:
        out.print()
        out.print(Text(entry.note))
