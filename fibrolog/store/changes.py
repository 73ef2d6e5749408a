"""changes.json: what a merge of two copies must know beyond the documents (issue 19).

Two TinyDB tables, `deleted` (`{"1": {"uid", "at", "kind", "number"}}`) and `edited`
(`{"1": {"uid", "at", "version"}}`), shaped like every diary file (so backups, restore and
`check` read it as one):
when each entry or course was deleted (a tombstone, so that a merge never brings it back) and
when each was last edited, with a digest of the version that edit made (so that the later
edit wins, and a copy of this file never credits another version with it). Uids, times and
digests only, no health data. A diary without the file has deleted and edited nothing that a
merge needs to know: older diaries need no migration, and the entry JSON of SPEC §2 is
unchanged.

Written by `delete`, `edit` and the treatment commands under the diary's lock, atomically,
after the change itself for an edit (a crash in between leaves an edit without its time,
which then counts from when the entry was logged) and before it for a deletion (a crash in
between leaves a tombstone for an entry still there, which the next merge removes: what the
user asked for).
"""

from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct

from fibrolog.errors import CorruptDiary
from fibrolog.store.merge import Edit, Gone, version_of
from fibrolog.store.safefile import atomic_write, read_if_there

NAME = "changes.json"


class Changes(Struct):
    """The file's contents by uid."""

    deleted: dict[str, Gone] = {}
    edited: dict[str, Edit] = {}


class Tombstone(Struct, forbid_unknown_fields=True):
    uid: str
    at: str
    kind: str = "entry"
    number: int = 0


class EditRecord(Struct, forbid_unknown_fields=True):
    uid: str
    at: str
    version: str


class ChangesFile(Struct):
    """The file as stored: two TinyDB tables of numbered documents, so that the diary's
    backups, restore and `check` read it like every other diary file."""

    deleted: dict[str, Tombstone]
    edited: dict[str, EditRecord]


def read_changes(path: Path) -> Changes:
    """The file's tombstones and edit times; empty if it is missing. CorruptDiary names a
    damaged file."""
    raw = read_if_there(path)
    if raw is None:
        return Changes()
    return decode_changes(raw, path)


def decode_changes(raw: bytes, path: Path) -> Changes:
    try:
        stored = msgspec.json.decode(raw, type=ChangesFile)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise CorruptDiary(f"{path} is damaged: {error}", path) from None
    return Changes(
        {t.uid: Gone(t.at, t.kind, t.number) for t in stored.deleted.values()},
        {e.uid: Edit(e.at, e.version) for e in stored.edited.values()},
    )


def encode_changes(changes: Changes) -> bytes:
    deleted = sorted(changes.deleted.items())
    edited = sorted(changes.edited.items())
    return msgspec.json.encode(
        ChangesFile(
            {
                str(n): Tombstone(uid, gone.at, gone.kind, gone.number)
                for n, (uid, gone) in enumerate(deleted, start=1)
            },
            {
                str(n): EditRecord(uid, edit.at, edit.version)
                for n, (uid, edit) in enumerate(edited, start=1)
            },
        )
    )


def record(
    folder: Path,
    *,
    deleted: list[tuple[str, str, int]] | None = None,
    edited: list[dict[str, Any]] | None = None,
    when: datetime | None = None,
) -> None:
    """Add tombstones for the `deleted` (uid, kind, number), or edits for the `edited` documents (as
    stored, with their uid); the caller holds the diary's lock."""
    path = folder / NAME
    changes = read_changes(path)
    stamp = (when or datetime.now().astimezone()).replace(microsecond=0).isoformat()
    for uid, kind, number in deleted or []:
        changes.deleted.setdefault(uid, Gone(stamp, kind, number))
        changes.edited.pop(uid, None)
    for doc in edited or []:
        changes.edited[doc["uid"]] = Edit(stamp, version_of(doc))
    atomic_write(path, encode_changes(changes))


def lift(folder: Path, uids: list[str]) -> None:
    """Take the tombstones of `uids` away: entries brought back on purpose (an import) must
    not be deleted again by the next merge. The caller holds the diary's lock."""
    path = folder / NAME
    if not uids or not path.exists():
        return
    changes = read_changes(path)
    if any(uid in changes.deleted for uid in uids):
        for uid in uids:
            changes.deleted.pop(uid, None)
        atomic_write(path, encode_changes(changes))
