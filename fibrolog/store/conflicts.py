"""Conflict copies of the diary's files, found by their names in one directory listing.

When two devices change a file before they meet, the sync tool keeps one and saves the other
beside it under a name of its own:

- Syncthing: `2026.sync-conflict-20261203-101010-ABCDEFG.json`
- Dropbox: `2026 (Laptop's conflicted copy 2026-12-03).json`
- Nextcloud: `2026 (conflicted copy 2026-12-03 101010).json`
- OneDrive: `2026-LAPTOP.json` (the device's name, upper case as Windows gives it)

`might_be_copy` is the test run on every command (`add` too): a few string operations per
name, no regex; `copies` then decides with the exact namings. A git merge of the diary
(`fibrolog merge-driver`) leaves the note `GIT_NOTE`, which asks the next command to settle
the diary as a whole (numbers unique across the year files).
"""

import functools
import re

DIARY_STEMS = ("meta", "assessments", "treatments", "changes")
GIT_NOTE = ".merged-by-git"


def might_be_copy(name: str) -> bool:
    """Whether a name in the diary folder may be a conflict copy (or the git note).

    The diary's own files (`2026.json`, `meta.json` …) have a name of letters and digits
    before ".json"; a copy's has a space, a dash or a second dot. (cli/options.py checks the
    same before it imports this module.)"""
    if name == GIT_NOTE:
        return True
    return name.endswith(".json") and not name.startswith(".") and not name[:-5].isalnum()


@functools.cache
def _namings() -> re.Pattern[str]:
    stem = rf"(?P<stem>{'|'.join(DIARY_STEMS)}|\d{{4}})"
    syncthing = r"\.sync-conflict-\d{8}-\d{6}-[A-Za-z0-9]{7}"
    dropbox_nextcloud = r" \([^/()]*conflicted copy[^/()]*(?:\(\d+\))?[^/()]*\)"
    onedrive = r"-[A-Z0-9][A-Z0-9_-]*"  # a Windows computer name: `2026-export.json` is not one
    return re.compile(rf"{stem}(?:{syncthing}|{dropbox_nextcloud}|{onedrive})\.json")


def original_of(name: str) -> str | None:
    """The diary file a conflict copy is a copy of (`2026.json`), or None if it is none."""
    match = _namings().fullmatch(name)
    return f"{match['stem']}.json" if match else None


def copies(names: list[str]) -> list[tuple[str, str]]:
    """The conflict copies among `names`: (copy, the file it is a copy of), by name."""
    found = []
    for name in sorted(names):
        if might_be_copy(name) and (original := original_of(name)) is not None:
            found.append((name, original))
    return found
