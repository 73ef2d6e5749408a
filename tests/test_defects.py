"""Issue 13: defects found trying fibrolog as a new user and under faults, each as a user
meets it through the command line."""

import json
import os
import re
import shlex
from pathlib import Path

import pytest

from .conftest import Run, flat, lines, snapshot

# -- 1. a trigger on its own -----------------------------------------------------------------


def test_a_tag_alone_is_an_entry_seen_everywhere(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    result = run("add", "-t", "gluten", "--at", "2026-11-14 13:00")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Logged #1 · Sat 14 Nov 13:00 · @gluten\n"
    assert "@gluten" in run("list").stdout
    assert "@gluten" in run("show", "1").stdout
    for day in (15, 16):
        run("add", "8", "--at", f"2026-11-{day} 10:00")
    summary = run_json("summary", "--week", "2026-11-14")
    assert summary["tags"] == {"gluten": 1}
    flares = run_json("flares", "--from", "2026-11-01", "--to", "2026-11-22")
    assert flares["episodes"][0]["triggers"] == {"gluten": 1}
    # edit: clearing everything but the tags leaves a valid entry; nothing at all does not
    run("add", "5", "-t", "weather", "-n", "grey")
    assert run("edit", "4", "--clear-note", "--pain", "0").exit_code == 0
    assert run_json("show", "4")["tags"] == ["weather"]
    emptied = run("edit", "1", "--clear-tags")
    assert emptied.exit_code == 2 and "needs at least one of" in emptied.stderr
    assert "a tag" in emptied.stderr


def test_a_tag_alone_can_be_imported(run: Run, run_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run("add", "-t", "gluten")
    exported = tmp_path / "out.json"
    assert run("export", "-o", str(exported)).exit_code == 0
    other = tmp_path / "other"
    assert run("--db", str(other), "import", str(exported)).exit_code == 0
    assert run_json("--db", str(other), "show", "1")["tags"] == ["gluten"]


def test_add_help_says_a_tag_alone_can_be_logged(run: Run) -> None:
    assert "fibrolog add -t gluten" in flat(run("add", "--help").stdout)


# -- 2. temporary files of killed writers ----------------------------------------------------


def test_stale_temp_files_are_reported_then_removed_and_nothing_else_is(
    run: Run, diary_dir: Path
) -> None:
    run("add", "5")
    stale = [diary_dir / ".2026.json.999999.tmp", diary_dir / ".meta.json.999999.tmp"]
    others = [diary_dir / "notes.tmp", diary_dir / ".2026.json.bak", diary_dir / ".x.json.1.tmp"]
    for path in stale + others:
        path.write_text("half a save")
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert (
        "⚠ left by an interrupted save: .2026.json.999999.tmp, .meta.json.999999.tmp "
        "(the next change removes them)"
    ) in flat(checked.stdout)
    report = json.loads(run("check", "--json").stdout)
    assert report["whole"] is True
    assert report["stale_temp_files"] == [".2026.json.999999.tmp", ".meta.json.999999.tmp"]
    assert all(path.exists() for path in stale), "check only reads"
    assert run("add", "6").exit_code == 0
    assert not any(path.exists() for path in stale)
    assert all(path.read_text() == "half a save" for path in others)


# -- 3. the report's Widespread Pain Index is a past-week measure -----------------------------


def test_the_report_gives_the_wpi_of_the_last_7_days_and_the_weekly_series(
    run: Run, tmp_path: Path
) -> None:
    assert run("--db", os.environ["FIBROLOG_DB"], "demo", "--days", "120").exit_code == 0
    page = tmp_path / "report.html"
    assert run("report", "--weeks", "12", "-o", str(page)).exit_code == 0
    text = re.sub(r"<[^>]+>", "", page.read_text())
    found = re.search(
        r"Widespread Pain Index, last 7 days \(17 Nov – 23 Nov\): (\d+) of 19 areas\. "
        r"Weekly over the period \((\d+) weeks\): median ([\d.]+), range (\d+)–(\d+) "
        r"\(([\d ]+)\)",
        text,
    )
    assert found, text[:3000]
    latest, weeks, low, high = int(found[1]), int(found[2]), int(found[4]), int(found[5])
    weekly = [int(w) for w in found[6].split()]
    assert weeks == 11 and len(weekly) == weeks, "the whole weeks of 7 Sep – 23 Nov"
    assert weekly[-1] == latest and (low, high) == (min(weekly), max(weekly))
    assert latest <= high and latest < 19, "a week's WPI, not the union of the period"
    assert "Shading: the share of logged days each area was painful" in text


# -- 4. as-needed meds are not judged like daily ones ----------------------------------------


def test_insights_leave_out_a_rescue_med_and_say_so(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    for n in range(60):  # a daily med from day 20 on; a rescue pill on the worst days
        day = f"{date(2026, 9, 25) + timedelta(days=n)} 09:00"
        meds = ["-m", "pregabalin 75mg"] if n >= 20 else []
        if n % 11 == 0:
            meds += ["-m", "ibuprofen 400mg"]
        assert run("add", str(6 if n < 20 else 4), "--at", day, *meds).exit_code == 0
    found = run_json("insights")
    assert [m["med"] for m in found["meds"]] == ["pregabalin"]
    assert [m["med"] for m in found["meds_as_needed"]] == ["ibuprofen"]
    text = flat(run("insights").stdout)
    assert "as-needed meds are not compared: ibuprofen (" in text
    assert "ibuprofen (from" not in text and "pregabalin (from" in text


# -- 5. times that break or mislead ----------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["add", "3", "--at", "999999 days ago"],
        ["list", "--from", "999999 days ago"],
        ["list", "--to", "999999 days ago"],
        ["summary", "--week", "999999 days ago"],
        ["flares", "--last", "99999999y"],
    ],
)
def test_a_phrase_too_far_back_is_a_usage_error_that_quotes_it(
    run: Run, diary_dir: Path, args: list[str]
) -> None:
    run("add", "1")
    before = snapshot(diary_dir)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "too far" in result.stderr and f"'{args[-1]}'" in result.stderr
    assert "internal error" not in result.stderr
    assert snapshot(diary_dir) == before


def test_an_empty_time_is_refused(run: Run) -> None:
    for args, said in [
        (["add", "3", "--at", ""], "cannot read the time ''. Try '2026-11-20 21:00'"),
        (["list", "--from", ""], "cannot read the day ''. Try '2026-11-20', 'yesterday'"),
        (["summary", "--week", "next"], "cannot read the week 'next'. Try 'this', 'last'"),
    ]:
        result = run(*args)
        assert result.exit_code == 2 and said in result.stderr, (args, result.stderr)


def test_a_time_in_the_spring_forward_gap_is_refused_naming_the_gap(
    run: Run, cli_env: dict[str, str], diary_dir: Path
) -> None:
    cli_env["TZ"] = "Europe/London"
    result = run("add", "4", "--at", "2026-03-29 01:30")
    assert result.exit_code == 2
    assert (
        "2026-03-29 01:30 does not exist here: the clocks jumped from 01:00 to 02:00 on 29 Mar 2026"
    ) in flat(result.stderr)
    assert not diary_dir.exists()
    assert run("add", "4", "--at", "2026-03-29 02:30").exit_code == 0


def test_a_confirmation_outside_this_year_shows_the_year(run: Run) -> None:
    assert (
        run("add", "3", "--at", "1900-01-01", "--yes").stdout
        == "Logged #1 · Mon 01 Jan 1900 12:00 · pain 3\n"
    )
    assert run("add", "3", "--at", "2026-01-01").stdout == "Logged #2 · Thu 01 Jan 12:00 · pain 3\n"


# -- 6. import follows the rules of add -------------------------------------------------------


def test_import_refuses_an_entry_from_the_future_and_changes_nothing(
    run: Run, tmp_path: Path, diary_dir: Path
) -> None:
    run("add", "5")
    good = json.loads(run("export").stdout)["entries"][0]
    future = dict(good, uid="f" * 32, at="2099-01-01T10:00:00+01:00")
    soon = dict(good, uid="e" * 32, at="2026-11-23T09:19:00+01:00")  # within 5 minutes
    file = tmp_path / "edited.json"
    file.write_text(json.dumps({"format": "fibrolog", "schema": 1, "entries": [soon, future]}))
    before = snapshot(diary_dir)
    result = run("import", str(file))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: nothing imported: 1 invalid entry\n"
        "  entry 2: at 2099-01-01T10:00:00+01:00 is in the future\n"
    )
    assert snapshot(diary_dir) == before and not (diary_dir / "2099.json").exists()


# -- 7. messages a tired reader trips on ------------------------------------------------------


def test_import_and_export_messages_count_in_words(run: Run, tmp_path: Path) -> None:
    run("add", "5")
    file = tmp_path / "one.json"
    assert run("export", "-o", str(file)).stdout == f"Exported 1 entry to {file}\n"
    other = tmp_path / "other"
    assert run("--db", str(other), "import", str(file)).stdout == "Imported 1 entry.\n"
    assert (
        run("--db", str(other), "import", str(file)).stdout
        == "Imported 0 entries; 1 entry was already in the diary.\n"
    )
    bad = json.loads(file.read_text())
    bad["entries"] = [dict(bad["entries"][0], uid=c * 32, pain=11) for c in "abc"]
    file.write_text(json.dumps(bad))
    assert "nothing imported: 3 invalid entries\n" in run("import", str(file)).stderr


def test_scores_are_asked_for_in_plain_words(run: Run) -> None:
    for args in (["add", "9/3"], ["add", "--pain", "11"], ["edit", "1", "--fog", "7.5"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert re.search(r"'(9/3|11|7\.5)' is not a whole number from 0 to 10", result.stderr)
        assert "int range" not in result.stderr and "Usage: fibrolog" in result.stderr
    help_text = run("add", "--help").stdout + run("edit", "--help").stdout
    assert "<0-10>" in help_text and "int range" not in help_text.lower()
    assert "{entry_id}" not in run("show", "--help").stdout
    assert "Usage: fibrolog show [OPTIONS] {ID}" in run("show", "--help").stdout
    assert "Usage: fibrolog delete [OPTIONS] {ID...}" in run("delete", "--help").stdout


def test_sleep_hours_take_a_decimal_comma_and_refuse_nan_in_plain_words(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "--sleep-hours", "7,5").exit_code == 0
    assert run_json("show", "1")["sleep_hours"] == 7.5
    result = run("add", "--sleep-hours", "nan")
    assert result.exit_code == 2
    assert "Usage: fibrolog add" in result.stderr
    assert "'nan' is not a number of hours from 0 to 24" in result.stderr
    assert "sleep_hours" not in result.stderr


def test_meds_with_a_comma_in_the_dose_stay_one_med_in_show_and_markdown(run: Run) -> None:
    run("add", "-m", "vitamin d 1,000iu", "-m", "pregabalin 75mg")
    assert "meds    vitamin d 1,000iu; pregabalin 75mg" in lines(run("show", "1").stdout)
    markdown = run("export", "--format", "md").stdout
    assert "| vitamin d 1,000iu; pregabalin 75mg |" in markdown


# -- 8. recovery that went in a circle -------------------------------------------------------


def test_a_damaged_year_without_backups_has_a_way_out_that_keeps_the_damaged_file(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    for day in (10, 11, 12):
        run("add", str(day - 5), "--at", f"2026-11-{day} 10:00", "-n", f"day {day}")
    for backup in (diary_dir / "backups").iterdir():  # as if no backup had been made
        for file in backup.iterdir():
            file.unlink()
        backup.rmdir()
    year = diary_dir / "2026.json"
    damaged = year.read_bytes()[:-40]  # the last entry cut off
    year.write_bytes(damaged)
    failed = run("list")
    assert failed.exit_code == 1
    said = flat(failed.stderr)
    assert f"Error: {year} is damaged: it is cut off (truncated). No backup holds" in said
    way_out = re.search(r"salvage keeps 2 of the 3 entries .*?: `(fibrolog [^`]*)`", said)
    assert way_out, said
    checked = run("check")
    assert "salvage 2026.json" in flat(checked.stderr) and "fibrolog backups" not in checked.stderr
    result = run(*shlex.split(way_out.group(1))[1:], "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Saved 2 entries of 2026.json; 1 more could not be read.")
    kept = list(diary_dir.glob("2026.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged
    assert [e["note"] for e in run_json("list")] == ["day 10", "day 11"]
    assert run("check").exit_code == 0
    assert run("add", "1").stdout.startswith("Logged #4"), "ids are never handed out twice"


def test_a_damaged_backup_is_marked_and_latest_passes_over_it(
    run: Run,
    run_json,
    diary_dir: Path,  # type: ignore[no-untyped-def]
) -> None:
    run("add", "5")
    run("add", "6")  # the daily backup (entry 1)
    run("delete", "2", "--yes")  # a backup with entries 1 and 2
    good = run_json("backups")[0]["name"]
    (diary_dir / "2026.json").write_text("{bad")
    restored = run("restore", good, "--file", "2026.json", "--yes")
    assert restored.exit_code == 0, restored.output
    assert "It brings back" not in restored.stdout
    assert "The damaged 2026.json it replaced could not be counted." in restored.stdout
    listed = run_json("backups")
    assert listed[0]["damaged"] == ["2026.json"] and listed[1]["damaged"] == []
    assert "damaged" in run("backups").stdout
    again = run("restore", "latest", "--file", "2026.json", "--yes")
    assert f"from {good}." in again.stdout, "latest is the newest good backup"
    assert "The entries are the same as before." in again.stdout
    run("delete", "1", "--yes")
    back = run("restore", "latest", "--yes")
    assert "It brings back 1 entry (#1) deleted since then." in back.stdout
    assert [e["id"] for e in run_json("list")] == [1, 2]


def test_a_hand_broken_file_gets_one_diagnosis_everywhere(run: Run, diary_dir: Path) -> None:
    run("add", "5")
    (diary_dir / "2026.json").write_text("{bad")
    for args in (["list"], ["add", "3"], ["check"]):
        said = flat(run(*args).output)
        assert "2026.json is damaged: it is not valid JSON" in said, (args, said)
        assert "truncated" not in said, args
    assert re.search(r"not valid JSON \([^)]*\)\. ", flat(run("list").stderr))


# -- 9. self-assessments and settings ---------------------------------------------------------


def test_an_empty_fiqr_is_refused_and_views_never_say_none(run: Run, diary_dir: Path) -> None:
    result = run("fiqr", "--answers", ",".join(["-"] * 21))
    assert result.exit_code == 2 and "answer at least one question" in result.stderr
    assert not diary_dir.exists()
    answers = ["-"] * 21
    answers[0] = "5"  # only function answered: the total has no value
    assert run("fiqr", "--answers", ",".join(answers)).exit_code == 0
    shown = run("assessments").stdout
    assert "None" not in shown and "FIQR ·" in shown


def test_config_values_reach_their_own_check(run: Run) -> None:
    negative = run("config", "set", "flare.delta", "-5")
    assert negative.exit_code == 2
    assert "config key 'flare.delta' must be a number" in negative.stderr
    assert "No such option" not in negative.stderr
    assert run("config", "set", "week_start", "SUNDAY").stdout == 'week_start = "sunday"\n'
