"""One change across several diary files, all or nothing (SPEC §1): staged files, a journal,
then renames.

A `Transaction` collects the new content of every file a change writes (or removes). On
commit each new file is written whole beside its target (`.<name>.<random>.tmp`, fsynced),
then `journal.json` names the set (written atomically: the moment the change is decided),
then each staged file is renamed over its target and the journal removed. After a crash:
with no journal, the staged files are strays and the diary holds the old set (the next
writer removes them); with a journal, the next command renames what is left (`complete`)
and the diary holds the new set. A change of one file needs no journal.

A change of many big files (an import of years of history, say) stages each file as soon as
it is made (`stage`), so that no more than one of them waits in memory; they are strays
until the journal names them, exactly as if the commit had staged them.
"""

import contextlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

import msgspec

from fibrolog.errors import CorruptDiary
from fibrolog.store.safefile import atomic_write, fsync_dir, stage

JOURNAL = "journal.json"
# What a journal may name: the diary's own files, and temporary files beside them. (Patterns
# compiled when a journal is read, which an add never does.)
TARGET = r"(?:meta|assessments|treatments|\d{4})\.json"
STAGED = rf"\.{TARGET}\.\w+\.tmp"


class Transaction:
    """The files one change will write (bytes) or remove (None), by path in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.changes: dict[Path, bytes | None] = {}
        self.staged: dict[Path, Path] = {}  # a file's new content, written already (`stage`)

    def write(self, path: Path, data: bytes) -> None:
        self._unstage(path)
        self.changes[path] = data

    def remove(self, path: Path) -> None:
        self._unstage(path)
        self.changes[path] = None

    def stage(self, path: Path, data: bytes | Iterable[bytes]) -> Path:
        """As `write`, but the new content is written beside `path` now (durably, private)
        rather than at the commit, so it need not wait in memory; returns where it is."""
        self.changes.pop(path, None)
        self._unstage(path)
        self.staged[path] = stage(path, data)
        return self.staged[path]

    def discard(self) -> None:
        """Give the change up: remove what `stage` wrote (a stray the next writer would
        remove anyway)."""
        self.changes = {}
        for path in list(self.staged):
            self._unstage(path)

    def _unstage(self, path: Path) -> None:
        if path in self.staged:
            with contextlib.suppress(OSError):
                self.staged.pop(path).unlink()

    def commit(self) -> None:
        """Make every change, or (after a crash) leave what the next command completes."""
        changes, self.changes = self.changes, {}
        early, self.staged = self.staged, {}
        if len(changes) == 1 and not early:
            [(path, data)] = changes.items()
            if data is None:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                fsync_dir(path.parent)
            else:
                atomic_write(path, data)
            return
        if not changes and not early:
            return
        staged: dict[str, str | None] = {path.name: done.name for path, done in early.items()}
        try:
            for path, data in changes.items():
                staged[path.name] = None if data is None else stage(path, data).name
            record = {"files": staged}
            atomic_write(self.folder / JOURNAL, msgspec.json.encode(record))
        except BaseException:
            for name in staged.values():
                if name:
                    with contextlib.suppress(OSError):
                        (self.folder / name).unlink()
            raise
        _apply(self.folder, staged)


def pending(folder: Path) -> Path | None:
    """The journal of a change a crash interrupted, if there is one."""
    path = folder / JOURNAL
    return path if path.exists() else None


def complete(folder: Path) -> bool:
    """Finish the change a journal in `folder` records (the caller holds the lock); True if
    there was one."""
    path = folder / JOURNAL
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return False
    files = _read(path, raw)
    _apply(folder, files)
    return True


def _read(path: Path, raw: bytes) -> dict[str, str | None]:
    """The journal's record, checked: only the diary's own files, by name."""
    try:
        files = msgspec.json.decode(raw)["files"]
    except (msgspec.DecodeError, KeyError, TypeError):
        files = None
    if not isinstance(files, dict) or not all(
        isinstance(target, str)
        and re.fullmatch(TARGET, target, re.ASCII)
        and (staged is None or (isinstance(staged, str) and re.fullmatch(STAGED, staged)))
        for target, staged in files.items()
    ):
        raise CorruptDiary(f"{path} is damaged: it is not a journal fibrolog wrote", path)
    return files


def _apply(folder: Path, files: dict[str, str | None]) -> None:
    """Rename each staged file over its target (one already renamed is gone), remove the
    files to remove, then the journal."""
    for target, staged in files.items():
        if staged is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / target)
        elif (folder / staged).exists():
            os.replace(folder / staged, folder / target)
    fsync_dir(folder)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / JOURNAL)
    fsync_dir(folder)
