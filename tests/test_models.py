from datetime import datetime, timedelta, timezone

import pytest

from fibrolog.models import Entry, InvalidEntry, Med, normalise_tag, tags_in_note

AT = datetime(2026, 11, 20, 21, 0, tzinfo=timezone(timedelta(hours=1)))
UID = "0123456789abcdef0123456789abcdef"


def entry(**fields: object) -> Entry:
    return Entry.build(uid=UID, at=AT, logged=AT, **fields)


def test_dict_round_trip_and_format() -> None:
    e = entry(
        id=3,
        pain=6,
        sleep_hours=6.5,
        regions=("neck",),
        tags=("stress",),
        meds=(Med("pregabalin", "75mg"),),
        symptoms={"headache": 4},
        note="x",
    )
    data = e.to_dict()
    assert data["at"] == "2026-11-20T21:00:00+01:00"
    assert data["meds"] == [{"name": "pregabalin", "dose": "75mg"}]
    assert list(data) == [
        "id",
        "uid",
        "at",
        "logged",
        "pain",
        "fatigue",
        "fog",
        "stiffness",
        "sleep_hours",
        "sleep_quality",
        "exertion",
        "regions",
        "tags",
        "meds",
        "symptoms",
        "flare",
        "note",
    ]
    assert Entry.from_dict(data) == e


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"pain": 11}, "pain must be a whole number from 0 to 10"),
        ({"pain": True}, "pain"),
        ({"fatigue": -1}, "fatigue"),
        ({"sleep_hours": 25.0}, "sleep_hours must be a number of hours from 0 to 24"),
        ({"sleep_hours": float("nan")}, "sleep_hours"),
        ({"tags": ("Bad",)}, "tags must be a list of tags made of lowercase letters"),
        ({"regions": ("neck", "elbow")}, "unknown body area 'elbow'"),
        ({"symptoms": {"headache": 12}}, "symptoms must be"),
        ({"meds": ({"name": "75mg"},)}, "may not contain ';' or a number word"),
        ({"mood": 3}, "unknown field 'mood'"),
        ({}, "at least one of"),
        ({"note": "\udcff"}, "not valid text"),
    ],
)
def test_invalid_entries_are_refused(fields: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidEntry, match=message):
        entry(**fields)


def test_an_entry_with_only_a_flare_mark_or_a_note_is_valid() -> None:
    assert entry(flare=True).flare
    assert entry(note="just tired").note == "just tired"


def test_lists_are_put_in_canonical_order_and_unknown_fields_refused() -> None:
    data = entry(pain=3).to_dict() | {"tags": ["z", "a", "a"], "regions": ["neck", "jaw-left"]}
    data["symptoms"] = {"ibs": 2, "headache": 4}
    parsed = Entry.from_dict(data)
    assert parsed.tags == ("a", "z")
    assert parsed.regions == ("jaw-left", "neck")
    assert list(parsed.symptoms) == ["headache", "ibs"]
    with pytest.raises(InvalidEntry, match="unknown field 'mood'"):
        Entry.from_dict(data | {"mood": 3})
    with pytest.raises(InvalidEntry, match="at must be a time with its UTC offset"):
        Entry.from_dict(data | {"at": "2026-11-20T21:00:00"})
    with pytest.raises(InvalidEntry, match="missing field 'uid'"):
        Entry.from_dict({k: v for k, v in data.items() if k != "uid"})


def test_med_parsing_splits_the_dose_at_the_first_number() -> None:
    assert Med.parse("pregabalin 75 mg") == Med("pregabalin", "75 mg")
    assert Med.parse("vitamin d 1000iu") == Med("vitamin d", "1000iu")
    assert Med.parse("ibuprofen") == Med("ibuprofen", None)
    assert str(Med("vitamin d", "1000iu")) == "vitamin d 1000iu"
    with pytest.raises(InvalidEntry):
        Med.parse("75mg")


def test_tags_from_notes_and_user_input() -> None:
    assert tags_in_note("slept badly @Weather, mail me@example.org @work-stress") == [
        "weather",
        "work-stress",
    ]
    assert normalise_tag("@Stress ") == "stress"
    with pytest.raises(InvalidEntry):
        normalise_tag("no spaces")


def test_entries_are_frozen_values_whose_repr_hides_the_note() -> None:
    note = "my private [note] 🌧"
    e = entry(id=4, pain=6, note=note)
    assert e == entry(id=4, pain=6, note=note)
    assert e != entry(id=4, pain=7, note=note)
    assert hash(Med("x", "1mg")) == hash(Med("x", "1mg"))
    with pytest.raises(AttributeError, match="immutable"):
        e.pain = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        del e.note  # type: ignore[misc]
    shown = repr(e)
    assert "private" not in shown and "note=<19 characters>" in shown
    assert "pain=6" in shown and shown.startswith("Entry(id=4, uid=")


def test_replace_makes_a_checked_copy() -> None:
    e = entry(pain=6, note="x")
    changed = e.replace(pain=2, id=9)
    assert (changed.pain, changed.id, changed.note) == (2, 9, "x")
    assert e.pain == 6
    with pytest.raises(InvalidEntry, match="pain must be a whole number from 0 to 10"):
        e.replace(pain=11)
    with pytest.raises(TypeError):
        e.replace(mood=3)


def test_each_declared_score_is_an_entry_field_from_0_to_10() -> None:
    """The declaration and `Entry` agree: every declared score is a 0–10 field, and every
    0–10 field of an entry (symptoms aside) is declared."""
    from fibrolog.models import DAILY_SCORES, SCORES

    score_fields = [
        name
        for name in Entry.__struct_fields__
        if name not in ("id", "symptoms")
        and Entry.__annotations__[name] == Entry.__annotations__["pain"]
    ]
    assert score_fields == list(SCORES)
    for score in DAILY_SCORES:
        assert entry(**{score.name: 10}).to_dict()[score.name] == 10
        with pytest.raises(InvalidEntry, match=f"{score.name} must be a whole number from 0 to 10"):
            entry(**{score.name: 11})
    assert len({s.option for s in DAILY_SCORES}) == len(DAILY_SCORES)
    shorts = [s.short for s in DAILY_SCORES if s.short]
    assert len(set(shorts)) == len(shorts)


def test_what_is_derived_from_the_declaration() -> None:
    from fibrolog.analysis.days import HIGHER_IS_BETTER, HIGHER_IS_WORSE, METRICS
    from fibrolog.config import PROMPT_FIELDS
    from fibrolog.formats.export import CSV_COLUMNS
    from fibrolog.render.summary import METRIC_LABELS

    assert METRICS == (
        "pain", "fatigue", "fog", "stiffness", "sleep_hours", "sleep_quality", "exertion"
    )  # fmt: skip
    assert {"sleep_hours", "sleep_quality"} == HIGHER_IS_BETTER
    assert {"pain", "fatigue", "fog", "stiffness"} == HIGHER_IS_WORSE  # exertion: neither
    assert PROMPT_FIELDS[:6] == ("pain", "fatigue", "fog", "stiffness", "sleep", "exertion")
    assert CSV_COLUMNS[4:11] == list(METRICS)
    assert METRIC_LABELS["sleep_quality"] == "sleep quality"
    assert METRIC_LABELS["exertion"] == "exertion"
