"""The diary's treatment courses (treatments.json) and self-assessments (assessments.json)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from msgspec.structs import replace
from tinydb import TinyDB
from tinydb.table import Document

from fibrolog.errors import CorruptDiary, NotFound
from fibrolog.models import Course, InvalidEntry
from fibrolog.store import storage
from fibrolog.store.documents import course_document
from fibrolog.store.folder import DiaryFolder
from fibrolog.store.journal import Transaction
from fibrolog.store.storage import COURSES, META, AtomicJSONStorage, above_all


class CourseAndAssessmentRecords(DiaryFolder):
    """A diary folder's treatment courses and self-assessments."""

    # -- self-assessments ---------------------------------------------------------------------

    def add_assessment(self, record: dict[str, Any]) -> dict[str, Any]:
        """Store a scored questionnaire (its dict form); returns it with its id.

        Assessments are never deleted, so the next id is one above the highest stored.
        """
        with self.locked():
            self.open()
            return self._store_assessments([record])[0]

    def _store_assessments(
        self, records: list[dict[str, Any]], changes: Transaction | None = None
    ) -> list[dict[str, Any]]:
        if not records:
            return []
        db = TinyDB(
            self.assessments_path,
            storage=AtomicJSONStorage,
            table="assessments",
            transaction=changes,
        )
        tables = db.storage.read() or {}
        next_id = 1 + max((int(k) for k in tables.get("assessments", {})), default=0)
        bodies = [{k: v for k, v in record.items() if k != "id"} for record in records]
        db.table("assessments", cache_size=0).insert_multiple(
            Document(body, doc_id=next_id + i) for i, body in enumerate(bodies)
        )
        return [{"id": next_id + i, **body} for i, body in enumerate(bodies)]

    def assessments(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Stored assessments, oldest first (by `at`)."""
        self.open()
        tables = storage.load_tables(self.assessments_path, "assessments") or {}
        found = []
        for key, body in tables.get("assessments", {}).items():
            if not isinstance(body.get("kind"), str) or not isinstance(body.get("at"), str):
                raise CorruptDiary(
                    f"{self.assessments_path} is damaged: assessment #{key} lacks kind or at",
                    self.assessments_path,
                )
            if kind is None or body["kind"] == kind:
                found.append({"id": int(key), **body})
        return sorted(found, key=lambda a: (datetime.fromisoformat(a["at"]), a["id"]))

    # -- treatment courses -------------------------------------------------------------------

    def courses(self) -> list[Course]:
        """Every treatment course, by start day (then id)."""
        tables = storage.load_tables(self.courses_path, COURSES) or {}
        found = []
        for key, document in tables.get(COURSES, {}).items():
            try:
                found.append(Course.from_dict(document, id=int(key)))
            except InvalidEntry as error:
                raise CorruptDiary(
                    f"{self.courses_path} is damaged: course #{key}: {error}", self.courses_path
                ) from None
        return sorted(found, key=lambda c: (c.start, c.id))

    def add_course(self, course: Course) -> Course:
        """Store a new course with the next course id (never reused)."""
        return self.add_courses([course])[0]

    def add_courses(self, courses: Iterable[Course]) -> list[Course]:
        with self.locked():
            self.open()
            self._daily_snapshot([self.courses_path])
            return self._store_courses(list(courses))

    def _store_courses(
        self, courses: list[Course], changes: Transaction | None = None
    ) -> list[Course]:
        """Give `courses` the next course ids and write them; the caller holds the lock."""
        if not courses:
            return []
        db = TinyDB(
            self.courses_path, storage=AtomicJSONStorage, table=COURSES, transaction=changes
        )
        tables = db.storage.read() or {}
        counter = tables.get(META, {}).get("1", {}).get("next_id")
        known = [int(k) for k in tables.get(COURSES, {})]
        next_id = max([counter if isinstance(counter, int) else 1, *(k + 1 for k in known)])
        stored = [replace(c, id=next_id + i) for i, c in enumerate(courses)]
        tables.setdefault(COURSES, {}).update((str(c.id), course_document(c)) for c in stored)
        tables[META] = {"1": {"next_id": next_id + len(stored)}}
        db.storage.write(tables)
        return stored

    def update_course(self, course: Course, when: datetime | None = None) -> Course:
        """Replace the stored course with the same id, backing the file up first (the edit's
        time goes to changes.json, issue 19)."""
        with self.locked():
            self.open()
            db = TinyDB(self.courses_path, storage=AtomicJSONStorage, table=COURSES)
            if str(course.id) not in (db.storage.read() or {}).get(COURSES, {}):
                raise NotFound(f"there is no course #{course.id}; `fibrolog treatment list --all`")
            self.backup([self.courses_path])
            db.table(COURSES, cache_size=0).upsert(
                Document(course_document(course), doc_id=course.id)
            )
            self._record_change(edited=[course_document(course)], when=when)  # issue 19
            return course

    def delete_course(self, course_id: int, when: datetime | None = None) -> Course:
        """Remove a course after backing the file up. Its id is never reused; it leaves a
        tombstone in changes.json (issue 19)."""
        with self.locked():
            self.open()
            found = {c.id: c for c in self.courses()}
            if course_id not in found:
                raise NotFound(f"there is no course #{course_id}; `fibrolog treatment list --all`")
            db = TinyDB(self.courses_path, storage=AtomicJSONStorage, table=COURSES)
            self.backup([self.courses_path, self.changes_path])
            gone = [(found[course_id].uid, "course", course_id)]
            self._record_change(deleted=gone, when=when)  # issue 19
            tables = db.storage.read() or {}
            if not isinstance(tables.get(META, {}).get("1", {}).get("next_id"), int):
                # keep the counter above the deleted id, so it is never handed out again
                db.table(META, cache_size=0).upsert(Document({"next_id": max(found) + 1}, doc_id=1))
            db.table(COURSES, cache_size=0).remove(doc_ids=[course_id])
            return found[course_id]

    def course_counter(self, *at_least: int) -> int:
        """For treatments.json put back or rebuilt: a course counter above every course number
        still known (the current file's, and every course and counter in the backups' copies:
        a deleted course lives on only there), and at least each of `at_least`."""
        copies = [b.path / self.courses_path.name for b in self.backups()]
        return max([above_all((path, COURSES) for path in [self.courses_path, *copies]), *at_least])
