"""`fibrolog treatment` through the command line: every command, every refusal (issue 14)."""

import json
import os
from pathlib import Path

import pytest

from .conftest import Run, flat, lines, snapshot


@pytest.fixture
def courses(run: Run) -> None:
    """duloxetine from 1 Oct (60 mg from 15 Oct), a walking programme stopped on 1 Nov."""
    for args in (
        ["start", "Duloxetine", "--dose", "30mg", "--on", "2026-10-01"],
        ["change", "duloxetine", "--dose", "60mg", "--on", "2026-10-15"],
        ["start", "walking programme", "--kind", "exercise", "--on", "2026-09-01"],
        ["stop", "Walking Programme", "--on", "2026-11-01", "--reason", "knee"],
    ):
        result = run("treatment", *args)
        assert result.exit_code == 0, (args, result.output)


def test_each_command_says_what_it_did(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    said = [
        run("treatment", "start", "duloxetine", "--dose", "30mg", "--on", "2026-10-01").stdout,
        run("treatment", "change", "DULOXETINE", "--dose", "60mg", "--on", "2026-10-15").stdout,
        run("treatment", "rate", "duloxetine", "3").stdout,
        run("treatment", "start", "tens", "--kind", "device", "--on", "yesterday").stdout,
        run("treatment", "stop", "tens", "--reason", "skin rash").stdout,
    ]
    assert said == [
        "Started duloxetine 30mg on Thu 01 Oct (course #1).\n",
        "Changed duloxetine to 60mg from Thu 15 Oct (course #1).\n",
        "Rated duloxetine: 3 minimally improved (Mon 23 Nov).\n",
        "Started tens on Sun 22 Nov (course #2).\n",
        "Stopped tens on Mon 23 Nov, after 0 weeks (course #2).\n",
    ]
    (dulox,) = run_json("treatment", "list")
    assert dulox["doses"] == [
        {"dose": "30mg", "from": "2026-10-01"},
        {"dose": "60mg", "from": "2026-10-15"},
    ]
    assert dulox["ratings"] == [{"answer": 3, "date": "2026-11-23"}]
    (_, tens) = run_json("treatment", "list", "--all")
    assert (tens["kind"], tens["stop"], tens["reason"]) == ("device", "2026-11-23", "skin rash")


def test_list_shows_running_courses_and_all_of_them(run: Run, courses: None) -> None:
    assert lines(run("treatment", "list").stdout) == [
        "#  treatment   kind  dose  from         to       weeks  your rating",
        "─" * 67,
        "1  Duloxetine  drug  60mg  01 Oct 2026  running      7  ·",
    ]
    every = flat(run("treatment", "list", "--all").stdout)
    assert "walking programme exercise · 01 Sep 2026 01 Nov 2026 8" in every


def test_list_in_a_narrow_window_leaves_columns_out_instead_of_cutting_words(
    run: Run, courses: None, cli_env: dict[str, str]
) -> None:
    cli_env["COLUMNS"] = "40"
    assert run("treatment", "rate", "duloxetine", "2").exit_code == 0
    assert lines(run("treatment", "list").stdout) == [
        "treatment   dose  to       your rating",
        "─" * 40,
        "Duloxetine  60mg  running  2 much impro…",
    ]
    assert lines(run("treatment", "list", "--all").stdout) == [
        "treatment          to",
        "─" * 30,
        "walking programme  01 Nov 2026",
        "Duloxetine         running",
    ]
    cli_env["COLUMNS"] = "50"
    assert lines(run("treatment", "list", "--all").stdout)[2:] == [
        "walking programme  ·     01 Nov 2026  ·",
        "Duloxetine         60mg  running      2 much impr…",
    ]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["start", "duloxetine"], 1, "Duloxetine is already running (since 2026-10-01)"),
        (["start", "duloxetine"], 1, "fibrolog treatment change Duloxetine --dose DOSE"),
        (["stop", "walking programme"], 1, "'walking programme' stopped on 2026-11-01"),
        (["stop", "duloxetin"], 1, "Did you mean 'duloxetine'? Running now: Duloxetine."),
        (["rate", "walking programme", "4"], 1, "Running now: Duloxetine"),
        (["change", "pregabalin", "--dose", "75mg"], 1, "no course is called 'pregabalin'"),
        (["stop", "duloxetine", "--on", "2026-09-30"], 2, "it cannot stop before that"),
        (["stop", "duloxetine", "--on", "tomorrow"], 2, "cannot read the day 'tomorrow'. Try"),
        (["stop", "duloxetine", "--on", "2026-12-01"], 2, "2026-12-01 is in the future"),
        (["start", "tens", "--on", "2026-12-01"], 2, "2026-12-01 is in the future"),
        (["change", "duloxetine", "--dose", "90mg", "--on", "2026-09-01"], 2, "cannot come"),
        (["start", "tens", "--kind", "gadget"], 2, "'gadget' is not one of"),
        (["rate", "duloxetine", "8"], 2, "'8' is not one of the answers 1 to 7"),
        (["review", "pregabalin"], 1, "no course is called 'pregabalin'"),
        (["edit", "9", "--running"], 1, "there is no course #9"),
        (["edit", "1", "--stop", "2026-09-01"], 2, "stops (2026-09-01) before it starts"),
        (["delete", "9", "--yes"], 1, "there is no course #9"),
    ],
)
def test_bad_input_gets_one_line_and_changes_nothing(
    run: Run, courses: None, diary_dir: Path, args: list[str], code: int, message: str
) -> None:
    before = snapshot(diary_dir)
    result = run("treatment", *args)
    assert result.exit_code == code, result.output
    assert message in flat(result.stderr), result.stderr
    assert "Traceback" not in result.output
    if code == 1:
        assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    assert snapshot(diary_dir) == before


def test_two_running_courses_of_one_name_are_named_not_guessed_between(
    run: Run, diary_dir: Path
) -> None:
    run("treatment", "start", "tens", "--on", "2026-10-01")
    run("treatment", "stop", "tens", "--on", "2026-10-15")
    run("treatment", "start", "tens", "--on", "2026-11-01")
    from fibrolog.store.diary import Diary

    diary = Diary(diary_dir)  # now both run (`treatment edit` refuses it; an old diary may not)
    diary.update_course(diary.courses()[0].replace(stop=None))
    before = snapshot(diary_dir)
    for args in (["stop", "tens"], ["change", "tens", "--dose", "2"], ["rate", "tens", "3"]):
        result = run("treatment", *args)
        assert result.exit_code == 1, args
        assert flat(result.stderr) == (
            "Error: 2 courses called 'tens' are running (#1 since 2026-10-01, #2 since "
            "2026-11-01); stop or delete the one entered twice, by its number: fibrolog "
            "treatment edit ID --stop DAY"
        )
    assert snapshot(diary_dir) == before


def test_an_unknown_kind_lists_the_kinds(run: Run) -> None:
    said = flat(run("treatment", "start", "tens", "--kind", "gadget").stderr)
    assert "'drug', 'device', 'therapy', 'exercise', 'other'" in said


def test_rate_lists_the_seven_answers_in_its_help(run: Run) -> None:
    help_text = flat(run("treatment", "rate", "--help").stdout)
    for answer in ("1 very much improved", "4 no change", "7 very much worse"):
        assert answer in help_text


def test_edit_and_delete(run: Run, run_json, courses: None) -> None:  # type: ignore[no-untyped-def]
    result = run("treatment", "edit", "1", "--start", "2026-09-28", "--name", "duloxetine")
    assert result.stdout == "Updated course #1: duloxetine, from 2026-09-28, running.\n"
    (dulox,) = run_json("treatment", "list")
    assert dulox["doses"][0] == {"dose": "30mg", "from": "2026-09-28"}, "the first dose moves"
    assert run("treatment", "edit", "2", "--running").exit_code == 0
    assert len(run_json("treatment", "list")) == 2
    assert run("treatment", "delete", "2", input="n\n").exit_code == 1
    assert run("treatment", "delete", "2", "--yes").stdout == (
        "Deleted course #2 (walking programme).\n"
    )
    assert run("treatment", "start", "yoga", "--kind", "exercise").stdout.startswith(
        "Started yoga on Mon 23 Nov (course #3)"
    ), "a course id is never reused"


def test_review_json_is_one_document_with_every_key(  # type: ignore[no-untyped-def]
    run: Run, run_json, courses: None
) -> None:
    for day in range(1, 54):  # pain 6 in September, 4 from October
        month, date = (9, day) if day <= 30 else (10, day - 30)
        run("add", "6" if month == 9 else "4", "--at", f"2026-{month:02d}-{date:02d} 09:00")
    for day in range(24, 31):
        run("add", "4", "--at", f"2026-10-{day:02d} 09:00")
    for day in range(1, 23):
        run("add", "4", "--at", f"2026-11-{day:02d} 09:00")
    out = run_json("treatment", "review")
    assert list(out) == ["reviews"] and len(out["reviews"]) == 2
    dulox = out["reviews"][1]
    assert set(dulox) >= {
        "course",
        "baseline",
        "on",
        "pain_change",
        "pain_change_pct",
        "ci95",
        "importance",
        "clear",
        "confounded",
        "rescue_use",
        "settle_days",
        "changes",
        "needs_days",
        "other_changes",
        "bad_spell",
        "assessments",
        "pgic",
    }
    assert set(dulox["baseline"]) == {
        "from",
        "to",
        "days_logged",
        "pain",
        "fatigue",
        "sleep_quality",
        "sleep_hours",
        "flare_days",
        "flare_rate",
    }
    assert dulox["course"]["doses"] == [
        {"dose": "30mg", "from": "2026-10-01"},
        {"dose": "60mg", "from": "2026-10-15"},
    ]
    assert (dulox["baseline"]["pain"], dulox["on"]["pain"]) == (6.0, 4.0)
    assert dulox["importance"] == "moderate" and dulox["clear"] is True
    assert dulox["confounded"] is True
    assert dulox["other_changes"] == [
        {"name": "walking programme", "event": "stopped", "date": "2026-11-01"}
    ]
    text = flat(run("treatment", "review", "duloxetine").stdout)
    assert "Pain -2.00 (-33.3 %): a moderate fall (≥ 30 %) by the IMMPACT benchmarks." in text
    assert "anywhere from -2.0 to -2.0 points (95% interval" in text
    assert "Other treatments changed too, so the comparison is confounded" in text
    assert "walking programme stopped 01 Nov 2026" in text
    assert "not proof that the treatment caused it" in text


def test_courses_survive_export_and_import(  # type: ignore[no-untyped-def]
    run: Run, run_json, courses: None, tmp_path: Path
) -> None:
    run("add", "5")
    run("fiqr", "--answers", "3,4,2,6,5,4,5,3,4,6,5,7,6,6,7,4,5,3,6,2,5")
    exported = tmp_path / "all.json"
    assert run("export", "-o", str(exported)).exit_code == 0
    other = tmp_path / "other"
    result = run("--db", str(other), "import", str(exported))
    assert result.stdout == "Imported 1 entry, 2 treatment courses and 1 self-assessment.\n"
    mine = run_json("treatment", "list", "--all")
    theirs = run_json("--db", str(other), "treatment", "list", "--all")
    assert [{**c, "id": 0} for c in mine] == [{**c, "id": 0} for c in theirs]
    again = run("--db", str(other), "import", str(exported)).stdout
    assert again == (
        "Imported 0 entries, 0 treatment courses and 0 self-assessments; 1 entry, "
        "2 treatment courses and 1 self-assessment were already in the diary.\n"
    )


def test_check_finds_a_damaged_treatments_file_and_leaves_it(
    run: Run, courses: None, diary_dir: Path
) -> None:
    path = diary_dir / "treatments.json"
    data = json.loads(path.read_text())
    data["treatments"]["1"]["start"] = "the first of October"
    path.write_text(json.dumps(data))
    before = snapshot(diary_dir)
    result = run("check")
    assert result.exit_code == 1
    assert "treatments.json is damaged: course #1: start must be a date" in flat(result.stdout)
    assert snapshot(diary_dir) == before
    assert run("treatment", "list").exit_code == 1


def test_the_summary_names_the_courses_running_that_week(run: Run, courses: None) -> None:
    run("add", "4", "--at", "2026-10-20 09:00")
    text = flat(run("summary", "--week", "2026-10-20").stdout)
    assert "treatments walking programme (week 8) · Duloxetine 60mg (week 4)" in text


def test_the_demo_prints_a_review(run: Run) -> None:
    result = run("--db", os.environ["FIBROLOG_DB"], "demo")
    assert result.exit_code == 0, result.output
    text = flat(result.stdout)
    assert "and 3 treatment courses" in text
    assert "Is the new treatment helping? duloxetine · drug" in text
    assert "a moderate fall (≥ 30 %) by the IMMPACT benchmarks" in text


def test_a_review_in_a_narrow_window_puts_days_and_rates_on_two_lines_never_cut(
    run: Run, cli_env: dict[str, str], diary_dir: Path
) -> None:
    assert run("demo", "--db", str(diary_dir)).exit_code == 0
    cli_env["COLUMNS"] = "40"
    table = lines(run("treatment", "review", "duloxetine").stdout)[2:13]
    assert table == [
        "                   before       on it",
        "─" * 37,
        "days             01 Sep –    27 Oct –",
        "                   28 Sep      23 Nov",
        "days logged            28          28",
        "pain                 5.05        2.62",
        "fatigue               5.5         3.3",
        "sleep quality         5.4         5.0",
        "sleep hours           6.7         6.4",
        "flare days              5           5",
        "               (5.0/28 d)  (5.0/28 d)",
    ]
    cli_env["COLUMNS"] = "60"
    wide = lines(run("treatment", "review", "duloxetine").stdout)
    assert "days           01 Sep – 28 Sep  27 Oct – 23 Nov" in wide
    assert "flare days        5 (5.0/28 d)     5 (5.0/28 d)" in wide


def test_insights_review_the_courses_of_the_period_instead_of_their_meds(
    run: Run,
    run_json,  # type: ignore[no-untyped-def]
) -> None:
    assert run("--db", os.environ["FIBROLOG_DB"], "demo").exit_code == 0
    found = run_json("insights")
    reviewed = [r["course"]["name"] for r in found["treatments"]]
    # started in the last 90 days (the demo's as-needed ibuprofen with its data, 84 days ago)
    assert reviewed == ["ibuprofen", "duloxetine", "walking programme"]
    assert "duloxetine" not in [m["med"] for m in found["meds"]], "its course speaks for it"
    text = flat(run("insights").stdout)
    assert "Treatments started or stopped in this period" in text
    assert (
        "duloxetine (from 2026-09-29): pain 5.0 before vs 2.6 on it (-48 %, 95% interval -4.37 "
        "to -0.49: moderate, clear)" in text
    )
    assert "walking programme (from 2026-11-13): too early to judge (from 2026-11-27)" in text
    assert "Meds first taken in this period, with no course recorded" in text


def _log(run: Run, first: str, pains: list[int]) -> None:
    """One entry a day from `first`, with the pains given."""
    from datetime import date, timedelta

    start = date.fromisoformat(first)
    for i, pain in enumerate(pains):
        result = run("add", str(pain), "--at", f"{start + timedelta(days=i)} 09:00")
        assert result.exit_code == 0, result.output


def test_a_course_started_between_the_windows_is_named_as_a_confounder(
    run: Run,
    run_json,  # type: ignore[no-untyped-def]
) -> None:
    # duloxetine from 1 Oct; pregabalin 20 days later, inside the weeks between the baseline
    # (3–30 Sep) and the last 28 days (27 Oct – 23 Nov): it runs through one window only.
    _log(run, "2026-09-03", [6] * 28 + [4] * 54)
    assert run("treatment", "start", "duloxetine", "--on", "2026-10-01").exit_code == 0
    assert run("treatment", "start", "pregabalin", "--on", "2026-10-21").exit_code == 0
    (dulox,) = run_json("treatment", "review", "duloxetine")["reviews"]
    assert dulox["other_changes"] == [
        {"name": "pregabalin", "event": "started", "date": "2026-10-21"}
    ]
    assert dulox["confounded"] is True
    text = flat(run("treatment", "review", "duloxetine").stdout)
    assert "(pregabalin started 21 Oct 2026): the comparison is confounded" in text


def test_a_first_dose_given_to_a_course_begun_without_one_is_named(
    run: Run,
    run_json,  # type: ignore[no-untyped-def]
) -> None:
    _log(run, "2026-09-03", [6] * 28 + [4] * 54)
    assert (
        run("treatment", "start", "physio", "--kind", "therapy", "--on", "2026-06-01").exit_code
        == 0
    )
    assert (
        run(
            "treatment", "change", "physio", "--dose", "twice weekly", "--on", "2026-09-15"
        ).exit_code
        == 0
    )
    assert run("treatment", "start", "duloxetine", "--on", "2026-10-01").exit_code == 0
    (dulox,) = run_json("treatment", "review", "duloxetine")["reviews"]
    assert dulox["other_changes"] == [
        {"name": "physio", "event": "dose change", "date": "2026-09-15"}
    ]


def test_a_fall_within_the_noise_is_no_clear_change_with_its_interval(
    run: Run,
    run_json,  # type: ignore[no-untyped-def]
) -> None:
    # weeks of 3, 6, 4 and 7 before; the same weeks half a point lower (on some days) on it
    weeks = [3] * 7 + [6] * 7 + [4] * 7 + [7] * 7
    lower = [p - (i % 2) for i, p in enumerate(reversed(weeks))]
    _log(run, "2026-09-03", weeks + [5] * 26 + lower)
    assert run("treatment", "start", "duloxetine", "--on", "2026-10-01").exit_code == 0
    (dulox,) = run_json("treatment", "review", "duloxetine")["reviews"]
    assert dulox["clear"] is False and dulox["importance"] == "none"
    assert dulox["pain_change"] == -0.5
    low, high = dulox["ci95"]
    assert low < -0.5 < 0 < high
    text = flat(run("treatment", "review", "duloxetine").stdout)
    assert "Pain -0.50 (-10.0 %): no clear change." in text
    assert f"anywhere from {low:+.1f} to {high:+.1f} points (95% interval" in text
    assert "What would settle it:" in text
    assert "minimal fall" not in text
