"""Views of the diary's files and settings: info, check, backups and the config listing."""

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from fibrolog.render.console import column, fitted_table, labelled
from fibrolog.text import plural


def info_view(facts: Sequence[tuple[str, str]]) -> RenderableType:
    """Where the diary lives, how big it is, its backups and the settings file."""
    return labelled(facts)


def check_view(
    problems: Sequence[str],
    folder: str,
    entries: int,
    years: int,
    stale_temp_files: Sequence[str] = (),
    damaged_copies: Sequence[str] = (),
) -> RenderableType:
    """What `check` found: each problem, or that the diary is whole; then what else lies in
    the folder (temporary files of an interrupted save, damaged files set aside)."""
    lines = [Text(f"✗ {problem}", style="red") for problem in problems]
    if not problems:
        lines.append(
            Text(
                f"✓ The diary in {folder} is whole: {plural(entries, 'entry', 'entries')} "
                f"in {plural(years, 'year file')}.",
                style="green",
            )
        )
    if stale_temp_files:
        lines.append(
            Text(
                f"⚠ left by an interrupted save: {', '.join(stale_temp_files)} "
                "(the next change removes them)",
                style="yellow",
            )
        )
    if damaged_copies:
        lines.append(
            Text(f"· damaged files set aside by salvage: {', '.join(damaged_copies)}", style="dim")
        )
    return Group(*lines)


def backups_view(rows: Sequence[dict[str, Any]], width: int) -> RenderableType:
    """The backups, newest first, and how to restore one."""
    table = fitted_table(
        width,
        [
            column("backup"),
            column("made"),
            column("entries", right=True),
            column("size", right=True),
            column("files", free_text=True),
        ],
        [
            [
                Text(row["name"]),
                Text(row["made"][:16].replace("T", " ")),
                Text("damaged", style="red") if row["damaged"] else Text(str(row["entries"])),
                Text(f"{row['bytes'] / 1024:.1f} KB"),
                Text(", ".join(row["files"])),
            ]
            for row in rows
        ],
        drop=("size", "made"),
    )
    hint = Text("Restore one with: fibrolog restore NAME  (or: fibrolog restore latest)")
    return Group(table, hint)


def config_view(settings: dict[str, str]) -> RenderableType:
    """Every setting as `key = value` (values as TOML)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for key, value in settings.items():
        grid.add_row(Text(key, style="bold"), f"= {value}")
    return grid
