"""Clinical self-assessments, scored exactly: the ACR 2016 fibromyalgia criteria (Wolfe et al.
2016) and the Revised Fibromyalgia Impact Questionnaire (FIQR, Bennett et al. 2009). Pure.

A stored self-assessment is one of the declared record types (`Assessment`, a union tagged by
its `kind`), read from and written to the same JSON as before.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import msgspec
from msgspec import Struct

from fibrolog.errors import FibrologError, UsageProblem
from fibrolog.regions import canonical_areas, generalized_regions, wpi

SEVERITY_WORDS = (
    "0 no problem",
    "1 slight or mild, generally mild or intermittent",
    "2 moderate, considerable problems, often present",
    "3 severe: pervasive, continuous, life-disturbing",
)


class AcrAnswers(Struct, frozen=True):
    areas: tuple[str, ...]
    fatigue: int
    unrefreshed: int
    cognitive: int
    headaches: bool
    abdominal: bool
    depression: bool
    three_months: bool

    def __post_init__(self) -> None:
        for name in ("fatigue", "unrefreshed", "cognitive"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3:
                raise ValueError(f"{name} must be 0, 1, 2 or 3")
        if canonical_areas(self.areas) != self.areas:
            raise ValueError("areas must be known areas in canonical order")


class AcrResult(Struct, frozen=True):
    answers: AcrAnswers

    @property
    def wpi(self) -> int:
        return wpi(self.answers.areas)

    @property
    def sss(self) -> int:
        a = self.answers
        return a.fatigue + a.unrefreshed + a.cognitive + a.headaches + a.abdominal + a.depression

    @property
    def fs(self) -> int:
        """Fibromyalgia severity: WPI + SSS, 0–31."""
        return self.wpi + self.sss

    @property
    def generalized_regions(self) -> int:
        return generalized_regions(self.answers.areas)

    @property
    def criteria(self) -> dict[str, bool]:
        wpi_sss = (self.wpi >= 7 and self.sss >= 5) or (4 <= self.wpi <= 6 and self.sss >= 9)
        return {
            "wpi_sss": wpi_sss,
            "generalized": self.generalized_regions >= 4,
            "duration": self.answers.three_months,
        }

    @property
    def criteria_met(self) -> bool:
        return all(self.criteria.values())

    def record(self, id: int, at: datetime) -> "AcrRecord":
        """The stored form, numbered `id`, taken `at`."""
        a = self.answers
        return AcrRecord(
            id=id,
            at=at,
            areas=a.areas,
            answers=AcrReplies(
                a.fatigue,
                a.unrefreshed,
                a.cognitive,
                a.headaches,
                a.abdominal,
                a.depression,
                a.three_months,
            ),
            wpi=self.wpi,
            sss=self.sss,
            fs=self.fs,
            generalized_regions=self.generalized_regions,
            criteria=Criteria(**self.criteria),
            criteria_met=self.criteria_met,
        )

    def to_dict(self, id: int, at: datetime) -> dict[str, Any]:
        return record_json(self.record(id, at))


class AcrReplies(Struct, frozen=True):
    """The ACR 2016 answers as stored (the areas are stored beside them)."""

    fatigue: int
    unrefreshed: int
    cognitive: int
    headaches: bool
    abdominal: bool
    depression: bool
    three_months: bool


class Criteria(Struct, frozen=True):
    wpi_sss: bool
    generalized: bool
    duration: bool


class AcrRecord(Struct, frozen=True, kw_only=True, tag="acr2016", tag_field="kind"):
    """A stored ACR 2016 self-assessment."""

    id: int
    at: datetime
    areas: tuple[str, ...]
    answers: AcrReplies
    wpi: int
    sss: int
    fs: int
    generalized_regions: int
    criteria: Criteria
    criteria_met: bool


# -- FIQR ---------------------------------------------------------------------------------------

# The 21 items in our own words, true to the FIQR's meaning: 0 = no difficulty/none … 10 = worst.
FIQR_ITEMS: tuple[str, ...] = (
    # function: how hard was it, over the past 7 days, to …
    "brush or comb your hair",
    "walk continuously for 20 minutes",
    "prepare a homemade meal",
    "vacuum, scrub or sweep floors",
    "lift and carry a bag full of groceries",
    "climb one flight of stairs",
    "change the sheets on your bed",
    "sit in a chair for 45 minutes",
    "go shopping for groceries",
    # overall impact
    "how much fibromyalgia kept you from reaching your goals for the week",
    "how completely you were overwhelmed by your fibromyalgia symptoms",
    # symptoms
    "your level of pain",
    "your level of energy (10 = no energy at all)",
    "your level of stiffness",
    "the quality of your sleep (10 = awful sleep)",
    "your level of depression",
    "your level of memory problems",
    "your level of anxiety",
    "your tenderness to touch",
    "your level of balance problems",
    "your sensitivity to loud noises, bright lights, odours and cold",
)
FUNCTION = range(0, 9)
OVERALL = range(9, 11)
SYMPTOMS = range(11, 21)


def _domain_sum(answers: Sequence[int | None], items: range) -> float | None:
    """The domain's sum, scaled up by items ÷ answered when some are unanswered."""
    given = [answers[i] for i in items if answers[i] is not None]
    if not given:
        return None
    return sum(v for v in given if v is not None) * len(items) / len(given)


class FiqrResult(Struct, frozen=True):
    answers: tuple[int | None, ...]

    def __post_init__(self) -> None:
        if len(self.answers) != len(FIQR_ITEMS):
            raise ValueError(f"the FIQR has {len(FIQR_ITEMS)} items, not {len(self.answers)}")
        for value in self.answers:
            if value is not None and (isinstance(value, bool) or not 0 <= value <= 10):
                raise ValueError("each FIQR answer is a whole number from 0 to 10")
        if all(value is None for value in self.answers):
            raise ValueError("the FIQR needs at least one answer")

    @property
    def function(self) -> float | None:
        total = _domain_sum(self.answers, FUNCTION)
        return None if total is None else total / 3

    @property
    def overall(self) -> float | None:
        return _domain_sum(self.answers, OVERALL)

    @property
    def symptoms(self) -> float | None:
        total = _domain_sum(self.answers, SYMPTOMS)
        return None if total is None else total / 2

    @property
    def total(self) -> float | None:
        parts = (self.function, self.overall, self.symptoms)
        return None if any(p is None for p in parts) else sum(p for p in parts if p is not None)

    def record(self, id: int, at: datetime) -> "FiqrRecord":
        """The stored form, numbered `id`, taken `at` (scores to 2 decimals)."""

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return FiqrRecord(
            id=id,
            at=at,
            answers=self.answers,
            function=rounded(self.function),
            overall=rounded(self.overall),
            symptoms=rounded(self.symptoms),
            total=rounded(self.total),
        )

    def to_dict(self, id: int, at: datetime) -> dict[str, Any]:
        return record_json(self.record(id, at))


class FiqrRecord(Struct, frozen=True, kw_only=True, tag="fiqr", tag_field="kind"):
    """A stored FIQR self-assessment."""

    id: int
    at: datetime
    answers: tuple[int | None, ...]
    function: float | None
    overall: float | None
    symptoms: float | None
    total: float | None


# A stored self-assessment: a new questionnaire is a new record type in this union.
Assessment = AcrRecord | FiqrRecord


def read_assessments(records: Iterable[Mapping[str, Any]]) -> list[Assessment]:
    """Stored self-assessments' JSON forms → their records; one that is not a known kind of
    the known shape stops with a line naming it (the file is left as it is)."""
    found = []
    for data in records:
        try:
            found.append(msgspec.convert(data, Assessment))
        except msgspec.ValidationError as error:
            raise FibrologError(
                f"self-assessment #{data.get('id')} in assessments.json cannot be read ({error})"
            ) from None
    return found


def record_json(record: Assessment) -> dict[str, Any]:
    """The JSON form, as stored and printed: `id` first, then `kind`, the time as ISO text
    with its offset (as `datetime.isoformat` writes it)."""
    data: dict[str, Any] = msgspec.to_builtins(record, builtin_types=(datetime,))
    del data["at"]
    return {"id": data.pop("id"), "kind": data.pop("kind"), "at": record.at.isoformat(), **data}


def parse_fiqr_answers(text: str) -> tuple[int | None, ...]:
    """'3,4,-,…' (21 values, '-' for unanswered) → answers; UsageProblem says what is wrong."""
    parts = [p.strip() for p in text.replace(";", ",").split(",")]
    if len(parts) != len(FIQR_ITEMS):
        raise UsageProblem(f"give {len(FIQR_ITEMS)} answers separated by commas, not {len(parts)}")
    answers: list[int | None] = []
    for number, part in enumerate(parts, start=1):
        if part in ("-", ""):
            answers.append(None)
        elif part.isdigit() and 0 <= int(part) <= 10:
            answers.append(int(part))
        else:
            raise UsageProblem(f"answer {number} ({part!r}) must be 0–10 or '-'")
    if all(answer is None for answer in answers):
        raise UsageProblem("every answer is '-': answer at least one question")
    return tuple(answers)
