"""The diary folder (SPEC §1): its paths, meta.json, the lock and transactions, schema
migration, the data files, backups and leftover temporary files.

Writers hold the exclusive lock for the whole read-modify-write; readers need no lock because
every file is replaced atomically. A file that does not parse or has the wrong shape raises
CorruptDiary before anything is written, so a damaged file is never overwritten; recovery.py
finds the problems and repairs them."""

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from fibrolog.errors import CorruptDiary, FibrologError
from fibrolog.store import journal, migrations, storage
from fibrolog.store.backups import Backup, list_backups, made_since, make_backup
from fibrolog.store.documents import Meta
from fibrolog.store.journal import Transaction
from fibrolog.store.migrations import current_schema
from fibrolog.store.safefile import atomic_write, exclusive_lock, make_private
from fibrolog.store.storage import DAMAGED_COPY, ENTRIES, META, TEMP_FILE, dump_tables, table_of


class DiaryFolder:
    """One diary folder. Cheap to create; touches the disk only when asked."""

    def __init__(self, folder: Path, *, lock_timeout: float = 10.0) -> None:
        self.folder = folder
        self.lock_timeout = lock_timeout
        self.meta_path = folder / "meta.json"
        self.lock_path = folder / ".lock"
        self.backups_dir = folder / "backups"
        self._checked = False
        self._holding = False  # whether this instance holds the lock now
        # Entries left out of what was read because they break a rule: id → one line to warn
        # with (see BadEntry). The command prints them when it ends.
        self.set_aside: dict[int, str] = {}
        # The light day facts this instance read, by year, so that a command reading a year
        # twice (a review's windows, say) parses it once. Every change, made under the lock,
        # clears them.
        self._parsed: dict[tuple[Any, ...], Any] = {}
        # The year files read as stored entries, with their bytes (see storage.load_tables):
        # kept across the lock, as a file whose bytes changed is parsed again.
        self._remembered: storage.Remembered = {}
        # What to do once the transaction under way has committed (issue 19: a repair's
        # tombstones are lifted only when the entries are back).
        self._after_commit: list[Callable[[], None]] = []

    # -- files -------------------------------------------------------------------------------

    def year_path(self, year: int) -> Path:
        return self.folder / f"{year:04d}.json"

    def years(self) -> list[int]:
        """The years that have a file, ascending."""
        try:
            found = os.scandir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        with found:  # not Path.glob: its pattern is compiled to a regex on every run
            return sorted(
                int(e.name[:4])
                for e in found
                if len(e.name) == 9
                and e.name.endswith(".json")
                and e.name[:4].isdigit()
                and e.name[:4].isascii()
                and e.is_file()
            )

    def exists(self) -> bool:
        return any(
            path.exists() for path in (self.meta_path, self.courses_path, self.assessments_path)
        ) or bool(self.years())

    def read_meta(self) -> Meta:
        """meta.json, checked; a fresh diary has schema 1 and next id 1."""
        tables = storage.load_tables(self.meta_path, META)
        if tables is None:
            if self.years():
                raise CorruptDiary(
                    f"{self.meta_path} is missing but year files exist", self.meta_path
                )
            return Meta(schema=current_schema(), next_id=1)
        record = tables[META].get("1")
        schema = record.get("schema") if record else None
        next_id = record.get("next_id") if record else None
        if not isinstance(schema, int) or not isinstance(next_id, int) or next_id < 1:
            raise CorruptDiary(
                f"{self.meta_path} is damaged: no valid 'schema' and 'next_id'", self.meta_path
            )
        if schema > current_schema():
            raise CorruptDiary(
                f"{self.meta_path} has schema {schema}, made by a newer fibrolog; "
                "upgrade fibrolog to open this diary"
            )  # no path: the file is whole, so no backup should replace it
        return Meta(schema, next_id)

    def _write_meta(self, meta: Meta, transaction: Transaction | None = None) -> None:
        data = dump_tables({META: {"1": {"schema": meta.schema, "next_id": meta.next_id}}})
        if transaction is not None:
            transaction.write(self.meta_path, data)
        else:
            atomic_write(self.meta_path, data)

    def open(self, every_year: bool = True) -> Meta:
        """Check the diary before use: meta.json whole, year files not truncated, schema current.

        The year-file check reads only each file's last bytes (a cut-off JSON file does not end
        in '}'), so it costs little for ten years; full parsing happens per year when a command
        reads that year. An add, which reads no year but the one it writes (and parses that
        whole), skips it (`every_year=False`): at 100 000 entries it was 55 files opened.

        A change a crash interrupted (a journal) is completed first, under the lock.
        """
        if not self._holding and journal.pending(self.folder):
            with self.locked():
                pass  # taking the lock completes it
        meta = self.read_meta()
        if every_year and not self._checked:
            for year in self.years():
                path = self.year_path(year)
                with path.open("rb") as file:
                    file.seek(max(0, file.seek(0, os.SEEK_END) - 16))
                    whole = file.read().rstrip().endswith(b"}")
                if not whole:
                    storage.load_tables(path, ENTRIES)  # says what is wrong
                    raise CorruptDiary(f"{path} is damaged: it is cut off (truncated)", path)
            self._checked = True
        if meta.schema < current_schema():
            meta = self._migrate(meta)
        return meta

    def _migrate(self, meta: Meta) -> Meta:
        with self.locked():
            meta = self.read_meta()
            if meta.schema >= current_schema():
                return meta
            self.backup(self.data_files())
            for migration in migrations.MIGRATIONS[meta.schema - 1 :]:
                migration(self.folder)
            meta = replace(meta, schema=current_schema())
            self._write_meta(meta)
            return meta

    # -- issue 19: tombstones and edit times for merges (store/changes.py) -------------------

    @property
    def changes_path(self) -> Path:
        from fibrolog.store.changes import NAME  # loaded by the commands that change things

        return self.folder / NAME

    def _record_change(
        self,
        *,
        deleted: list[tuple[str, str, int]] | None = None,
        edited: list[dict[str, Any]] | None = None,
        when: datetime | None,
    ) -> None:
        from fibrolog.store.changes import record

        record(self.folder, deleted=deleted, edited=edited, when=when)

    def data_files(self) -> list[Path]:
        files = [self.meta_path, *(self.year_path(y) for y in self.years())]
        files += [self.assessments_path, self.courses_path, self.changes_path]  # issue 19
        return [f for f in files if f.exists()]

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the diary's lock; first complete the change a journal records, then remove the
        temporary files of writers that are gone, and make the folder private (0700).

        A temporary file is only ever written under this lock, so one found while holding it
        (after the journal's are renamed) belongs to a writer that was killed mid-save.
        """
        if self._holding:  # already held by this instance (a restore that backs up, say)
            yield
            return
        with exclusive_lock(self.lock_path, self.lock_timeout):
            self._holding = True
            try:
                make_private(self.folder)
                if journal.complete(self.folder):
                    self._checked = False
                for path in self.stale_temp_files():
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                self._parsed.clear()  # what was read before the lock may be out of date
                yield
            finally:
                self._holding = False
                self._parsed.clear()

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock and collect a change of several files; commit it whole at the end
        of the block (nothing is written if the block raises)."""
        with self.locked():
            changes = Transaction(self.folder)
            self._after_commit.clear()
            yield changes
            changes.commit()
            self._checked = False
            for then in self._after_commit:  # issue 19
                then()
            self._after_commit.clear()

    def stale_temp_files(self) -> list[Path]:
        """Temporary files left in the diary folder by writers that did not finish."""
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(self.folder / name for name in names if TEMP_FILE.fullmatch(name))

    def damaged_copies(self) -> list[Path]:
        """Damaged files that `salvage` moved aside (kept, never read)."""
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return sorted(self.folder / name for name in names if DAMAGED_COPY.fullmatch(name))

    # -- the courses' and assessments' files (records.py) ----------------------------------

    @property
    def assessments_path(self) -> Path:
        return self.folder / "assessments.json"

    @property
    def courses_path(self) -> Path:
        return self.folder / "treatments.json"

    # -- backups -----------------------------------------------------------------------------

    def backup(self, files: Iterable[Path], keeping: Path | None = None) -> Path | None:
        """Copy the existing `files` into backups/YYYYMMDDTHHMMSS/ (built aside, whole or not
        at all); keep the newest 20, the newest good copy of each file, and the backup
        `keeping` (one being restored from). See backups.py."""
        return make_backup(self.backups_dir, files, _parses, keeping)

    def backups(self) -> list[Backup]:
        """Whole backups, oldest first."""
        return list_backups(self.backups_dir)

    def _daily_snapshot(self, files: list[Path]) -> None:
        """Back up the files an add will change when the newest backup is over a day old,
        so that a diary that only ever grows still has a way back from a damaged file."""
        if not made_since(self.backups_dir, datetime.now() - timedelta(days=1)):
            self.backup(files)


def _parses(copy: Path) -> bool:
    """Whether a backup's copy of a diary file is whole (it parses, with its table)."""
    try:
        storage.load_tables(copy, table_of(copy.name))
    except FibrologError:
        return False
    return True
