"""The one error family the domain raises; the CLI turns each into one `Error:` line."""

from __future__ import annotations

# pathlib is for the annotation only: a shell prompt's `fibrolog status` imports this module,
# and pathlib's import costs nearly as much as Python's own start-up. (Type checkers read
# TYPE_CHECKING as true; typing.TYPE_CHECKING would import typing, which costs half as much.)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


class FibrologError(Exception):
    """Something went wrong that the user should read about; exit code 1."""

    exit_code = 1


class UsageProblem(FibrologError):
    """A value the user typed is not valid (pain 11, an unknown area, a bad date); exit 2."""

    exit_code = 2


class CorruptDiary(FibrologError):
    """A diary file is not valid JSON, not of the expected shape, or from a newer fibrolog."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class LockTimeout(FibrologError):
    """Another fibrolog held the diary lock for longer than the timeout."""


class NotFound(FibrologError):
    """No entry has the id the user named."""
