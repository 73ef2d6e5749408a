"""Bringing another copy of the diary into it (issue 19): the conflict copies a sync tool left
beside it, another diary folder or an export (`fibrolog merge`), one file of a git merge
(`fibrolog merge-driver`).

Each copy is read strictly as a `merge.Side`, merged by uid (merge.py), and the result written
back under the diary's lock, after a backup of every file it changes and of the copies
themselves (in the backup's `copies/`, where a restore does not pick them up).
changes.json goes first (it only grows: tombstones and edits), then the other files as one
transaction (journal.py: the old set or the new, whatever happens); a conflict copy is removed
only after that. A crash at any instant leaves the copies beside the diary, and the next
command merges them again: merging is idempotent, so it ends where the uninterrupted merge
would have (numbers handed out in between aside).
"""

import os
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec

from fibrolog.errors import CorruptDiary, FibrologError
from fibrolog.models import Course, Entry, InvalidEntry
from fibrolog.store.changes import NAME as CHANGES
from fibrolog.store.changes import Changes, decode_changes, encode_changes
from fibrolog.store.conflicts import GIT_NOTE, copies
from fibrolog.store.diary import Diary
from fibrolog.store.documents import StoredEntry, course_document, entry_document
from fibrolog.store.merge import Document, Gone, Report, Side, merge, union
from fibrolog.store.migrations import current_schema
from fibrolog.store.safefile import atomic_write, ensure_private_dir, fsync_dir
from fibrolog.store.storage import COURSES, ENTRIES, META, dump_tables, load_tables, table_of
from fibrolog.text import plural

Files = dict[str, Any]  # a diary file's name → its JSON object
MERGE_NOTE = "merge.txt"  # in a backup made before a merge: what the merge did
META_FILE = "meta.json"
COURSES_FILE = "treatments.json"
ASSESSMENTS_FILE = "assessments.json"


def is_diary_file(name: str) -> bool:
    """One of the files a diary folder holds (what git's merge driver may be given)."""
    stem = name.removesuffix(".json")
    return name.endswith(".json") and (
        stem in ("meta", "assessments", "treatments", "changes")
        or (len(stem) == 4 and stem.isascii() and stem.isdigit())
    )


def read_file(path: Path, name: str) -> tuple[Any, Side]:
    """The diary file `name` (or a copy of it at `path`), strictly read: its JSON object and
    what it holds. CorruptDiary names the file and what is wrong."""
    if name == CHANGES:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise FibrologError(f"cannot read {path}: {error.strerror}") from None
        changes = decode_changes(raw, path)
        return msgspec.to_builtins(changes), Side(deleted=changes.deleted, edited=changes.edited)
    table = table_of(name)
    year_file = name[:4].isdigit()
    tables = load_tables(path, table, StoredEntry if year_file else None)
    if tables is None:
        raise FibrologError(f"{path} has gone")
    data: dict[str, dict[str, Any]] = msgspec.to_builtins(tables)
    documents = [{**doc, "id": int(key)} for key, doc in data[table].items()]
    if name == "meta.json":
        record = data[META].get("1") or {}
        schema, next_id = record.get("schema"), record.get("next_id")
        if not isinstance(schema, int) or not isinstance(next_id, int) or next_id < 1:
            raise CorruptDiary(f"{path} is damaged: no valid 'schema' and 'next_id'", path)
        if schema > current_schema():
            raise CorruptDiary(f"{path} has schema {schema}, made by a newer fibrolog")
        return data, Side(next_entry=next_id)
    if year_file:
        for doc in documents:
            if not doc["at"][:4].isdigit():
                raise CorruptDiary(f"{path} is damaged: entry #{doc['id']} has a bad time", path)
        return data, Side(entries=documents)
    if name == "treatments.json":
        for doc in documents:
            try:
                Course.from_dict(doc)
            except InvalidEntry as error:
                raise CorruptDiary(
                    f"{path} is damaged: course #{doc['id']}: {error}", path
                ) from None
        counter = data.get(META, {}).get("1", {}).get("next_id")
        return data, Side(courses=documents, next_course=counter if isinstance(counter, int) else 1)
    for doc in documents:
        if not isinstance(doc.get("kind"), str) or not isinstance(doc.get("at"), str):
            message = f"{path} is damaged: assessment #{doc['id']} lacks kind or at"
            raise CorruptDiary(message, path)
    return data, Side(assessments=documents)


def read_diary(diary: Diary) -> tuple[Files, Side]:
    """Every file of a diary folder, strictly read, and all it holds as one side."""
    diary.read_meta()  # a missing meta.json beside year files, a newer schema: refused
    before: Files = {}
    sides = []
    for path in diary.data_files():
        before[path.name], side = read_file(path, path.name)
        sides.append(side)
    return before, union(*sides)


def files_of(merged: Side, before: Files) -> Files:
    """The files that hold a merged side (every file `before` had, too: emptied if need be)."""
    after: Files = {
        META_FILE: {META: {"1": {"schema": current_schema(), "next_id": merged.next_entry}}}
    }
    by_year: dict[str, dict[str, Document]] = {name: {} for name in before if name[:4].isdigit()}
    for doc in merged.entries:
        by_year.setdefault(f"{doc['at'][:4]}.json", {})[str(doc["id"])] = _without_id(doc)
    for name in sorted(by_year):
        after[name] = {ENTRIES: by_year[name]}
    if merged.courses or COURSES_FILE in before or merged.next_course > 1:
        after[COURSES_FILE] = {
            COURSES: {str(doc["id"]): _without_id(doc) for doc in merged.courses},
            META: {"1": {"next_id": merged.next_course}},
        }
    if merged.assessments or ASSESSMENTS_FILE in before:
        documents = {str(doc["id"]): _without_id(doc) for doc in merged.assessments}
        after[ASSESSMENTS_FILE] = {"assessments": documents}
    if merged.deleted or merged.edited or CHANGES in before:
        after[CHANGES] = msgspec.to_builtins(Changes(merged.deleted, merged.edited))
    return after


def _without_id(doc: Document) -> Document:
    return {key: value for key, value in doc.items() if key != "id"}


def _encode(name: str, data: Any) -> bytes:
    if name == CHANGES:
        return encode_changes(msgspec.convert(data, Changes))
    return dump_tables(data)


def write_merge(
    diary: Diary, before: Files, after: Files, used: list[Path], note: str
) -> Path | None:
    """Write the files that changed, crash-safely (see the module's doc); the caller holds
    the lock. Returns the backup made first."""
    changed = [name for name in after if before.get(name) != after[name]]
    backup = diary.backup([diary.folder / name for name in changed] or [diary.meta_path])
    if backup is not None:
        if used:
            ensure_private_dir(backup / "copies")
            for copy in used:
                atomic_write(backup / "copies" / copy.name, copy.read_bytes())
        atomic_write(backup / MERGE_NOTE, note.encode())
    if CHANGES in changed:  # only grows (tombstones, edits), so it may go first, alone
        atomic_write(diary.folder / CHANGES, _encode(CHANGES, after[CHANGES]))
    with diary.transaction() as transaction:  # the rest all or nothing (journal.py)
        for name in changed:
            if name != CHANGES:
                transaction.write(diary.folder / name, _encode(name, after[name]))
    for copy in used:  # only now: every merged file is in place
        copy.unlink(missing_ok=True)
    if used:
        fsync_dir(diary.folder)
    return backup


def merge_copies(diary: Diary) -> list[str]:
    """Merge the conflict copies beside the diary (and settle it after a git merge): the
    lines to tell the user. Leaves everything as it is if the diary itself is damaged (the
    command then says so) and keeps a copy that cannot be read (`check` lists it)."""
    with diary.locked():
        try:
            names = os.listdir(diary.folder)
        except FileNotFoundError:
            return []
        found = copies(names)
        settle = GIT_NOTE in names
        if not found and not settle:
            return []
        try:
            before, local = read_diary(diary)
        except FibrologError:
            return []
        lines, sides, used = [], [], []
        for copy, original in found:
            try:
                sides.append(read_file(diary.folder / copy, original)[1])
            except FibrologError as error:
                lines.append(f"Could not merge {copy}: {error}. It is left as it is.")
                continue
            used.append(diary.folder / copy)
        merged, report = merge(local, union(*sides))
        originals = [original for copy, original in found if diary.folder / copy in used]
        what = _listed([*dict.fromkeys(originals)]) or "the files git merged"
        if used:
            what = f"the conflict cop{'y' if len(used) == 1 else 'ies'} of {what}"
        note = describe(report, what, datetime.now().astimezone())
        backup = write_merge(diary, before, files_of(merged, before), used, note)
        if settle:
            (diary.folder / GIT_NOTE).unlink(missing_ok=True)
        if used or report.changed():
            lines.insert(0, note + (f" (backup {backup.name})" if backup else ""))
        return lines


def side_of(entries: list[Entry], courses: list[Course], assessments: list[dict[str, Any]]) -> Side:
    """What an export holds, as a side (no tombstones, no edit times: an export has none)."""
    return Side(
        entries=[{**entry_document(e), "id": e.id} for e in entries],
        courses=[{**course_document(c), "id": c.id} for c in courses],
        assessments=[{**a, "id": 0} for a in assessments],
    )


def read_folder(path: Path, diary: Diary) -> Side:
    """Another diary folder, read (without its lock: every file is replaced whole)."""
    if path.resolve() == diary.folder.resolve():
        raise FibrologError(f"{path} is this diary itself; name another copy to merge")
    other = Diary(path)
    if not other.exists():
        raise FibrologError(f"{path} holds no fibrolog diary")
    return read_diary(other)[1]


def merge_from(
    diary: Diary, other: Side, source: str, now: datetime, dry_run: bool
) -> tuple[Report, str]:
    """Merge another copy (a folder's or an export's side) into the diary; the report and
    the line that says what was (or, with `dry_run`, would be) done."""
    path = source
    with diary.locked():
        before, local = read_diary(diary)
        merged, report = merge(local, other)
        note = describe(report, str(path), now)
        if dry_run:
            return report, f"Would merge: {note.removeprefix('Merged ')}"
        if not report.changed() and files_of(merged, before) == before:
            return report, f"Nothing to merge: {path} holds nothing this diary lacks."
        backup = write_merge(diary, before, files_of(merged, before), [], note)
        return report, note + (f" (backup {backup.name})" if backup else "")


def describe(report: Report, source: str, now: datetime) -> str:
    """One line: what a merge did."""
    parts = []
    for kind, label in (
        ("entry", "entry"),
        ("course", "treatment course"),
        ("assessment", "self-assessment"),
    ):
        added = [c for c in report.added if c.kind == kind]
        if added:
            parts.append(
                f"{plural(len(added), label, 'entries' if kind == 'entry' else None)} added"
            )
    if report.edited:
        parts.append(f"{len(report.edited)} changed by a later edit")
    if report.deleted:
        parts.append(f"{len(report.deleted)} deleted")
    words = {"entry": "entry", "course": "course", "assessment": "self-assessment"}
    for change in report.renumbered:
        where = " from the other copy" if change.theirs else ""
        parts.append(f"{words[change.kind]} #{change.was}{where} is now #{change.number}")
    for change in report.conflicts:
        parts.append(
            f"{words[change.kind]} #{change.number} was edited in both copies: the later edit "
            f"({change.when[:16].replace('T', ' ')}) is kept, the other is in the backup"
        )
    return f"Merged {source}: {'; '.join(parts) or 'nothing new'}."


def _listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)


def last_merge(diary: Diary) -> tuple[datetime, str] | None:
    """When the last merge happened and what it did (from the backup made before it)."""
    for backup in reversed(diary.backups()):
        note = backup.path / MERGE_NOTE
        if note.exists():
            return backup.made, note.read_text(errors="replace").strip()
    return None


def sync_problems(diary: Diary) -> list[str]:
    """For `check`: a damaged changes.json, and conflict copies that cannot be read (the
    ones that can are merged by the next command). Reads only."""
    found = []
    if diary.changes_path.exists():
        try:
            read_file(diary.changes_path, CHANGES)
        except FibrologError as error:
            found.append(str(error))
    try:
        names = os.listdir(diary.folder)
    except FileNotFoundError:
        return found
    for copy, original in copies(names):
        try:
            read_file(diary.folder / copy, original)
        except FibrologError as error:
            found.append(f"the conflict copy {copy} cannot be merged: {error}")
    return found


# -- git: one file at a time ------------------------------------------------------------------


def merge_driver(ancestor: Path, ours: Path, theirs: Path, name: str) -> bool:
    """git's merge of one diary file (`%O %A %B %P`): writes the result over `ours`; False
    if the file is none of the diary's (git then reports a conflict).

    git hands over one file at a time: deletions are read from the common ancestor (what a
    side no longer holds, it deleted or moved to another year), edit times from the
    changes.json of both commits when git names them, and numbers are made unique within the
    file. The note `.merged-by-git` beside it asks the next command to settle the diary as a
    whole (numbers unique across years, the counter above them all)."""
    base = Path(name).name
    if not is_diary_file(base):
        return False
    old = read_file(ancestor, base)[1] if ancestor.stat().st_size else Side()
    mine, other = read_file(ours, base)[1], read_file(theirs, base)[1]
    _three_way(old, mine, other)
    if base != CHANGES:  # what both commits' changes.json say applies to their documents
        known = union(*_changes_in_git(Path(name).parent))
        for side in (mine, other):
            side.deleted = {**known.deleted, **side.deleted}
            side.edited = known.edited
    merged, _ = merge(mine, other)
    if base[:4].isdigit():
        data: Any = {ENTRIES: {str(doc["id"]): _without_id(doc) for doc in merged.entries}}
    else:
        data = files_of(merged, {base: None}).get(base)
    atomic_write(ours, _encode(base, data))
    folder = Path(name).parent
    if folder.is_dir():
        atomic_write(folder / GIT_NOTE, b"")
    return True


def _three_way(old: Side, mine: Side, other: Side) -> None:
    """What git's common ancestor tells: a document a side no longer holds was deleted there
    (or moved to another file); a side that left a document as it was yields to the other's
    change."""
    was = {doc.get("uid"): doc for doc in old.entries + old.courses}
    for side, across in ((mine, other), (other, mine)):
        present = {doc.get("uid") for doc in side.entries + side.courses}
        for uid in was.keys() - present:
            side.deleted = {**side.deleted, str(uid): Gone("0001-01-01T00:00:00+00:00")}
        theirs = {doc.get("uid"): doc for doc in across.entries + across.courses}
        side.entries = [d for d in side.entries if not _yields(d, was, theirs)]
        side.courses = [d for d in side.courses if not _yields(d, was, theirs)]


def _yields(doc: Document, was: dict[Any, Document], theirs: dict[Any, Document]) -> bool:
    uid = doc.get("uid")
    if uid not in was or uid not in theirs:
        return False
    unchanged = _without_id(doc) == _without_id(was[uid])
    return unchanged and _without_id(theirs[uid]) != _without_id(doc)


def _changes_in_git(folder: Path) -> list[Side]:
    """The tombstones and edits of changes.json in the commits being merged, as far as they
    can be read: HEAD, and the other one: named in a GITHEAD_ variable by a merge, or the
    commit a rebase is replaying (the last line of its `rebase-merge/done`)."""
    revisions = ["HEAD", *(key[8:] for key in os.environ if key.startswith("GITHEAD_"))]
    done = _git("rev-parse", "--git-path", "rebase-merge/done").strip()
    if done and Path(done).is_file():
        lines = Path(done).read_text(errors="replace").strip().splitlines()
        revisions += lines[-1].split()[1:2] if lines else []
    found = []
    for revision in dict.fromkeys(revisions):
        shown = _git("show", f"{revision}:{(folder / CHANGES).as_posix()}", binary=True)
        try:
            changes = decode_changes(shown, folder / CHANGES)
        except FibrologError:
            continue
        found.append(Side(deleted=changes.deleted, edited=changes.edited))
    return found


def _git(*args: str, binary: bool = False) -> Any:
    """What a git command prints, or nothing if it fails."""
    try:
        done = subprocess.run(["git", *args], capture_output=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return b"" if binary else ""
    return done.stdout if binary else done.stdout.decode(errors="replace")
