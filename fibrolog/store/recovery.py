"""When a diary file is damaged: find every problem, put a backup back, or save what can
still be read of a file no backup holds whole (SPEC §1).

Each works on a damaged diary (none needs the current files to parse) and changes files only
under the diary's lock, after backing up what it replaces; a damaged file is never
overwritten: `salvage` first keeps it beside the diary.
"""

import contextlib
import json
import re
import shlex
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from msgspec import Struct

from fibrolog.errors import CorruptDiary, FibrologError
from fibrolog.models import Course, Entry, InvalidEntry
from fibrolog.store.backups import Backup
from fibrolog.store.diary import Diary
from fibrolog.store.documents import STORED_FIELDS, Meta, course_document, entry_document
from fibrolog.store.safefile import atomic_write
from fibrolog.store.storage import (
    DIARY_FILE,
    ENTRIES,
    META,
    BadEntry,
    Tables,
    dump_tables,
    load_tables,
    table_of,
)
from fibrolog.text import plural

# treatments.json's course counter as it is written, found in the text of a damaged file
COURSE_COUNTER = re.compile(rb'"_meta"\s*:\s*\{\s*"1"\s*:\s*\{\s*"next_id"\s*:\s*(\d+)')


class Restored(Struct, frozen=True):
    """What a restore did: the files put back, the backup made of what they replaced, the ids
    of the entries it brings back (deleted since), undoes the changes of (edited since) and
    leaves out (added since), and the replaced files too damaged to count."""

    files: tuple[str, ...]
    safety: Path | None
    brought_back: tuple[int, ...]
    reverted: tuple[int, ...]
    left_out: tuple[int, ...]
    unreadable: tuple[str, ...]


class Salvaged(Struct, frozen=True):
    """What a salvage did: documents kept, documents found but unreadable, where the damaged
    file went, and the id counter now."""

    file: str
    kept: int
    lost: int
    damaged_copy: Path | None  # None: the file was whole, and nothing was done
    next_id: int


def readable_documents(raw: bytes) -> tuple[dict[str, dict[str, Any]], int]:
    """Every document of a damaged TinyDB file that can still be read whole, by its key, and
    how many more were begun but cannot be read.

    A document is `"<id>":{…}`; each such place is read as one JSON object on its own, so a
    file cut off or garbled in one place still gives up everything before and after it.
    (Inside a JSON string a quote is escaped, so note text cannot pass for a key.)
    """
    text = raw.decode("utf-8", errors="replace")
    decoder = json.JSONDecoder()
    found: dict[str, dict[str, Any]] = {}
    broken: set[str] = set()
    for match in re.finditer(r'"(\d+)"\s*:\s*\{', text):
        try:
            body, _ = decoder.raw_decode(text, match.end() - 1)
        except ValueError:
            broken.add(match[1])
            continue
        if isinstance(body, dict) and match[1] not in found:
            found[match[1]] = body
    return found, len(broken - found.keys())


def _by_uid(path: Path) -> dict[str, tuple[int, Any]] | None:
    """The entries of a year file by uid, as (id, document); None if it does not parse."""
    try:
        tables = load_tables(path, ENTRIES)
    except CorruptDiary:
        return None
    documents = (tables or {}).get(ENTRIES, {}).items()
    return {str(doc.get("uid")): (int(key), doc) for key, doc in documents}


class Checkup(NamedTuple):
    """What `check` finds: every problem, with the file it is in (None: between files), and
    how many entries it read whole (each id once)."""

    problems: list[tuple[str, Path | None]]
    entries: int


def problems(diary: Diary) -> list[tuple[str, Path | None]]:
    """Every problem found in the diary, with the file it is in (None: between files).

    Read-only: not even the lock file is created."""
    return checkup(diary).problems


def checkup(diary: Diary) -> Checkup:
    """Every problem found in the diary, and how many entries it holds (see `Checkup`): one
    reading of every file. Read-only: not even the lock file is created."""
    found: list[tuple[str, Path | None]] = []
    try:
        meta: Meta | None = diary.read_meta()
    except CorruptDiary as error:
        found.append((str(error), diary.meta_path))
        meta = None
    seen: dict[int, str] = {}
    uids: dict[str, str] = {}
    all_ids: set[int] = set()  # valid or not, every id in a file has been handed out

    def place(entry_id: int, uid: str, path: Path) -> None:
        """Note a valid entry's id and uid, and whether another file has either."""
        if entry_id in seen:
            message = (
                f"entry #{entry_id} is in both {seen[entry_id]} and {path.name} "
                "(an interrupted edit can leave this; delete one copy)"
            )
            found.append((message, None))
        elif uid in uids:
            found.append((f"entries in {uids[uid]} and {path.name} share uid {uid}", None))
        seen[entry_id] = path.name
        uids[uid] = path.name

    for year in diary.years():
        path = diary.year_path(year)
        # A year proved whole at once (in C and a few passes over it: ten times faster at
        # 100 000 entries); only a year that fails is gone through document by document, to
        # name each problem.
        proven = diary.proven_year(year)
        if proven is not None:
            ids, uids_here = map(attrgetter("id"), proven), map(attrgetter("uid"), proven)
            year_uids = dict(zip(ids, uids_here, strict=True))
            all_ids.update(year_uids)
            twice = (
                not seen.keys().isdisjoint(year_uids)
                or not uids.keys().isdisjoint(year_uids.values())
                or len(set(year_uids.values())) < len(proven)
            )
            if twice:  # an id or a uid seen twice: find which
                for checked in proven:
                    place(checked.id, checked.uid, path)
            else:
                seen.update(dict.fromkeys(year_uids, path.name))
                uids.update(dict.fromkeys(year_uids.values(), path.name))
            continue
        try:
            raw = diary.year_documents(year)
        except CorruptDiary as error:
            found.append((str(error), path))
            continue
        all_ids.update(int(key) for key in raw)
        whole = (
            diary.decoded_year(year)
            if all(d.keys() == STORED_FIELDS for d in raw.values())
            else None
        )
        for key, document in raw.items():
            if whole is not None:
                entry = whole[key]
            elif document.keys() != STORED_FIELDS:
                fields = ", ".join(sorted(document.keys() ^ STORED_FIELDS))
                message = f"{path} is damaged: entry #{key} has missing or extra fields"
                found.append((f"{message} ({fields})", path))
                continue
            else:
                try:
                    entry = diary.entry_from(year, key, document)
                except CorruptDiary as error:
                    found.append((str(error), path))
                    continue
            place(entry.id, entry.uid, path)
    if meta is not None and all_ids and meta.next_id <= max(all_ids):
        found.append(
            (
                f"{diary.meta_path.name}: next_id {meta.next_id} is not above "
                f"the highest id {max(all_ids)}",
                diary.meta_path,
            )
        )
    if diary.assessments_path.exists():
        try:
            load_tables(diary.assessments_path, "assessments")
        except CorruptDiary as error:
            found.append((str(error), diary.assessments_path))
    if diary.courses_path.exists():
        try:
            diary.courses()
        except CorruptDiary as error:
            found.append((str(error), diary.courses_path))
    return Checkup(found, len(seen))


def good_backup_of(diary: Diary, path: Path) -> Backup | None:
    """The newest backup holding a copy of `path` that parses."""
    for backup in reversed(diary.backups()):
        copy = backup.path / path.name
        if copy.exists():
            try:
                load_tables(copy, table_of(path.name))
            except CorruptDiary:
                continue
            return backup
    return None


def damaged_files(backup: Backup) -> list[str]:
    """The files of a backup that do not parse (a copy of a file that was damaged)."""
    damaged = []
    for copy in backup.files:
        try:
            load_tables(copy, table_of(copy.name))
        except CorruptDiary:
            damaged.append(copy.name)
    return damaged


def find_backup(diary: Diary, name: str, files: Iterable[str] = ()) -> Backup:
    """The backup called `name`; "latest" is the newest with good copies of `files` (of
    all its files, if none are named): a copy taken of a damaged file never counts."""
    backups = diary.backups()
    if not backups:
        raise FibrologError(f"there are no backups in {diary.backups_dir}")
    if name == "latest":
        wanted = set(files)
        for backup in reversed(backups):
            names = {f.name for f in backup.files}
            damaged = set(damaged_files(backup))
            if wanted <= names and not (damaged & (wanted or names)):
                return backup
        raise FibrologError(
            "no backup holds good copies of "
            + (", ".join(sorted(wanted)) if wanted else "all its files")
            + "; `fibrolog backups` lists them, damaged ones marked"
        )
    for backup in backups:
        if backup.path.name == name:
            return backup
    raise FibrologError(f"no backup named {name!r}; `fibrolog backups` lists them")


def restore_backup(diary: Diary, backup: Backup, only: Iterable[str] = ()) -> Restored:
    """Put the backup's files (or just those named in `only`) back, after backing up the
    files they replace. meta.json is always rewritten with a counter above every id known.

    Works on a damaged diary (it never needs the current files to parse); refuses a
    backup whose own files do not parse. Says how the entries change: those the backup
    brings back, and those it does not hold (they stay in the backup made first).
    """
    wanted = set(only)
    files = [f for f in backup.files if not wanted or f.name in wanted]
    missing = wanted - {f.name for f in files}
    if missing:
        raise FibrologError(f"backup {backup.path.name} has no {sorted(missing)[0]}")
    for copy in files:
        load_tables(copy, table_of(copy.name))
    with diary.transaction() as changes:
        _refuse_a_half_undone_move(diary, backup, files)
        replaced = {diary.folder / copy.name for copy in files} | {diary.meta_path}
        now: dict[str, tuple[int, Any]] = {}  # over all the year files put back: an entry
        then: dict[str, tuple[int, Any]] = {}  # moved between two of them is one entry
        unreadable = []
        for copy in files:
            if not copy.name[:4].isdigit():
                continue
            current = _by_uid(diary.folder / copy.name)
            then.update(_by_uid(copy) or {})
            if current is None:
                unreadable.append(copy.name)
            else:
                now.update(current)
        brought_back = tuple(sorted(then[u][0] for u in then.keys() - now.keys()))
        left_out = tuple(sorted(now[u][0] for u in now.keys() - then.keys()))
        reverted = tuple(sorted(then[u][0] for u in then.keys() & now.keys() if then[u] != now[u]))
        if unreadable:  # what the damaged files held cannot be told apart
            brought_back = left_out = reverted = ()
        safety = diary.backup(sorted(replaced), keeping=backup.path)
        known_ids = diary.ids_in_year_files()  # ids of the files about to be replaced count
        for copy in files:
            if copy.name == "meta.json":
                continue  # rewritten below
            data = copy.read_bytes()
            if copy.name == diary.courses_path.name:  # its counter above every course known
                courses = load_tables(copy, table_of(copy.name)) or {}
                courses[META] = {"1": {"next_id": diary.course_counter()}}
                data = dump_tables(courses)
            changes.write(diary.folder / copy.name, data)
        diary.settle_counter(known_ids, changes)
        names = tuple(f.name for f in files)
        return Restored(names, safety, brought_back, reverted, left_out, tuple(unreadable))


def _refuse_a_half_undone_move(diary: Diary, backup: Backup, files: list[Path]) -> None:
    """An edit that moved an entry to another year changed both year files, and its backup
    holds both. Restoring one of them alone would leave the entry in both years: refuse,
    and name the file to restore with it."""
    restored = {copy.name for copy in files if copy.name[:4].isdigit()}
    coming: dict[int, str] = {}
    for copy in files:
        if copy.name in restored:
            documents = (load_tables(copy, ENTRIES) or {}).get(ENTRIES, {})
            coming.update((int(key), copy.name) for key in documents)
    in_backup = {copy.name for copy in backup.files}
    for year in diary.years():
        name = diary.year_path(year).name
        if name in restored or name not in in_backup:
            continue
        try:
            staying = {int(key) for key in diary.year_documents(year)}
        except CorruptDiary:
            continue
        both = sorted(staying & coming.keys())
        if both:
            raise FibrologError(
                f"restoring {coming[both[0]]} alone would leave entry #{both[0]} in both it "
                f"and {name}; restore {name} from backup {backup.path.name} with it "
                f"(--file {coming[both[0]]} --file {name})"
            )


def _keepable(name: str, found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Of the documents read from a damaged file, those that pass the rules, as stored."""
    kept: dict[str, Any] = {}
    for key, body in found.items():
        if name == "assessments.json":
            if isinstance(body.get("kind"), str) and isinstance(body.get("at"), str):
                kept[key] = body
        elif name == "treatments.json":
            with contextlib.suppress(InvalidEntry):
                kept[key] = course_document(Course.from_dict(body, id=int(key)))
        elif name != "meta.json":
            try:
                entry = Entry.from_dict(body, id=int(key))
            except InvalidEntry:
                continue
            if entry.at.year == int(name[:4]):
                kept[key] = entry_document(entry)
    return kept


def _counted(count: int, name: str) -> str:
    """'1 entry', '120 entries', '3 courses': the documents of a diary file, counted."""
    kinds = {"assessments.json": ("assessment", None), "treatments.json": ("course", None)}
    return plural(count, *kinds.get(name, ("entry", "entries")))


def way_out(diary: Diary, path: Path) -> str:
    """The advice after a damaged file: the ways out compared, with counts, the one that
    keeps the most first. For a year file that parses but holds entries that break a rule,
    how to mend them."""
    where = shlex.quote(str(diary.folder))
    name = path.name
    if not re.fullmatch(DIARY_FILE, name):  # journal.json: fibrolog writes it whole or not
        return (
            f"fibrolog did not write this {name}; move it out of {where} and the diary's "
            "own files, untouched, are read again"
        )
    salvage = f"`fibrolog --db {where} salvage {name}`"
    backup = good_backup_of(diary, path)
    restore = f"`fibrolog --db {where} restore {backup.path.name} --file {name}`" if backup else ""
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    if name == "meta.json":
        advice = f"Rebuild it with: {salvage} (no entry is lost; ids are never reused)."
        if backup:
            advice += f" Or put back the copy in backup {backup.path.name}: {restore}"
        return advice
    mends = _mends(diary, path)
    if mends:
        return f"Mend {'it' if len(mends) == 1 else 'them'} with: {'; '.join(mends)}."
    found, broken = readable_documents(raw)
    kept = len(_keepable(name, found))
    keeps = (
        f"salvage keeps {kept} of the {_counted(len(found) + broken, name)} it finds in the "
        f"damaged file (which is kept): {salvage}"
    )
    if backup is None:
        return f"No backup holds a good copy of {name}; {keeps}."
    held = len((load_tables(backup.path / name, table_of(name)) or {}).get(table_of(name), {}))
    holds = (
        f"the newest good backup, {backup.path.name} (from {backup.made:%Y-%m-%d %H:%M}), "
        f"holds {_counted(held, name)}; restore it with: {restore}"
    )
    first, then = (keeps, holds) if kept >= held else (holds, keeps)
    return f"{first[0].upper()}{first[1:]}. Or: {then}."


def restore_counts(diary: Diary, backup: Backup, only: Iterable[str] = ()) -> str:
    """What a restore would swap, counted, for its question: "2026.json: 1 entry in the
    backup, 120 now"; a damaged current file says what salvage would keep instead."""
    wanted = set(only)
    parts = []
    for copy in backup.files:
        if not copy.name[:4].isdigit() or (wanted and copy.name not in wanted):
            continue
        held = len((load_tables(copy, ENTRIES) or {}).get(ENTRIES, {}))
        current = diary.folder / copy.name
        try:
            now = f"{len((load_tables(current, ENTRIES) or {}).get(ENTRIES, {}))} now"
        except CorruptDiary:
            found, _ = readable_documents(current.read_bytes())
            now = f"damaged now, where salvage would keep {len(_keepable(copy.name, found))}"
        parts.append(f"{copy.name}: {held} in the backup, {now}")
    return "; ".join(parts)


def _mends(diary: Diary, path: Path) -> list[str]:
    """The edits that mend the entries of a year file that parses but breaks a rule."""
    if not path.name[:4].isdigit():
        return []
    try:
        documents = load_tables(path, ENTRIES) or {}
    except CorruptDiary:
        return []
    mends = []
    for key, document in documents.get(ENTRIES, {}).items():
        try:
            diary.entry_from(int(path.name[:4]), key, document)
        except BadEntry as error:
            mends.append(f"`{error.mend()}`")
        except CorruptDiary:
            continue
    return mends


def is_whole(diary: Diary, name: str) -> bool:
    """Whether a diary file parses and every document in it passes the rules: then salvage
    has nothing to do (and must not leave a damaged copy that `check` would report)."""
    path = diary.folder / name
    try:
        if name == "meta.json":
            diary.read_meta()
        elif name == "treatments.json":
            diary.courses()
        elif name == "assessments.json":
            diary.assessments()
        else:
            for key, document in diary.year_documents(int(name[:4])).items():
                diary.entry_from(int(name[:4]), key, document)
    except CorruptDiary:
        return False
    return path.exists()


def salvage_file(diary: Diary, name: str) -> Salvaged:
    """Save what can still be read of a damaged diary file.

    The damaged file is kept beside the diary as `<name>.damaged-<time>`; a fresh file
    takes its place with every entry (or assessment) that can still be read whole and
    passes the rules; meta.json is rebuilt with an id counter above every id still
    known. A crash at any moment leaves the damaged file or its copy, and ids are never
    handed out twice.
    """
    path = diary.folder / name
    if not re.fullmatch(DIARY_FILE, name):
        raise FibrologError(
            f"{name!r} is not a diary file; salvage works on meta.json, a year file "
            "such as 2026.json, assessments.json or treatments.json"
        )
    missing = FibrologError(f"there is no {name} in {diary.folder}")
    if not path.exists():  # before the lock, which would make the folder
        raise missing
    with diary.transaction() as changes:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:  # gone since
            raise missing from None
        if is_whole(diary, name):
            return Salvaged(name, 0, 0, None, diary.read_meta().next_id)
        aside = diary.folder / f"{name}.damaged-{datetime.now():%Y%m%dT%H%M%S}"
        atomic_write(aside, raw)  # first: whatever happens next, the damaged file is kept
        found, broken = readable_documents(raw)
        kept = _keepable(name, found)
        if name != "meta.json":
            tables: Tables = {table_of(name): kept}
            if name == "treatments.json":  # course numbers are never handed out twice either
                seen = [int(key) for key in found] + [0]
                own = COURSE_COUNTER.search(raw)  # the damaged file's counter, if it survived
                next_id = diary.course_counter(max(seen) + 1 + broken, int(own[1]) if own else 1)
                tables[META] = {"1": {"next_id": next_id}}
            changes.write(path, dump_tables(tables))
        known = [int(key) for key in found] if name[:4].isdigit() else []
        counter = diary.settle_counter(known, changes)
        lost = 0 if name == "meta.json" else len(found) - len(kept) + broken
        if name == "treatments.json":
            lost -= sum(1 for body in found.values() if set(body) == {"next_id"})
        return Salvaged(name, len(kept), lost, aside, counter.next_id)
