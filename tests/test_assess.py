"""ACR 2016 and FIQR scoring against hand computation; insights on diaries with known answers."""

import json
import os
import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from fibrolog.analysis.assess import AcrAnswers, AcrResult, FiqrResult, parse_fiqr_answers
from fibrolog.analysis.days import group_days
from fibrolog.analysis.insights import insights, ranks, spearman
from fibrolog.errors import UsageProblem
from fibrolog.models import Entry, Med
from fibrolog.regions import parse_areas

from .conftest import Run, lines


def acr(areas: str, f: int, u: int, c: int, extra: int = 0, months: bool = True) -> AcrResult:
    flags = [i < extra for i in range(3)]
    return AcrResult(AcrAnswers(parse_areas([areas]), f, u, c, *flags, three_months=months))


def test_wpi_7_and_sss_5_with_generalized_pain_meets_the_criteria() -> None:
    # 7 areas over left upper, right upper, left lower, right lower and axial: 5 regions
    r = acr("shoulders,upper-arm-left,hips,upper-leg-right,neck", 2, 2, 1)
    assert (r.wpi, r.sss, r.fs, r.generalized_regions) == (7, 5, 12, 5)
    assert r.criteria == {"wpi_sss": True, "generalized": True, "duration": True}
    assert r.criteria_met


def test_wpi_4_to_6_needs_sss_9() -> None:
    areas = "shoulder-left,upper-arm-right,hip-left,hip-right"  # WPI 4 in 4 regions
    assert acr(areas, 3, 3, 3).criteria["wpi_sss"] and acr(areas, 3, 3, 3).criteria_met
    assert acr(areas, 3, 3, 2).sss == 8 and not acr(areas, 3, 3, 2).criteria["wpi_sss"]
    assert acr(areas, 3, 3, 2, extra=1).sss == 9 and acr(areas, 3, 3, 2, extra=1).criteria_met


def test_wpi_7_with_sss_4_is_not_enough() -> None:
    r = acr("shoulders,upper-arm-left,hips,upper-leg-right,neck", 2, 1, 1)
    assert (r.wpi, r.sss) == (7, 4)
    assert not r.criteria["wpi_sss"] and not r.criteria_met


def test_wpi_3_never_meets_even_with_full_sss() -> None:
    r = acr("neck,hips", 3, 3, 3, extra=3)
    assert (r.wpi, r.sss, r.fs) == (3, 12, 15) and not r.criteria["wpi_sss"]


def test_pain_in_jaw_chest_and_abdomen_does_not_make_pain_generalized() -> None:
    r = acr("jaw,chest,abdomen,neck,upper-back,lower-back", 3, 3, 3)
    assert r.wpi == 7 and r.criteria["wpi_sss"]
    assert r.generalized_regions == 1 and not r.criteria["generalized"] and not r.criteria_met


def test_under_three_months_is_not_met() -> None:
    r = acr("shoulders,upper-arm-left,hips,upper-leg-right,neck", 2, 2, 1, months=False)
    assert r.criteria["wpi_sss"] and r.criteria["generalized"] and not r.criteria_met


def test_extra_areas_are_recorded_but_not_counted() -> None:
    assert acr("head,hands,feet,neck", 1, 1, 1).wpi == 1


def test_fiqr_all_answered() -> None:
    # function 9 × 3 = 27 → 9; overall 5 + 5 = 10; symptoms 10 × 6 = 60 → 30; total 49
    r = FiqrResult(tuple([3] * 9 + [5, 5] + [6] * 10))
    assert (r.function, r.overall, r.symptoms, r.total) == (9, 10, 30, 49)


def test_fiqr_scales_domains_with_unanswered_items() -> None:
    answers = parse_fiqr_answers("3,3,3,3,3,3,3,3,-,4,-,6,6,6,6,6,6,6,6,6,6")
    r = FiqrResult(answers)
    # function: 24 over 8 answers → 24 × 9/8 = 27 → 9; overall: 4 × 2/1 = 8; symptoms 30
    assert (r.function, r.overall, r.symptoms, r.total) == (9, 8, 30, 47)
    unanswered_overall = FiqrResult(tuple([3] * 9 + [None, None] + [6] * 10))
    assert unanswered_overall.overall is None and unanswered_overall.total is None
    odd = FiqrResult(tuple([1] * 8 + [2] + [3, 4] + [5] * 10))
    assert odd.to_dict(1, datetime(2026, 1, 1, tzinfo=UTC))["function"] == 3.33  # 10 / 3


@pytest.mark.parametrize("text", ["1,2,3", "11" + ",1" * 20, "x" + ",1" * 20])
def test_fiqr_bad_answers(text: str) -> None:
    with pytest.raises(UsageProblem):
        parse_fiqr_answers(text)


ALL_FLAGS = [
    "--areas",
    "shoulders,upper-arm-left,hips,upper-leg-right,neck",
    "--fatigue",
    "2",
    "--unrefreshed",
    "2",
    "--cognitive",
    "1",
    "--no-headaches",
    "--no-abdominal",
    "--no-depression",
    "--three-months",
]


def test_assess_with_all_flags_stores_and_prints(run: Run, diary_dir) -> None:  # type: ignore[no-untyped-def]
    result = run("assess", *ALL_FLAGS, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {
        "id",
        "kind",
        "at",
        "areas",
        "wpi",
        "sss",
        "fs",
        "generalized_regions",
        "criteria",
        "criteria_met",
    }
    assert (out["id"], out["kind"], out["wpi"], out["sss"], out["fs"], out["criteria_met"]) == (
        1,
        "acr2016",
        7,
        5,
        12,
        True,
    )
    assert (diary_dir / "assessments.json").exists()
    text = run("assess", *ALL_FLAGS[:-1], "--under-three-months").stdout
    assert "not a diagnosis" in text and "are not all met" in text and "✗ no" in text


def test_assess_without_a_terminal_names_missing_flags(run: Run) -> None:
    result = run("assess", "--fatigue", "2")
    assert result.exit_code == 2
    assert "--areas" in result.stderr and "--three-months" in result.stderr
    assert run("assess", *ALL_FLAGS[:3], "4").exit_code == 2


def test_fiqr_and_assessments_history(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    first = run_json(
        "fiqr", "--answers", ",".join(["3"] * 9 + ["5", "5"] + ["6"] * 10), "--at", "2026-11-01"
    )
    assert (
        first["kind"],
        first["function"],
        first["overall"],
        first["symptoms"],
        first["total"],
    ) == ("fiqr", 9.0, 10.0, 30.0, 49.0)
    run("fiqr", "--answers", ",".join(["2"] * 21), "--at", "2026-11-15")
    run("assess", *ALL_FLAGS)
    history = run_json("assessments")
    assert [r["kind"] for r in history] == ["fiqr", "fiqr", "acr2016"]
    assert [r["id"] for r in run_json("assessments", "--kind", "fiqr")] == [1, 2]
    text = run("assessments").stdout
    assert "FIQR total: │" in text and "49 → 20" in text  # 18/3 + 4 + 20/2 = 20
    # severity bands (Salaffi 2021 for the FIQR, Wolfe 2015 for FS)
    assert "FIQR 49.0 (moderate)" in text and "FIQR 20.0 (remission)" in text
    assert re.search(r"FS \d+ \((none|mild|moderate|severe|very severe)\)", text)
    assert run("fiqr", "--answers", "1,2").exit_code == 2
    assert run("fiqr").exit_code == 2


def test_assessments_in_a_narrow_window_keep_times_and_scores_whole(
    run: Run, cli_env: dict[str, str]
) -> None:
    run("fiqr", "--answers", ",".join(["2"] * 21), "--at", "2026-11-15 09:30")
    cli_env["COLUMNS"] = "40"
    assert lines(run("assessments").stdout)[:3] == [
        "when              score",
        "─" * 39,
        "2026-11-15 09:30  FIQR 20.0 (remission)",
    ]


CET = timezone(timedelta(hours=1))


def day_entry(day: date, pain: int, **fields: object) -> Entry:
    at = datetime(day.year, day.month, day.day, 10, tzinfo=CET)
    uid = f"{day.toordinal():016x}{pain:016x}"
    return Entry(uid=uid, at=at, logged=at, pain=pain, **fields)  # type: ignore[arg-type]


def test_spearman_and_ranks() -> None:
    assert ranks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1]
    assert spearman([1, 2, 3, 4], [8, 6, 4, 2]) == -1
    assert spearman([1, 1, 1], [1, 2, 3]) is None


def test_a_tag_that_adds_two_points_and_sleep_that_lowers_pain() -> None:
    start = date(2026, 8, 1)
    diary = []
    for i in range(60):
        stress = i % 4 == 0
        pain = 4 + (i // 4) % 2 + (2 if stress else 0)  # base 4 or 5 a block of 4 days, tag +2
        diary.append(
            day_entry(
                start + timedelta(days=i),
                pain,
                tags=("stress",) if stress else (),
                sleep_hours=float(10 - pain),
            )
        )
    result = insights(group_days(diary), start, start + timedelta(days=59)).to_json()
    (tag,) = result["tags"]
    same = tag["same_day"]
    assert tag["tag"] == "stress" and (same["n_with"], same["n_without"]) == (15, 45)
    assert same["difference"] == pytest.approx(2.0, abs=0.01)
    low, high = same["ci95"]
    assert 0 < low <= 2 <= high and same["clear"] is True
    assert result["sleep"]["hours"]["rho"] == -1.0 and result["sleep"]["hours"]["n"] == 60
    assert (
        result["sleep"]["quality"]["rho"] is None
        and "needs 10 days" in result["sleep"]["quality"]["missing"]
    )
    assert insights(group_days(diary), start, start + timedelta(days=59)).to_json() == result, (
        "reproducible"
    )


def test_a_med_after_which_pain_falls() -> None:
    start = date(2026, 8, 1)
    diary = [day_entry(start + timedelta(days=i), 6) for i in range(20)]
    diary += [
        day_entry(start + timedelta(days=20 + i), 4, meds=(Med("duloxetine", "30mg"),))
        for i in range(20)
    ]
    result = insights(
        group_days(diary), start + timedelta(days=10), start + timedelta(days=39)
    ).to_json()
    (med,) = result["meds"]
    assert (
        med["med"],
        med["first_taken"],
        med["before_mean"],
        med["after_mean"],
        med["difference"],
    ) == ("duloxetine", "2026-08-21", 6.0, 4.0, -2.0)
    assert (med["n_before"], med["n_after"]) == (20, 20)
    assert med["ci95"] == [-2.0, -2.0] and med["clear"] is True


def test_thin_data_says_what_is_missing() -> None:
    start = date(2026, 11, 1)
    diary = [
        day_entry(start + timedelta(days=i), 5, tags=("rain",), meds=(Med("x", None),))
        for i in range(4)
    ]
    result = insights(group_days(diary), start, start + timedelta(days=10)).to_json()
    assert result["days_logged"] == 4
    assert result["tags"] == []  # seen on 4 days but never absent on 3
    assert "needs 10 days" in result["sleep"]["hours"]["missing"]
    assert result["meds"] == []  # "x" was taken from the diary's first day: not new
    assert result["meds_from_start"] == ["x"] and result["diary_began"] == "2026-11-01"
    monday = result["weekdays"][0]
    assert monday["weekday"] == "Monday" and monday["n"] == 1  # 2 Nov 2026


def test_insights_command(run: Run) -> None:
    made = run("--db", os.environ["FIBROLOG_DB"], "demo", "--days", "120", "--seed", "3")
    assert made.exit_code == 0, made.output  # demo writes only to an explicit --db
    result = run("insights", "--last", "90d", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {
        "from",
        "to",
        "days_logged",
        "sleep",
        "tags",
        "treatments",
        "meds",
        "meds_as_needed",
        "diary_began",
        "meds_from_start",
        "weekdays",
        "pacing",
    }
    assert out["days_logged"] == 90 and out["sleep"]["hours"]["rho"] < 0
    text = run("insights").stdout
    assert "not causes" in text and "Spearman ρ" in text and "Pain by weekday" in text


def test_insights_print_a_med_name_literally(run: Run) -> None:
    for day in range(1, 20):
        args = ["--med", "[/x] [bold]pill 5mg"] if day > 10 else []
        run("add", str(6 if day <= 10 else 3), "--at", f"2026-11-{day:02d} 09:00", *args)
    result = run("insights", "--last", "30d")
    assert result.exit_code == 0, result.output
    assert "[/x] [bold]pill (from 2026-11-11)" in result.stdout


def test_insights_say_a_med_taken_from_the_first_day_was_already_taken(
    run: Run, cli_env: dict[str, str]
) -> None:
    from .conftest import lines

    for day in range(1, 21):  # the diary begins on 1 Nov with pregabalin; duloxetine from 11 Nov
        meds = ["--med", "pregabalin 75mg"] + (["--med", "duloxetine 30mg"] if day > 10 else [])
        pain = "6" if day <= 10 else "4"
        assert run("add", pain, "--at", f"2026-11-{day:02d} 09:00", *meds).exit_code == 0
    cli_env["COLUMNS"] = "80"
    shown = lines(run("insights", "--last", "30d").stdout)
    at = shown.index("Meds first taken in this period, with no course recorded")
    assert shown[at + 1 : at + 6] == [
        "  duloxetine (from 2026-11-11): pain 6.0 in the 28 days before vs 4.0 after",
        "  (-2.00, 95% CI -2.00 to -2.00: a clear difference; n 10/10 days)",
        "  pregabalin: already being taken when the diary began (2026-11-01), so there",
        "  are no days before to compare with",
        "",
    ]
    found = json.loads(run("insights", "--last", "30d", "--json").stdout)
    assert [m["med"] for m in found["meds"]] == ["duloxetine"]
    assert found["meds_from_start"] == ["pregabalin"]


def test_insights_never_print_none_for_an_as_needed_course_not_yet_taken(
    run: Run, cli_env: dict[str, str]
) -> None:
    from .conftest import flat

    for day in range(1, 21):
        run("add", "5", "--at", f"2026-11-{day:02d} 09:00")
    started = run("treatment", "start", "ibuprofen", "--as-needed", "--on", "2026-11-10")
    assert started.exit_code == 0, started.output
    cli_env["COLUMNS"] = "80"
    text = flat(run("insights", "--last", "30d").stdout)
    assert "ibuprofen (from 2026-11-10): taken as needed, not yet on a day with pain logged" in text
    assert "None" not in text
    for day in (12, 15):
        run("add", "8", "--at", f"2026-11-{day:02d} 21:00", "--med", "ibuprofen 400mg")
    text = flat(run("insights", "--last", "30d").stdout)
    # Each day's pain is the mean of its entries: (5 + 8) / 2 on the two days it was taken.
    assert "ibuprofen (from 2026-11-10): taken as needed on 2 days; pain 6.5 on them vs 5.0 on" in (
        text
    )
