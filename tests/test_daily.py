"""Daily use (issue 20): exertion, the one-line status, `again`, reminders, and what tripped a
new user, as a user meets them through the command line."""

import json
from pathlib import Path

from .conftest import Run, lines

# -- exertion, the score declared once ----------------------------------------------------------


def test_exertion_is_logged_shown_edited_and_exported(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    added = run("add", "5", "-e", "8", "--at", "2026-11-22 20:00")
    assert added.exit_code == 0, added.output
    assert added.stdout == "Logged #1 · Sun 22 Nov 20:00 · pain 5 · exertion 8\n"
    assert run_json("show", "1")["exertion"] == 8
    assert "exertion  8" in run("show", "1").stdout
    assert run("edit", "1", "--exertion", "3").stdout.endswith("· exertion 3\n")
    csv_text = run("export", "--format", "csv").stdout
    header, row = csv_text.splitlines()[:2]
    assert header.split(",")[10] == "exertion" and row.split(",")[10] == "3"
    assert run("add", "-e", "11").exit_code == 2


def test_a_csv_export_from_before_exertion_still_imports(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    old.write_text(
        "id,uid,at,logged,pain,fatigue,fog,stiffness,sleep_hours,sleep_quality,"
        "regions,tags,meds,flare,note,symptom:headache\r\n"
        f"1,{'a' * 32},2026-11-20T21:00:00+01:00,2026-11-20T21:00:00+01:00,6,,,,,,"
        "neck,stress,,false,,4\r\n"
    )
    result = run("import", str(old))
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(run("list", "--json").stdout)
    assert entry["pain"] == 6 and entry["exertion"] is None
    assert entry["symptoms"] == {"headache": 4}


def test_the_summary_shows_effort_and_still_fits_40_columns(
    run: Run, cli_env: dict[str, str]
) -> None:
    for args in (["4", "-e", "7", "--at", "2026-11-16 20:00"], ["6", "--at", "2026-11-18 09:00"]):
        assert run("add", *args).exit_code == 0
    wide = run("summary", "--week", "2026-W47")
    assert "effort" in wide.stdout and "exertion  7.00" in wide.stdout
    cli_env["COLUMNS"] = "40"
    narrow = lines(run("summary", "--week", "2026-W47").stdout)
    assert max(len(line) for line in narrow) <= 40
    # the empty columns (fatigue, fog, stiff, sleep, flare, tags) gave way, not the numbers
    assert narrow[4].split() == ["day", "entries", "pain", "max", "effort"]


def test_exertion_is_asked_when_chosen(run: Run) -> None:
    assert run("config", "set", "prompts", "pain,exertion").exit_code == 0
    assert run("config", "get", "prompts").stdout.strip() == '["pain", "exertion"]'


# -- what tripped a new user: the summary ----------------------------------------------------


def test_summary_rounds_halves_up_and_the_change_is_the_difference_shown(
    run: Run, run_json
) -> None:  # type: ignore[no-untyped-def]
    # This week's daily means 3.5, 3, 3, 3 → 3.125; last week's 3.5, 3, 2.5, 2.5 → 2.875.
    week = {"16": (3, 4), "17": (3,), "18": (3,), "19": (3,)}
    before = {"09": (3, 4), "10": (3,), "11": (2, 3), "12": (2, 3)}
    for days in (week, before):
        for day, pains in days.items():
            for hour, pain in enumerate(pains, start=8):
                assert run("add", str(pain), "--at", f"2026-11-{day} {hour}:00").exit_code == 0
    pain_row = next(
        line
        for line in lines(run("summary", "--week", "2026-W47").stdout)
        if line.startswith("pain ")
    )
    assert pain_row.split() == ["pain", "3.13", "3–4", "2.88", "↑", "0.25"]
    assert run_json("summary", "--week", "2026-W47")["metrics"]["pain"] | {"min": 0, "max": 0} == {
        "mean": 3.13,
        "previous_mean": 2.88,
        "change": 0.25,
        "min": 0,
        "max": 0,
    }


def test_summary_areas_most_days_first_as_many_as_fit(run: Run, cli_env: dict[str, str]) -> None:
    run("add", "3", "-w", "neck", "--at", "2026-11-16 09:00")
    for day in ("17", "18", "19"):
        run("add", "6", "-w", "lower-back,jaw-left", "--at", f"2026-11-{day} 09:00")
    run("add", "4", "-m", "ibuprofen", "-m", "pregabalin", "--at", "2026-11-19 20:00")
    run("add", "4", "-m", "pregabalin", "-t", "stress", "--at", "2026-11-19 21:00")
    out = lines(run("summary", "--week", "2026-W47").stdout)
    assert out[-3:] == [
        "            jaw-left 3 days · lower-back 3 · neck 1",
        "tags        stress 1 day",
        "meds        ibuprofen 1 day · pregabalin 1",  # days, not doses
    ]
    cli_env["COLUMNS"] = "40"
    assert lines(run("summary", "--week", "2026-W47").stdout)[-3] == (
        "            jaw-left 3 days · +2 more"
    )
