"""The diary's backups (SPEC §1): copies of files in `backups/YYYYMMDDTHHMMSS[-N]/`.

A backup is built whole in a temporary folder (`.partial-…`) and renamed into place only when
every copy is durable, so a full disk or a crash never leaves a half backup that counts: a
folder is a backup only by its name, and only whole ones get that name. Pruning keeps the
newest 20 and, beyond them, the newest good copy of every file (one that parses), so that
failures repeated twenty times never push the last way back out.
"""

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from msgspec import Struct

from fibrolog.store.safefile import FILE_MODE, ensure_private_dir, fsync_dir

KEEP_BACKUPS = 20
PARTIAL = ".partial-"  # a backup being built (or one a crash interrupted)
STAMP = re.compile(r"\d{8}T\d{6}(?:-\d+)?", re.ASCII)  # a backup's name


class Backup(Struct, frozen=True):
    path: Path
    made: datetime
    files: tuple[Path, ...]


def _backup_stamp(name: str) -> tuple[datetime, int] | None:
    """A backup folder's name, `YYYYMMDDTHHMMSS` or `YYYYMMDDTHHMMSS-N`, as (when made, N).

    None for any other name (a half-built `.partial-…` one among them)."""
    stamp, dash, suffix = name.partition("-")
    if len(stamp) != 15 or not stamp.isascii() or (dash and not suffix.isdecimal()):
        return None
    if dash and not suffix.isascii():
        return None
    try:
        made = datetime.strptime(stamp, "%Y%m%dT%H%M%S")
    except ValueError:  # e.g. month 13
        return None
    return made, int(suffix or 1)


def list_backups(folder: Path) -> list[Backup]:
    """The whole backups in `folder`, oldest first."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    found = []
    for name in names:
        stamp = _backup_stamp(name)
        if stamp is None or not (folder / name).is_dir():
            continue
        files = tuple(sorted(f for f in (folder / name).iterdir() if f.suffix == ".json"))
        found.append((stamp, Backup(folder / name, stamp[0], files)))
    return [backup for _, backup in sorted(found, key=lambda item: item[0])]


def made_since(folder: Path, moment: datetime) -> bool:
    """Whether a backup was made after `moment`, from the folder names alone: a stamp
    (YYYYMMDDTHHMMSS) sorts as the time it names, so no name is parsed (strptime's module
    would cost an add ~2 ms to load)."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return False
    after = moment.strftime("%Y%m%dT%H%M%S")
    return any(STAMP.fullmatch(name) and name[:15] > after for name in names)


def make_backup(
    folder: Path,
    files: Iterable[Path],
    is_good: Callable[[Path], bool],
    keeping: Path | None = None,
) -> Path | None:
    """Copy the existing `files` into a new backup in `folder`, then prune (see `prune`).

    The caller holds the diary lock. On any failure the half-built copy is removed and the
    error raised: the backups stay as they were."""
    existing = [f for f in files if f.exists()]
    if not existing:
        return None
    ensure_private_dir(folder)
    for name in os.listdir(folder):  # left by a writer killed while building one
        if name.startswith(PARTIAL):
            shutil.rmtree(folder / name, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=PARTIAL, dir=folder))  # 0700
    try:
        for source in existing:
            _copy(source, building / source.name)
        fsync_dir(building)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        # Several backups in one second get -2, -3 …: always above any name of that second
        # still present, so a new backup never takes the place (and order) of a pruned one.
        same = [b for b in list_backups(folder) if b.path.name.partition("-")[0] == stamp]
        order = max((int(b.path.name.partition("-")[2] or 1) for b in same), default=0)
        target = folder / (f"{stamp}-{order + 1}" if order else stamp)
        os.rename(building, target)
    except BaseException as error:
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(error, OSError) and not error.filename:
            raise OSError(error.errno, error.strerror, str(folder)) from None
        raise
    fsync_dir(folder)
    prune(folder, is_good, keeping)
    return target


def _copy(source: Path, target: Path) -> None:
    data = source.read_bytes()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def prune(folder: Path, is_good: Callable[[Path], bool], keeping: Path | None = None) -> None:
    """Keep the newest KEEP_BACKUPS backups, the one `keeping` (being restored from), and the
    newest good copy of every file the older ones hold; remove the rest."""
    backups = list_backups(folder)
    old = [b for b in backups[:-KEEP_BACKUPS] if b.path != keeping]
    if not old:
        return
    candidates = {b.path for b in old}
    for name in {f.name for b in old for f in b.files}:
        for backup in reversed(backups):  # newest first: stop at the newest good copy
            copy = backup.path / name
            if copy in backup.files and is_good(copy):
                candidates.discard(backup.path)
                break
    for path in sorted(candidates):
        with contextlib.suppress(OSError):
            shutil.rmtree(path)
