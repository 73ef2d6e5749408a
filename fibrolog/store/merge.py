"""Merging two copies of a diary by identity (issue 19): pure, no I/O.

Each copy is a `Side`: its stored documents (entries and courses by uid, self-assessments by
kind and time), its tombstones (uid → when it was deleted, and its number), its edits (uid →
when, and a digest of the version that edit made) and its number counters. `merge(ours,
theirs)` is the union of the two, made whole again:

- a deleted uid stays deleted (a tombstone beats any version of the document), and its
  number is never handed out again;
- a uid kept in both with different contents keeps the version edited last: a version's time
  is that of the edit that made it (an edit record whose digest matches it, from either copy,
  so a shared changes.json never credits one version with another's edit), else the entry's
  `logged`; equal times are settled by the documents' bytes, so either order gives the same;
- every document gets one number: earliest logged first, each takes the lowest of the numbers
  its versions carry that no document before it took; one left without gets a fresh number
  above every number either copy has handed out (the counters, every id seen, deleted too).

The result does not depend on which copy is "ours" (merge is commutative), and merging a
result with either of its copies, or with itself, changes nothing (idempotent). Only the
`Report` is told from our side: what came from the other copy, what changed number, what
the other copy's later edits replaced, what deletions removed.

A side may hold a uid or a number twice (a copy taken in the middle of a change, or year
files merged one at a time by git): the same rules make it whole, so `merge(side, Side())`
settles a diary.
"""

import hashlib
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any

import msgspec
from msgspec import Struct

Document = dict[str, Any]  # a stored document with its number under "id"
Key = Hashable
NEVER = datetime.min.replace(tzinfo=UTC)  # the time of a version with no time known


class Edit(Struct, frozen=True):
    """When a document was last edited, and the digest of the version that edit made."""

    at: str
    version: str


class Gone(Struct, frozen=True):
    """A tombstone: when a document was deleted, and what it was (its kind and number)."""

    at: str
    kind: str = "entry"  # or "course"
    number: int = 0


class Side(Struct):
    """One copy of a diary's documents, as the merge reads them."""

    entries: list[Document] = []
    courses: list[Document] = []
    assessments: list[Document] = []
    deleted: dict[str, Gone] = {}  # uid → its tombstone
    edited: dict[str, Edit] = {}  # uid → its last edit
    next_entry: int = 1  # meta.json's next_id
    next_course: int = 1  # treatments.json's counter


class Change(Struct, frozen=True):
    """One thing a merge did, from our copy's side: `kind` is entry, course or assessment;
    `number` the number it has now, `was` the one it had (in the other copy if `theirs`);
    `when` the time of the edit that won a conflict."""

    kind: str
    number: int
    was: int = 0
    when: str = ""
    theirs: bool = False


class Report(Struct):
    """What a merge did to our copy."""

    added: list[Change] = []  # documents only the other copy had
    renumbered: list[Change] = []  # documents whose number changed (ours or the other's)
    edited: list[Change] = []  # ours replaced by a version edited later in the other copy
    deleted: list[Change] = []  # ours removed by a deletion (a tombstone)
    conflicts: list[Change] = []  # edited in both copies: the later edit kept

    def changed(self) -> bool:
        return bool(self.added or self.renumbered or self.edited or self.deleted)


def version_of(doc: Document) -> str:
    """A short digest of a document's contents (not its number)."""
    return hashlib.blake2b(_body(doc), digest_size=8).hexdigest()


def union(*sides: Side) -> Side:
    """All the documents, tombstones and edits of several sides as one (not yet merged)."""
    whole = Side([], [], [], {}, {})
    for side in sides:
        whole.entries += side.entries
        whole.courses += side.courses
        whole.assessments += side.assessments
        whole.deleted = _earliest(whole.deleted, side.deleted)
        for uid, edit in side.edited.items():
            known = whole.edited.get(uid)
            if known is None or (_instant(edit.at), edit.at) > (_instant(known.at), known.at):
                whole.edited[uid] = edit
        whole.next_entry = max(whole.next_entry, side.next_entry)
        whole.next_course = max(whole.next_course, side.next_course)
    return whole


def merge(ours: Side, theirs: Side) -> tuple[Side, Report]:
    """The union of two copies, made whole, and what it did to ours (see the module's doc)."""
    deleted = _earliest(ours.deleted, theirs.deleted)
    edits: dict[str, list[Edit]] = {}
    for side in (ours, theirs):
        for uid, edit in side.edited.items():
            edits.setdefault(uid, []).append(edit)
    report = Report([], [], [], [], [])

    def entry_order(doc: Document) -> tuple[datetime, str]:
        return _instant(doc.get("logged")), str(doc.get("uid"))

    def course_order(doc: Document) -> tuple[str, str]:
        return str(doc.get("start")), str(doc.get("uid"))

    def assessment_order(doc: Document) -> tuple[datetime, str]:
        return _instant(doc.get("at")), str(doc.get("kind"))

    entries, next_entry = _merge_kind(
        "entry",
        (ours.entries, theirs.entries),
        edits,
        deleted,
        max(ours.next_entry, theirs.next_entry),
        _uid,
        entry_order,
        report,
    )
    courses, next_course = _merge_kind(
        "course",
        (ours.courses, theirs.courses),
        edits,
        deleted,
        max(ours.next_course, theirs.next_course),
        _uid,
        course_order,
        report,
    )
    assessments, _ = _merge_kind(
        "assessment",
        (ours.assessments, theirs.assessments),
        {},
        {},
        1,
        _assessment_key,
        assessment_order,
        report,
    )
    kept: dict[str, Edit] = {}  # the edit that made each version kept, if one did
    for doc in (*entries, *courses):
        made = _edit_of(doc, edits.get(doc["uid"], []))
        if made is not None:
            kept[doc["uid"]] = made
    merged = Side(
        entries=entries,
        courses=courses,
        assessments=assessments,
        deleted=deleted,
        edited=dict(sorted(kept.items())),
        next_entry=next_entry,
        next_course=next_course,
    )
    return merged, report


def _uid(doc: Document) -> Key:
    return doc.get("uid")


def _assessment_key(doc: Document) -> Key:
    return doc.get("kind"), doc.get("at")


def _instant(text: object) -> datetime:
    """An ISO time as an aware instant; NEVER for anything else."""
    if not isinstance(text, str):
        return NEVER
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return NEVER
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _earliest(a: dict[str, Gone], b: dict[str, Gone]) -> dict[str, Gone]:
    """Both sides' tombstones; of two for one uid, the earlier (the same either way)."""

    def key(gone: Gone) -> tuple[datetime, str, str, int]:
        return _instant(gone.at), gone.at, gone.kind, gone.number

    both = dict(a)
    for uid, gone in b.items():
        if uid not in both or key(gone) < key(both[uid]):
            both[uid] = gone
    return dict(sorted(both.items()))


def _edit_of(doc: Document, edits: list[Edit]) -> Edit | None:
    """The latest edit that made this version of a document, if any."""
    if not edits:
        return None
    version = version_of(doc)
    made = [edit for edit in edits if edit.version == version]
    return max(made, key=lambda edit: (_instant(edit.at), edit.at)) if made else None


def _body(doc: Document) -> bytes:
    """A document's contents without its number, as canonical bytes (the last tie-break)."""
    return msgspec.json.encode({k: v for k, v in doc.items() if k != "id"}, order="sorted")


def _number(doc: Document) -> int:
    number = doc.get("id")
    return number if isinstance(number, int) and not isinstance(number, bool) else 0


def _same(a: Document, b: Document) -> bool:
    """The same contents, whatever the number."""
    if a.get("id") == b.get("id"):
        return a == b  # in C: most documents of two copies are the same, number and all
    return len(a) == len(b) and all(a[k] == b.get(k) for k in a if k != "id")


class _Version(Struct):
    doc: Document
    side: int  # 0 ours, 1 theirs
    edit: Edit | None = None  # the edit that made it, if known

    def edited_at(self) -> datetime:
        return _instant(self.edit.at if self.edit else self.doc.get("logged"))


def _merge_kind(
    kind: str,
    sides: tuple[list[Document], list[Document]],
    edits: dict[str, list[Edit]],
    deleted: dict[str, Gone],
    counter: int,
    key_of: Callable[[Document], Key],
    order_of: Callable[[Document], Any],
    report: Report,
) -> tuple[list[Document], int]:
    """Merge one kind of document; returns them (numbered, by number) and the next number."""
    versions: dict[Key, list[_Version]] = {}
    reserved = {gone.number for gone in deleted.values() if gone.kind == kind and gone.number}
    floor = max([counter, *(number + 1 for number in reserved)])
    for side, docs in enumerate(sides):
        for doc in docs:
            floor = max(floor, _number(doc) + 1)  # a deleted document's number stays used
            if doc.get("uid") not in deleted:
                versions.setdefault(key_of(doc), []).append(_Version(doc, side))
    winners: dict[Key, Document] = {}
    conflicts: dict[Key, str] = {}  # edited in both copies: the winning edit's time
    claims: dict[int, list[Key]] = {}
    for key, found in versions.items():
        winners[key], when = _winner(found, edits)
        if when is not None:
            conflicts[key] = when
        for number in sorted({_number(v.doc) for v in found} - {0}):
            claims.setdefault(number, []).append(key)
    orders: dict[Key, Any] = {}

    def order(key: Key) -> Any:
        if key not in orders:
            orders[key] = (order_of(winners[key]), _body(winners[key]))
        return orders[key]

    # Earliest first, each document takes the lowest of its numbers not yet taken (a deleted
    # document's number is taken for good). Only the documents that share a number with
    # another, or carry a deleted one, need that order; each of the others takes its lowest
    # number whatever the order.
    numbers_of: dict[Key, list[int]] = {}
    for number in sorted(claims):
        for key in claims[number]:
            numbers_of.setdefault(key, []).append(number)
    contested = {
        key
        for number, claimers in claims.items()
        if len(claimers) > 1 or number in reserved
        for key in claimers
    }
    owned = {key: numbers[0] for key, numbers in numbers_of.items() if key not in contested}
    taken = set(owned.values()) | reserved
    fresh = []
    for key in sorted(contested, key=order):
        free = [number for number in numbers_of[key] if number not in taken]
        if free:
            owned[key] = free[0]
            taken.add(free[0])
        else:
            fresh.append(key)
    fresh += sorted((key for key in winners if key not in numbers_of), key=order)
    for offset, key in enumerate(fresh):
        owned[key] = floor + offset
    floor += len(fresh)
    merged = sorted(({**winners[key], "id": owned[key]} for key in winners), key=_number)
    _tell(kind, sides, key_of, owned, winners, report)
    report.conflicts += [Change(kind, owned[key], 0, when) for key, when in conflicts.items()]
    return merged, floor


def _winner(found: list[_Version], edits: dict[str, list[Edit]]) -> tuple[Document, str | None]:
    """The version to keep: the last edited, then the greater bytes (the same either way);
    and when both copies had edited it, the time of the edit kept."""
    first = found[0].doc
    if all(_same(v.doc, first) for v in found[1:]):
        return first, None
    for version in found:
        version.edit = _edit_of(version.doc, edits.get(str(version.doc.get("uid")), []))
    best = max(found, key=lambda v: (v.edited_at(), _body(v.doc)))
    if len({v.side for v in found if v.edit is not None}) == 2 and best.edit is not None:
        return best.doc, best.edit.at
    return best.doc, None


def _tell(
    kind: str,
    sides: tuple[list[Document], list[Document]],
    key_of: Callable[[Document], Key],
    numbers: dict[Key, int],
    winners: dict[Key, Document],
    report: Report,
) -> None:
    """Fill the report from our side."""
    ours: dict[Key, Document] = {}
    for doc in sides[0]:
        ours.setdefault(key_of(doc), doc)
    theirs: dict[Key, Document] = {}
    for doc in sides[1]:
        theirs.setdefault(key_of(doc), doc)
    for key, number in numbers.items():
        mine = ours.get(key)
        if mine is None:
            was = _number(theirs[key])
            report.added.append(Change(kind, number, was, theirs=True))
            if was and was != number:
                report.renumbered.append(Change(kind, number, was, theirs=True))
            continue
        if _number(mine) and _number(mine) != number:
            report.renumbered.append(Change(kind, number, _number(mine)))
        if not _same(mine, winners[key]):
            report.edited.append(Change(kind, number, _number(mine)))
    for key, doc in ours.items():
        if key not in numbers:
            report.deleted.append(Change(kind, _number(doc), _number(doc)))
