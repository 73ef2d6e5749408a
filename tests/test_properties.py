"""Round trips over random entries: model ⇄ dict, and export → import into an empty diary."""

import json
import string
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fibrolog.formats.export import iter_csv, iter_json, iter_markdown, parse_import
from fibrolog.models import Entry, Med
from fibrolog.regions import ALL_AREAS, canonical_areas
from fibrolog.store.diary import Diary
from fibrolog.store.documents import CheckedEntry, StoredMed, forms_hold, rules_hold

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True)
score = st.none() | st.integers(0, 10)
offsets = st.integers(-12 * 4, 14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
moments = st.builds(
    lambda wall, zone: wall.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(2019, 1, 1), max_value=datetime(2026, 11, 22)).map(
        lambda d: d.replace(microsecond=0)
    ),
    offsets,
)
med_name = st.lists(
    st.text(string.ascii_lowercase, min_size=1, max_size=8), min_size=1, max_size=2
).map(" ".join)
meds = st.builds(Med, med_name, st.none() | st.from_regex(r"[0-9][0-9a-z.]{0,5}", fullmatch=True))
note = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    at = draw(moments)
    return Entry(
        uid=draw(st.uuids()).hex,
        at=at,
        logged=draw(moments),
        pain=draw(score),
        fatigue=draw(score),
        fog=draw(score),
        stiffness=draw(score),
        sleep_hours=draw(st.none() | st.integers(0, 2400).map(lambda n: n / 100)),
        sleep_quality=draw(score),
        exertion=draw(score),
        regions=canonical_areas(draw(st.lists(st.sampled_from(ALL_AREAS), max_size=5))),
        tags=tuple(sorted(set(draw(st.lists(slug, max_size=4))))),
        meds=tuple(draw(st.lists(meds, max_size=3))),
        symptoms=MappingProxyType(
            dict(sorted(draw(st.dictionaries(slug, st.integers(0, 10), max_size=3)).items()))
        ),
        flare=True,  # every entry needs some content; the flare mark is always enough
        note=draw(note),
    )


def _without_id(entry: Entry) -> dict[str, object]:
    data = entry.to_dict()
    del data["id"]
    return data


@given(entries())
def test_model_dict_round_trip(entry: Entry) -> None:
    assert Entry.from_dict(entry.to_dict()) == entry


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(entries(), min_size=1, max_size=12, unique_by=lambda e: e.uid),
    st.sampled_from(["json", "csv"]),
)
def test_export_then_import_into_an_empty_diary_keeps_every_field_but_id(
    tmp_path_factory: object, batch: list[Entry], fmt: str
) -> None:
    import tempfile

    source = Diary(Path(tempfile.mkdtemp()) / "a")
    stored = source.add_many(batch)
    exported = source.entries()
    if fmt == "json":  # as `export` reads them: a year at a time, each field checked in C
        pieces = iter_json(source.checked_entries(), datetime.now(UTC), 1)
    else:
        pieces = iter_csv(exported)
    text = b"".join(pieces).decode() if fmt == "json" else "".join(pieces)  # type: ignore[arg-type]
    target = Diary(Path(tempfile.mkdtemp()) / "b")
    _, skipped = target.import_entries(parse_import(text, NOW).entries)
    assert skipped == 0
    assert sorted(map(str, map(_without_id, target.entries()))) == sorted(
        map(str, map(_without_id, stored))
    )
    # a second import changes nothing
    assert target.import_entries(parse_import(text, NOW).entries) == ([], len(batch))


@given(st.text(max_size=20))
def test_formula_guard_round_trips_any_cell(cell: str) -> None:
    from fibrolog.formats.export import guard_cell, unguard_cell

    guarded = guard_cell(cell)
    assert unguard_cell(guarded) == cell
    assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(json_values, max_size=5), st.integers(0, 3))
def test_streamed_json_arrays_are_exactly_json_dumps(items: list[object], depth: int) -> None:
    from fibrolog.formats.export import json_array

    expected = json.dumps(items, ensure_ascii=False, indent=2)
    if depth:  # the array as the value of a key nested `depth` objects deep
        nested: object = items
        for _ in range(depth):
            nested = {"k": nested}
        whole = json.dumps(nested, ensure_ascii=False, indent=2)
        expected = whole[whole.index("[") if items else whole.index("[]") :].rsplit("]", 1)[0] + "]"
    assert "".join(json_array(items, depth)) == expected


@settings(max_examples=30)
@given(st.lists(entries(), max_size=6), st.integers(1, 3))
def test_exports_in_pieces_are_the_whole_documents(batch: list[Entry], per_piece: int) -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    whole = b"".join(iter_json([[checked(e) for e in batch]], now, 1)).decode()
    document = json.loads(whole)
    assert document == {
        "format": "fibrolog",
        "schema": 1,
        "exported": now.isoformat(),
        "entries": [e.to_dict() for e in batch],
        "treatments": [],
        "assessments": [],
    }
    assert whole == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    csv_text = "".join(iter_csv(batch, rows_per_piece=1000))
    assert "".join(iter_csv(batch, rows_per_piece=per_piece)) == csv_text
    assert "".join(iter_markdown(batch)).count("\n") == 2 + len(batch)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(entries(), max_size=6),
    st.sampled_from([None, 1, 2, 4, "\t"]),
    st.booleans(),
    st.booleans(),
)
def test_an_export_read_record_by_record_is_the_export_read_whole(
    batch: list[Entry], indent: int | str | None, wrapped: bool, crlf: bool
) -> None:
    """Whatever the layout, import reads the same records; indented files a piece at a time."""
    import json

    from fibrolog.formats.export import IndentedExport, OtherLayout, _json_records

    records = [e.to_dict() for e in batch]
    document: object = {"format": "fibrolog", "schema": 1, "entries": records}
    text = json.dumps(document if wrapped else records, indent=indent, ensure_ascii=False)
    raw = (text.replace("\n", "\r\n") if crlf else text).encode()
    whole = list(_json_records(raw))
    try:
        # (each record is decoded straight into a checked entry)
        read = IndentedExport([raw[i : i + 7] for i in range(0, len(raw), 7)], NOW).entries()
        assert [e for piece in read for e in piece] == [Entry.from_dict(r) for _, r in whole]
        assert indent is not None and records, "only an indented, non-empty array is cut"
    except OtherLayout:
        assert indent is None or not records
    assert [r for _, r in whole] == records


def checked(entry: Entry) -> CheckedEntry:
    return msgspec.convert(entry.to_dict(), CheckedEntry)


@given(st.lists(st.lists(entries(), max_size=4), max_size=3), st.integers(0, 2))
def test_entries_encoded_by_msgspec_are_exactly_json_dumps_of_their_dicts(
    years: list[list[Entry]], depth: int
) -> None:
    from fibrolog.formats.export import entries_json, json_array

    expected = "".join(json_array((e.to_dict() for year in years for e in year), depth))
    encoded = b"".join(entries_json([[checked(e) for e in year] for year in years], depth))
    assert encoded.decode() == expected


@given(st.lists(entries(), max_size=6))
def test_the_forms_of_valid_entries_hold(found: list[Entry]) -> None:
    assert forms_hold([checked(e) for e in found])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("uid", "0" * 31),
        ("uid", "0" * 32 + "\n"),  # `$` alone would let a trailing newline through
        ("uid", "0" * 16 + "\n" + "0" * 15),
        ("at", "2026-11-20T08:00:00"),  # no offset
        ("at", "2026-11-20T08:00:00+01:00\n2026-11-20T08:00:00+01:00"),
        ("logged", "2026-11-20 08:00:00+01:00"),
        ("tags", ("rest", "bad sleep")),
        ("tags", ("rest\nfog",)),  # two good names in one value
        ("symptoms", {"Headache": 2}),
    ],
)
def test_a_value_out_of_form_fails_the_forms_of_its_year(field: str, value: object) -> None:
    good = checked(Entry.build(uid="a" * 32, at=NOW, logged=NOW, pain=3, tags=("rest",)))
    bad = msgspec.structs.replace(good, **{field: value})
    assert forms_hold([good, good])
    assert not forms_hold([good, bad, good])


@given(st.lists(entries(), max_size=6))
def test_the_rules_across_fields_of_valid_entries_hold(found: list[Entry]) -> None:
    assert rules_hold([checked(e) for e in found])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("regions", ("neck", "jaw-left")),  # not in canonical order
        ("regions", ("neck", "neck")),
        ("tags", ("work", "rest")),
        ("tags", ("rest", "rest")),
        ("symptoms", {"nausea": 1, "headache": 2}),
        ("meds", [StoredMed("2 aspirin", None)]),
        ("meds", [StoredMed("aspirin", "mg")]),
        ("note", "bad \udc80 text"),
        ("pain", None),  # and nothing else: an empty entry
    ],
)
def test_a_rule_broken_across_fields_fails_its_year(field: str, value: object) -> None:
    good = checked(Entry.build(uid="a" * 32, at=NOW, logged=NOW, pain=3))
    bad = msgspec.structs.replace(good, **{field: value})
    assert rules_hold([good, good])
    assert not rules_hold([good, bad, good])
