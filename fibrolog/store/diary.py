"""The diary (SPEC §1): the one front the commands use. Writing entries (add, edit, delete,
import, clear) and settling the counters after a repair; the folder, the courses and
assessments and the reading of entries are the classes it builds on (folder.py, records.py,
reading.py). The store package is the only one that imports TinyDB."""

import contextlib
import functools
import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct
from msgspec.structs import replace
from tinydb.table import Document

from fibrolog.errors import CorruptDiary, FibrologError
from fibrolog.models import Course, Entry
from fibrolog.store.documents import CheckedEntry, Meta, entry_document
from fibrolog.store.incoming import YearFiles, content, document_of
from fibrolog.store.journal import Transaction
from fibrolog.store.migrations import current_schema
from fibrolog.store.reading import EntryReading
from fibrolog.store.safefile import atomic_write, read_if_there
from fibrolog.store.storage import ENTRIES, META, above_all, dump_tables, no_collection


class Imported(Struct, frozen=True):
    """What an import added, and how many of each kind the diary held already."""

    added: int
    skipped: int
    courses: list[Course]
    courses_skipped: int
    assessments: int
    assessments_skipped: int
    entries: list[Entry] = []  # those added, with their ids (`import_all`; a bulk import counts)


class ImportConflict(FibrologError):
    """An imported entry has the uid of a stored one but other content."""

    def __init__(self, entry_id: int, stored: dict[str, Any], theirs: dict[str, Any]) -> None:
        differ = sorted(k for k in theirs if stored.get(k) != theirs[k])
        super().__init__(
            f"entry #{entry_id} of the diary and an entry of the file share uid "
            f"{theirs['uid']} but differ in {', '.join(differ)}; nothing was imported. "
            f"Import a file without that entry, or delete #{entry_id} first to take the file's."
        )


class _Uid(Struct, gc=False):
    """What an import reads of each stored entry: its uid (the rest is skipped, in C)."""

    uid: str


class Diary(EntryReading):
    """One diary folder. Cheap to create; touches the disk only when asked."""

    # -- writing -----------------------------------------------------------------------------

    def add(self, entry: Entry) -> Entry:
        """Store a new entry with the next id. Reads and writes meta.json and one year file."""
        return self.add_many([entry])[0]

    def add_many(self, entries: Iterable[Entry]) -> list[Entry]:
        """Store new entries in one batch: meta.json once, each year file once. A batch over
        several years is one transaction (see journal.py)."""
        pending = list(entries)
        if len({e.at.year for e in pending}) < 2:
            with self.locked():
                return self._insert(self.open(every_year=False), pending)
        with self.transaction() as changes:
            return self._insert(self.open(every_year=False), pending, changes)

    def _insert(
        self, meta: Meta, pending: list[Entry], changes: Transaction | None = None
    ) -> list[Entry]:
        """Give `pending` the next ids and write them; the caller holds the lock."""
        if not pending:
            return []
        years = sorted({e.at.year for e in pending})
        tables = {year: self._open_year(year, True, changes) for year in years}
        next_id = self._next_id(meta, tables)
        stored = [replace(e, id=next_id + i) for i, e in enumerate(pending)]
        by_year: dict[int, list[Entry]] = {}
        for entry in stored:
            by_year.setdefault(entry.at.year, []).append(entry)
        if changes is None:
            self._daily_snapshot([self.meta_path, *(self.year_path(y) for y in tables)])
        # meta.json first: a crash after it wastes ids but can never hand one out twice.
        self._write_meta(replace(meta, next_id=next_id + len(stored)), changes)
        for year, batch in by_year.items():
            # Let go of each year once written: a 100k import would otherwise hold every year.
            tables.pop(year).insert_multiple(
                Document(entry_document(e), doc_id=e.id) for e in batch
            )
        return stored

    def _next_id(self, meta: Meta, tables: dict[int, Any]) -> int:
        """meta.json's counter, unless a year file holds an id at or above it (a copied or
        hand-edited folder): then one above every id any file knows. The years being written
        are parsed already; of the others only the last document's key is read (the newest
        id in a file the diary wrote), so an add stays cheap."""
        held = [int(k) for t in tables.values() for k in (t.storage.read() or {}).get(ENTRIES, {})]
        for year in self.years():
            if year not in tables:
                held.append(_last_key(self.year_path(year)))
        if max(held, default=0) < meta.next_id:
            return meta.next_id
        sources = [(self.meta_path, META), *((self.year_path(y), ENTRIES) for y in self.years())]
        return max(above_all(sources), *(i + 1 for i in held))

    def update(self, entry: Entry, when: datetime | None = None) -> Entry:
        """Replace the stored entry with the same id (an edit), backing up first. An edit
        that moves the entry to another year changes both files in one transaction. The
        edit's time (`when`, default now) goes to changes.json for merges (issue 19)."""
        with self.transaction() as changes:
            self.open()
            old_year, _ = self._find_document(entry.id)
            new_year = entry.at.year
            if not self.year_path(new_year).exists():
                # A move into a year without a file: make it, empty, so that the backup holds
                # it as it was, and restoring the backup takes the moved entry out of it again
                # (else the entry would be in both years after a restore).
                atomic_write(self.year_path(new_year), dump_tables({ENTRIES: {}}))
            tables = {
                year: self._open_year(year, False, changes, mending=[entry.id])
                for year in {old_year, new_year}
            }
            self.backup([self.year_path(y) for y in tables])
            tables[new_year].upsert(Document(entry_document(entry), doc_id=entry.id))
            if new_year != old_year:
                tables[old_year].remove(doc_ids=[entry.id])
            self._record_change(edited=[entry_document(entry)], when=when)  # issue 19
            return entry

    def delete(self, entry_ids: Iterable[int], when: datetime | None = None) -> list[Entry]:
        """Remove entries after backing up the files they live in. Ids are never reused.
        Each leaves a tombstone (uid, number and `when`) in changes.json, written first, so
        that no merge brings it back (issue 19)."""
        with self.transaction() as changes:
            self.open()
            found = [self._find(i) for i in dict.fromkeys(entry_ids)]
            years = sorted({y for y, _ in found})
            tables = {year: self._open_year(year, False, changes) for year in years}
            self.backup([*(self.year_path(y) for y in tables), self.changes_path])
            gone = [(e.uid, "entry", e.id) for _, e in found]
            self._record_change(deleted=gone, when=when)  # issue 19
            for year, table in tables.items():
                table.remove(doc_ids=[e.id for y, e in found if y == year])
            return [entry for _, entry in found]

    def import_entries(self, entries: Iterable[Entry]) -> tuple[list[Entry], int]:
        """Add entries whose uid the diary lacks; returns (added, skipped count)."""
        done = self.import_all(entries)
        return done.entries, done.skipped

    def import_all(
        self,
        entries: Iterable[Entry],
        courses: Iterable[Course] = (),
        assessments: Iterable[dict[str, Any]] = (),
    ) -> "Imported":
        """Add the entries, courses and self-assessments the diary lacks (see
        `import_documents`); the entries added come back with their ids."""
        incoming = list(entries)
        others = (list(courses), list(assessments))
        documents = [document_of(entry) for entry in incoming]
        done, added, first_id = self._import([documents], lambda: others, keep=True)
        first: dict[str, Entry] = {}
        for entry in incoming:
            first.setdefault(entry.uid, entry)
        stored = [replace(first[uid], id=first_id + i) for i, uid in enumerate(added)]
        return replace(done, entries=stored)

    def import_documents(
        self,
        batches: Iterable[Sequence[CheckedEntry]],
        others: Callable[[], tuple[list[Course], list[dict[str, Any]]]] = lambda: ([], []),
    ) -> "Imported":
        """Add the entries (proved documents, in batches), courses and self-assessments the
        diary lacks, in one transaction (all or nothing, even after a crash), after backing
        up every file it changes. `others` gives the courses and self-assessments once the
        entries are read (an export holds them after its entries).

        An entry is known by its uid, a course by its uid, an assessment by kind and time.
        An entry whose uid the diary holds with other content is a conflict: the import is
        refused (nothing changes) and the error names both. The batches are read to the
        end first, so that an error they raise at the end (an invalid entry) is told first.

        Each year file is staged once the batches move on from its year (incoming.py), so
        that years of history never sit in memory at once; nothing is in place before the
        commit, and anything staged is removed if the import fails."""
        return self._import(batches, others)[0]

    def _import(
        self,
        batches: Iterable[Sequence[CheckedEntry]],
        others: Callable[[], tuple[list[Course], list[dict[str, Any]]]],
        keep: bool = False,
    ) -> tuple["Imported", list[str], int]:
        """`import_documents`, and the uids added (with `keep`, or if changes.json needs
        them), and the first id given."""
        with self.transaction() as changes:
            try:
                return self._import_into(changes, batches, others, keep)
            except BaseException:
                changes.discard()
                raise

    def _import_into(
        self,
        changes: Transaction,
        batches: Iterable[Sequence[CheckedEntry]],
        others: Callable[[], tuple[list[Course], list[dict[str, Any]]]],
        keep: bool,
    ) -> tuple["Imported", list[str], int]:
        meta = self.open()
        known, highest = self._stored_uids()
        next_id = max(meta.next_id, highest + 1)
        years = YearFiles(self.year_path, changes, next_id)
        keep = keep or self.changes_path.exists()  # issue 19: tombstones lifted
        added: list[str] = []
        skipped = 0
        conflict: ImportConflict | None = None
        stored = _StoredDocuments(self)
        for batch in batches:
            if conflict is not None:
                continue  # read on: an invalid entry further on is told first
            uids = [document.uid for document in batch]
            if known.keys().isdisjoint(uids) and len(set(uids)) == len(uids):
                fresh: Sequence[CheckedEntry] = batch  # (the way of a new diary)
            else:
                fresh = []
                for document in batch:
                    if document.uid not in known:
                        known[document.uid] = None
                        fresh.append(document)
                        continue
                    skipped += 1
                    where = known[document.uid]
                    if where is not None:  # in the diary (not earlier in the file)
                        theirs = content(document)
                        ours = stored.document(*where)
                        if ours != theirs:
                            conflict = ImportConflict(int(where[1]), ours, theirs)
                            break
                if conflict is not None:
                    continue
                uids = [document.uid for document in fresh]
            known.update(dict.fromkeys(uids))
            if keep:
                added += uids
            start = 0  # each run of one year's documents to its year (one, or two, a piece)
            for year, run in itertools.groupby([document.at[:4] for document in fresh]):
                end = start + len(list(run))
                years.add(int(year), fresh[start:end])
                start = end
            years.write_all_but({int(document.at[:4]) for document in fresh[-1:]})
        if conflict is not None:
            raise conflict
        written = years.finish()
        new_courses, new_assessments = others()
        course_uids = {c.uid for c in self.courses()}
        fresh_courses = [c for c in new_courses if c.uid not in course_uids]
        seen = {(a["kind"], a["at"]) for a in self.assessments()}
        fresh_assessments = [a for a in new_assessments if (a["kind"], a["at"]) not in seen]
        files = [self.year_path(year) for year in written]
        files += [self.meta_path] if years.added else []
        files += [self.courses_path] if fresh_courses else []
        files += [self.assessments_path] if fresh_assessments else []
        self.backup(files)
        if years.added:
            from fibrolog.store.changes import lift  # issue 19: imported on purpose

            lift(self.folder, added)
            self._write_meta(replace(meta, next_id=next_id + years.added), changes)
        stored_courses = self._store_courses(fresh_courses, changes)
        self._store_assessments(fresh_assessments, changes)
        done = Imported(
            years.added,
            skipped,
            stored_courses,
            len(new_courses) - len(fresh_courses),
            len(fresh_assessments),
            len(new_assessments) - len(fresh_assessments),
        )
        return done, added, next_id

    def _stored_uids(self) -> tuple[dict[str, tuple[int, str] | None], int]:
        """Every stored entry's uid → its year and key, and the highest key: decoding just
        the uids, in C (a file that will not is read as dicts, which says what is wrong)."""
        known: dict[str, tuple[int, str] | None] = {}
        highest = 0
        for year in self.years():
            raw = read_if_there(self.year_path(year))
            try:
                with no_collection():
                    documents: dict[str, Any] = _uids_decoder().decode(raw or b"")[ENTRIES]
                uids = [(key, document.uid) for key, document in documents.items()]
            except (msgspec.DecodeError, KeyError):
                documents = self.year_documents(year)
                uids = [(key, str(document.get("uid"))) for key, document in documents.items()]
            for key, uid in uids:
                known[uid] = (year, key)
            highest = max([highest, *(int(key) for key in documents if key.isdigit())])
        return known, highest

    def add_all(self, entries: Iterable[Entry]) -> int:
        """Store new entries (the demo's years of them) with the next ids, in one
        transaction, a year file at a time as they come (see `import_documents`): how many."""
        with self.transaction() as changes:
            try:
                meta = self.open(every_year=False)
                next_id = self._next_id(meta, {})
                years = YearFiles(self.year_path, changes, next_id)
                for year, batch in itertools.groupby(entries, key=lambda entry: entry.at.year):
                    years.write_all_but([year])
                    years.add(year, [entry_document(entry) for entry in batch])
                years.finish()
                if years.added:
                    self._write_meta(replace(meta, next_id=next_id + years.added), changes)
                return years.added
            except BaseException:
                changes.discard()
                raise

    def clear(self) -> Path | None:
        """Empty the diary (for `demo --force`): everything is backed up first."""
        with self.transaction() as changes:
            files = self.data_files()
            backup = self.backup(files)
            for path in files:
                changes.remove(path)
            return backup

    # -- imports of courses and assessments --------------------------------------------------

    def import_assessments(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Add the self-assessments the diary lacks (the same kind at the same time is the
        same one); returns (added, skipped)."""
        done = self.import_all((), (), records)
        return done.assessments, done.assessments_skipped

    def import_courses(self, courses: Iterable[Course]) -> tuple[list[Course], int]:
        """Add the courses whose uid the diary lacks (new ids); returns (added, skipped)."""
        done = self.import_all((), courses)
        return done.courses, done.courses_skipped

    # -- after a repair (see recovery.py) ----------------------------------------------------

    def ids_in_year_files(self) -> set[int]:
        """Every entry id in the year files that still parse."""
        ids: set[int] = set()
        for year in self.years():
            with contextlib.suppress(CorruptDiary):
                ids.update(int(key) for key in self.year_documents(year))
        return ids

    def settle_counter(
        self, known_ids: Iterable[int] = (), changes: Transaction | None = None
    ) -> Meta:
        """After files were put back or rebuilt: write meta.json with a next_id above every id
        the diary has handed out that can still be known (`known_ids`, the current counter and
        every backup's, every id in the year files and in the backups' copies of them: an
        entry deleted since is in a backup only), and check the files again on next open."""
        backups = self.backups()
        sources = [(self.meta_path, META), *((b.path / "meta.json", META) for b in backups)]
        sources += [(self.year_path(year), ENTRIES) for year in self.years()]
        sources += [(f, ENTRIES) for b in backups for f in b.files if f.name[:4].isdigit()]
        meta = Meta(current_schema(), max([above_all(sources), *(i + 1 for i in known_ids)]))
        self._write_meta(meta, changes)
        self._checked = False
        if changes is None:  # issue 19: a restored entry is not deleted by the next merge
            self._lift_tombstones_of_present()
        else:
            self._after_commit.append(self._lift_tombstones_of_present)
        return meta

    def _lift_tombstones_of_present(self) -> None:
        """After a repair, an entry or course back in the diary is not deleted: take its
        tombstone away, or the next merge of copies would delete it again (issue 19)."""
        if not self.changes_path.exists():
            return
        uids: list[str] = []
        for year in self.years():
            with contextlib.suppress(CorruptDiary):
                uids += [str(doc.get("uid")) for doc in self.year_documents(year).values()]
        with contextlib.suppress(CorruptDiary):
            uids += [course.uid for course in self.courses()]
        from fibrolog.store.changes import lift

        with contextlib.suppress(CorruptDiary):
            lift(self.folder, uids)


class _StoredDocuments:
    """The stored documents an import compares with the file's: a year's, read once while
    the file's entries are in that year."""

    def __init__(self, diary: Diary) -> None:
        self.diary = diary
        self.year: int | None = None
        self.documents: dict[str, Any] = {}

    def document(self, year: int, key: str) -> dict[str, Any]:
        if year != self.year:
            self.year, self.documents = year, self.diary.year_documents(year)
        return self.documents[key]  # type: ignore[no-any-return]


@functools.cache
def _uids_decoder() -> msgspec.json.Decoder[dict[str, dict[str, _Uid]]]:
    return msgspec.json.Decoder(dict[str, dict[str, _Uid]])


def _last_key(path: Path) -> int:
    """The key of the last document in a year file the diary wrote (0 if none is found):
    read from its last bytes, without parsing the file."""
    try:
        with path.open("rb") as file:
            file.seek(max(0, file.seek(0, os.SEEK_END) - 4096))
            tail = file.read()
    except OSError:
        return 0
    keys = re.findall(rb'"(\d+)":\{"uid"', tail)
    return int(keys[-1]) if keys else 0
