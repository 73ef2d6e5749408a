import pytest

from fibrolog.errors import UsageProblem
from fibrolog.regions import ALL_AREAS, WPI_AREAS, generalized_regions, parse_areas, wpi


def test_nineteen_wpi_areas_and_five_extras() -> None:
    assert len(WPI_AREAS) == 19
    assert len(ALL_AREAS) == 24


def test_aliases_and_groups_expand_to_canonical_order() -> None:
    assert parse_areas(["neck,left-shoulder", "hips"]) == (
        "shoulder-left",
        "hip-left",
        "hip-right",
        "neck",
    )
    assert parse_areas(["Left Upper Arm"]) == ("upper-arm-left",)
    assert parse_areas(["back", "lower-back"]) == ("upper-back", "lower-back")
    assert parse_areas(["arms"]) == (
        "upper-arm-left",
        "lower-arm-left",
        "upper-arm-right",
        "lower-arm-right",
    )
    assert parse_areas(["everywhere"]) == WPI_AREAS
    assert parse_areas(["feet,hands,head"]) == (
        "head",
        "hand-left",
        "hand-right",
        "foot-left",
        "foot-right",
    )


def test_unknown_area_suggests_the_closest_and_points_to_the_list() -> None:
    with pytest.raises(UsageProblem) as error:
        parse_areas(["neck,sholder-left"])
    assert str(error.value) == (
        "unknown body area 'sholder-left'. Did you mean 'shoulder-left'? "
        "`fibrolog add --help` lists them all."
    )


def test_wpi_counts_only_the_19_areas() -> None:
    assert wpi(["neck", "head", "hand-left", "jaw-left"]) == 2
    assert wpi(WPI_AREAS) == 19


def test_generalized_pain_ignores_jaw_chest_and_abdomen() -> None:
    assert generalized_regions(["jaw-left", "jaw-right", "chest", "abdomen"]) == 0
    assert generalized_regions(["shoulder-left", "hip-right", "neck"]) == 3
    assert generalized_regions(WPI_AREAS) == 5
    # head, hands and feet are recorded but are not ACR areas
    assert generalized_regions(["head", "hand-left", "foot-right"]) == 0
