"""The diary's schema migrations: each takes the folder one schema up, run under the lock
after a full backup (see DiaryFolder.open)."""

from collections.abc import Callable
from pathlib import Path

from fibrolog.store.safefile import atomic_write
from fibrolog.store.storage import ENTRIES, dump_tables, load_tables


def add_exertion(folder: Path) -> None:
    """Schema 1 → 2: every stored entry gains `exertion` (null: not given), after its sleep
    quality. A year file keeps exactly the entry fields, so without this an entry from before
    would read as damaged; and an older fibrolog refuses schema 2 instead of calling the new
    key damage."""
    for year_file in sorted(folder.glob("[0-9][0-9][0-9][0-9].json")):
        tables = load_tables(year_file, ENTRIES)
        if tables is None:
            continue
        for key, document in tables[ENTRIES].items():
            if "exertion" not in document:
                fields = list(document.items())
                at = next((i + 1 for i, (k, _) in enumerate(fields) if k == "sleep_quality"), 0)
                tables[ENTRIES][key] = dict([*fields[:at], ("exertion", None), *fields[at:]])
        atomic_write(year_file, dump_tables(tables))


# Ordered migrations: MIGRATIONS[i] takes a diary folder from schema i + 1 to schema i + 2.
# Each is a small function of the folder, run under the lock after a full backup.
MIGRATIONS: list[Callable[[Path], None]] = [add_exertion]


def current_schema() -> int:
    return 1 + len(MIGRATIONS)
