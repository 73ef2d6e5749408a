"""Crash-safe, private file primitives: atomic replace, folder fsync, the diary lock.

Every file fibrolog writes goes through `atomic_write`: a temporary file in the same folder,
made by `tempfile.mkstemp` (an unpredictable name, created exclusively, mode 0600, so a
file or symlink planted in a shared folder is never written through), flushed and fsynced,
then `os.replace`d over the target (a symlink at the target is replaced, not followed) and
the folder fsynced. A crash at any instant leaves the old file or the new one, whole.
"""

import contextlib
import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from fibrolog.errors import FibrologError, LockTimeout

FILE_MODE = 0o600
DIR_MODE = 0o700


def ensure_private_dir(path: Path) -> None:
    """Create the folder (and parents) if missing; a folder we create is 0700."""
    if not path.is_dir():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)


def make_private(path: Path) -> None:
    """Tighten an existing folder of ours to 0700 (one made under a loose umask, or copied)."""
    with contextlib.suppress(OSError):
        status = os.stat(path)
        if status.st_uid == os.getuid() and stat.S_IMODE(status.st_mode) & 0o077:
            os.chmod(path, DIR_MODE)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stage(path: Path, data: bytes | Iterable[bytes]) -> Path:
    """Write `data` durably to a new private temporary file beside `path`; return its path.

    The name is `.<name>.<random>.tmp`. A system error (a full disk, say) names `path`."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise OSError(error.errno, error.strerror, str(path)) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            if isinstance(data, bytes):
                file.write(data)
            else:
                file.writelines(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(error, OSError) and not error.filename:
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise
    return tmp


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace `path` with `data` (bytes, or pieces of them) so that a crash, or an error
    while the pieces are made, leaves the old file as it was. A missing folder is made (0700)."""
    ensure_private_dir(path.parent)
    tmp = stage(path, data)
    try:
        _before_replace(tmp, path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_output(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a file the user named (`export -o`, `report -o`): atomically, 0600, never through
    a planted link; a missing folder is refused with its path rather than made."""
    path = path.expanduser().absolute()
    if not path.parent.is_dir():
        raise FibrologError(
            f"there is no folder {path.parent}; create it first, or write elsewhere"
        )
    if path.is_dir():
        raise FibrologError(f"{path} is a folder; name a file to write")
    atomic_write(path, data)


def _before_replace(tmp: Path, target: Path) -> None:
    """A seam for fault-injection tests: runs after the temp file is durable, before the rename."""


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive flock on `path` (created 0600, never deleted) for the block.

    Polls rather than blocking so that a stuck holder gives a clear error after `timeout` s.
    A symlink planted at `path` is not followed.
    """
    ensure_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another fibrolog has held the diary lock ({path}) for over "
                        f"{timeout:g} s; try again in a moment"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def read_if_there(path: Path) -> bytes | None:
    """A diary file's bytes; None if it does not exist. Any other failure is one line naming
    the path and the system's reason."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise FibrologError(f"cannot read {path}: {error.strerror}") from None
