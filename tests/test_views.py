"""summary, flares and demo as a user sees them: JSON shape, text at a fixed width, calm edges."""

import os
import re
from pathlib import Path

import pytest

from .conftest import Run, flat, lines, snapshot

METRIC_KEYS = {"mean", "min", "max", "previous_mean", "change"}
DAILY_KEYS = {
    "date",
    "entries",
    "pain_mean",
    "pain_max",
    "fatigue_mean",
    "fog_mean",
    "stiffness_mean",
    "sleep_hours",
    "sleep_quality",
    "exertion_mean",
    "flare",
    "tags",
}
ANSI = re.compile(r"\x1b\[")


@pytest.fixture
def week(run: Run) -> None:
    """Week 47 (16–22 Nov 2026) and the week before it."""
    for args in (
        ["3", "--at", "2026-11-10 10:00"],
        [
            "5",
            "-f",
            "6",
            "--at",
            "2026-11-16 08:00",
            "-w",
            "neck,hips",
            "-t",
            "stress",
            "-m",
            "pregabalin 75mg",
        ],
        ["7", "--at", "2026-11-16 20:00", "--flare", "-n", "[awful] evening"],
        [
            "4",
            "--at",
            "2026-11-19 09:00",
            "--sleep-hours",
            "5",
            "--sleep-quality",
            "3",
            "-m",
            "pregabalin 75mg",
        ],
    ):
        assert run("add", *args).exit_code == 0


def test_summary_json_schema(run_json, week: None) -> None:  # type: ignore[no-untyped-def]
    out = run_json("summary", "--week", "2026-W47")
    assert set(out) == {
        "from",
        "to",
        "days",
        "days_logged",
        "entries",
        "flare_days",
        "metrics",
        "daily",
        "regions",
        "wpi",
        "generalized_regions",
        "tags",
        "meds",
    }
    assert (out["from"], out["to"], out["days"], out["days_logged"], out["entries"]) == (
        "2026-11-16",
        "2026-11-22",
        7,
        2,
        3,
    )
    assert set(out["metrics"]) == {
        "pain",
        "fatigue",
        "fog",
        "stiffness",
        "sleep_hours",
        "sleep_quality",
        "exertion",
    }
    assert all(set(m) == METRIC_KEYS for m in out["metrics"].values())
    # Monday mean 6, Thursday 4 → 5.0; the week before: 3 → change +2
    assert out["metrics"]["pain"] == {
        "mean": 5.0,
        "min": 4,
        "max": 7,
        "previous_mean": 3.0,
        "change": 2.0,
    }
    assert len(out["daily"]) == 7 and all(set(row) == DAILY_KEYS for row in out["daily"])
    assert out["daily"][0]["flare"] is True and out["flare_days"] == 1
    assert out["regions"] == {"hip-left": 1, "hip-right": 1, "neck": 1}
    assert out["meds"] == {"pregabalin": 2} and out["tags"] == {"stress": 1}
    assert run_json("summary", "--week", "2026-11-18") == out
    assert run_json("summary", "--from", "2026-11-16", "--to", "2026-11-22") == out


def test_summary_weeks_is_an_array_oldest_first(run_json, week: None) -> None:  # type: ignore[no-untyped-def]
    out = run_json("summary", "--weeks", "3", "--week", "2026-W47")
    assert [w["from"] for w in out] == ["2026-11-02", "2026-11-09", "2026-11-16"]
    assert run_json("summary", "--month", "2026-11")["days"] == 30


def test_week_start_setting_moves_the_week(run: Run, run_json, week: None) -> None:  # type: ignore[no-untyped-def]
    assert run("config", "set", "week_start", "sunday").exit_code == 0
    assert run_json("summary", "--week", "2026-11-18")["from"] == "2026-11-15"


def test_summary_text_at_80_columns(run: Run, cli_env: dict[str, str], week: None) -> None:
    cli_env["COLUMNS"] = "80"
    result = run("summary", "--week", "2026-W47")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert not ANSI.search(text)
    assert text.splitlines()[0] == "Week 47 · Mon 16 Nov – Sun 22 Nov 2026"
    assert "2 of 7 days logged · 3 entries · 1 flare day" in text
    assert re.search(r"pain\s+5\.00\s+4–7\s+3\.00\s+↑ 2\.00", text)
    assert "WPI 3 of 19 · generalized pain in 3 of 5 regions" in text  # hips L+R, neck
    assert "│▅  ▄   │" in text  # Monday 6 → ▅ (4 of 7 steps), Thursday 4 → ▄
    assert max(len(line) for line in text.splitlines()) <= 80


def test_flares_json_and_text(run: Run, run_json, week: None) -> None:  # type: ignore[no-untyped-def]
    out = run_json("flares", "--from", "2026-11-01", "--to", "2026-11-22")
    assert set(out) == {"from", "to", "threshold", "delta", "baseline_days", "days", "episodes"}
    assert (out["threshold"], out["delta"], out["baseline_days"]) == (7, 2, 28)
    assert out["days"] == [
        {
            "date": "2026-11-16",
            "pain_mean": 6.0,
            "pain_max": 7,
            "baseline": None,
            "reasons": ["marked"],
            "tags": ["stress"],
        }
    ]
    assert out["episodes"] == [
        {
            "start": "2026-11-16",
            "end": "2026-11-16",
            "days": 1,
            "flare_days": 1,
            "peak": 7,
            "mean": 6.0,
            "triggers": {"stress": 1},
        }
    ]
    assert run_json("flares", "--from", "2026-11-01", "--to", "2026-11-22", "--threshold", "6")[
        "days"
    ][0]["reasons"] == ["marked", "severe"]
    text = flat(run("flares", "--from", "2026-11-01", "--to", "2026-11-22").stdout)
    assert "2026-11-16 Mon 6.0 7 · stress marked" in text
    assert "1 episode" in text


def test_calm_views(run: Run, run_json, diary_dir: Path) -> None:  # type: ignore[no-untyped-def]
    empty = run("summary")
    assert empty.exit_code == 0 and "No entries in this period" in empty.stdout
    assert run("flares").stdout.count("No flare days") == 1
    assert not diary_dir.exists(), "reading never creates the diary"
    run("add", "-n", "no scores today", "--at", "2026-11-17 10:00")
    out = run_json("summary", "--week", "2026-W47")
    assert out["entries"] == 1 and out["metrics"]["pain"]["mean"] is None
    text = run("summary", "--week", "2026-W47").stdout
    assert "│       │" in text and "Traceback" not in text


def test_summary_and_flares_bad_input(run: Run, diary_dir: Path) -> None:
    run("add", "3")
    before = snapshot(diary_dir)
    for args, message in (
        (["summary", "--week", "2026-W60"], "not a week"),
        (["summary", "--month", "2026-13"], "2026-13"),
        (["summary", "--week", "last", "--month", "2026-11"], "choose one period"),
        (["summary", "--weeks", "2", "--month", "2026-11"], "--weeks goes with --week"),
        (["flares", "--threshold", "11"], "--threshold"),
        (["flares", "--from", "2026-11-20", "--to", "2026-11-01"], "after"),
    ):
        result = run(*args)
        assert result.exit_code == 2 and message in result.stderr, (args, result.output)
    assert snapshot(diary_dir) == before


def test_demo_then_summary_weeks(run: Run, diary_dir: Path, cli_env: dict[str, str]) -> None:
    result = run(
        "--db", os.environ["FIBROLOG_DB"], "demo", "--days", "60", "--per-day", "3", "--seed", "7"
    )
    assert result.exit_code == 0, result.output
    assert "Made 178 demo entries over 60 days" in result.stdout
    assert "Week 48" in result.stdout and "Flares ·" in result.stdout
    assert f"fibrolog --db {diary_dir} summary --weeks 4" in result.stdout
    weeks = run("summary", "--weeks", "4")
    assert weeks.exit_code == 0 and weeks.stdout.count("\nW") == 4
    again = run("--db", os.environ["FIBROLOG_DB"], "demo")
    assert again.exit_code == 1 and "already holds a diary" in again.stderr
    forced = run("--db", os.environ["FIBROLOG_DB"], "demo", "--force", "--days", "10")
    assert forced.exit_code == 0 and "Backed up the old diary" in forced.stdout
    assert len(list((diary_dir / "backups").iterdir())) == 1


def test_demo_is_seeded_and_realistic(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from fibrolog.analysis.flares import flares
    from fibrolog.config import FlareSettings
    from fibrolog.demo import generate

    now = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Europe/Berlin"))
    first, second = generate(84, 2, 3, now), generate(84, 2, 3, now)
    assert [e.to_dict() for e in first] == [e.to_dict() for e in second]
    assert all(e.at <= now for e in first)
    found = flares(first, now.date().replace(day=1, month=9), now.date(), FlareSettings())
    assert len(found.episodes) >= 2, "flares every few weeks"
    assert any(ep.triggers for ep in found.episodes), "preceded by trigger tags"
    assert all(any(m.name == "pregabalin" for m in e.meds) for e in first if e.at.hour < 10)


def test_demo_never_touches_the_real_diary(
    run: Run, cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del cli_env["FIBROLOG_DB"]
    monkeypatch.delenv("FIBROLOG_DB")
    cli_env["XDG_DATA_HOME"] = str(tmp_path / "data")
    result = run("demo", "--days", "7")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "fibrolog" / "demo" / "meta.json").exists()
    assert not (tmp_path / "data" / "fibrolog" / "diary").exists()
    assert run("demo", "--days", "7").exit_code == 0, "its own folder is simply remade"


def test_list_text_is_a_table_of_fixed_columns(run: Run, cli_env: dict[str, str]) -> None:
    cli_env["COLUMNS"] = "72"
    for day, pain in ((18, 9), (19, 4), (20, None)):
        args = [str(pain)] if pain is not None else ["--fatigue", "3"]
        run("add", *args, "--at", f"2026-11-{day} 08:00", "-w", "neck", "-n", "x" * 80)
    run("add", "2", "--at", "2026-11-21 08:00", "--sleep-hours", "7.5", "--sleep-quality", "6")
    run("add", "--at", "2026-11-22 08:00", "--flare", "-t", "weather")
    assert lines(run("list").stdout) == [
        "#  when                  pain  fatigue    sleep  flare  details",
        "─" * 72,
        "1  2026-11-18 Wed 08:00     9        ·        ·         neck · xxxxxxxx…",
        "2  2026-11-19 Thu 08:00     4        ·        ·         neck · xxxxxxxx…",
        "3  2026-11-20 Fri 08:00     ·        3        ·         neck · xxxxxxxx…",
        "4  2026-11-21 Sat 08:00     2        ·  7.5h q6",
        "5  2026-11-22 Sun 08:00     ·        ·        ·  FLARE  @weather",
    ]  # fog, stiffness and effort have no value here: they give way to the details


def test_list_of_everything_streams_the_same_table_sized_for_any_entry(
    run: Run, cli_env: dict[str, str]
) -> None:
    cli_env["COLUMNS"] = "72"
    for day in range(1, 31):
        run("add", str(day % 11), "--at", f"2026-10-{day:02d} 08:00", "-n", "痛み [b]x[/b]" * 3)
    run("add", "2", "--at", "2026-11-21 08:00", "--sleep-hours", "7.5", "--sleep-quality", "6")
    shown = lines(run("list", "-n", "0").stdout)  # 31 rows: more than a screen (25 lines)
    # The columns are sized before reading, for any entry (the sleep column for "23.75h q10"),
    # so at 72 columns fog gives way; the rows are those of the table at these widths.
    assert shown[:4] == [
        " #  when                  pain  fatigue       sleep  flare  details",
        "─" * 72,
        " 1  2026-10-01 Thu 08:00     1        ·           ·         痛み [b]x[/…",
        " 2  2026-10-02 Fri 08:00     2        ·           ·         痛み [b]x[/…",
    ]
    assert shown[-1] == "31  2026-11-21 Sat 08:00     2        ·     7.5h q6"
    assert len(shown) == 33
    assert lines(run("list", "-n", "30").stdout)[2].startswith(" 2  2026-10-02")
    nothing = run("list", "-n", "30", "--tag", "absent")
    assert nothing.stdout == "No entries match. Add one with: fibrolog add 5\n"
    assert lines(run("list", "-n", "0", "--min-pain", "10").stdout)[2:] == [
        "10  2026-10-10 Sat 08:00    10        ·           ·         痛み [b]x[/…",
        "21  2026-10-21 Wed 08:00    10        ·           ·         痛み [b]x[/…",
    ]


def test_a_long_list_read_already_gives_its_empty_columns_to_the_details(
    run: Run, cli_env: dict[str, str]
) -> None:
    cli_env["COLUMNS"] = "72"
    for day in range(1, 31):
        run("add", str(day % 11), "--at", f"2026-10-{day:02d} 08:00", "-n", "aches " * 20)
    run("add", "--fatigue", "4", "--at", "2026-10-31 08:00")
    shown = lines(run("list", "-n", "30").stdout)  # more than a screen (25 lines)
    assert shown[:3] == [
        " #  when                  pain  fatigue  details",
        "─" * 72,
        " 2  2026-10-02 Fri 08:00     2        ·  aches aches aches aches aches …",
    ]
    assert shown[-2:] == [
        "31  2026-10-31 Sat 08:00     ·        4",
        "The newest 30 shown; -n 0 shows all.",
    ]
    assert len(shown) == 33
    # Streamed as it is read, the whole diary keeps them: its columns are set before reading.
    assert lines(run("list", "-n", "0").stdout)[0].endswith("sleep  flare  details")


def test_better_and_worse_are_coloured_the_right_way_round(
    run: Run, cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    del cli_env["NO_COLOR"]
    monkeypatch.delenv("NO_COLOR")
    cli_env["FORCE_COLOR"] = "1"
    run("add", "3", "--at", "2026-11-10 08:00", "--sleep-hours", "8", "--sleep-quality", "3")
    run("add", "6", "--at", "2026-11-17 08:00", "--sleep-hours", "6", "--sleep-quality", "7")
    text = run("summary", "--week", "2026-W47").stdout
    red, green = "\x1b[31m", "\x1b[32m"
    assert f"{red}↑ 3.00" in text, "more pain is worse"
    assert f"{red}↓ 2.00" in text, "less sleep is worse"
    assert f"{green}↑ 4.00" in text, "better sleep quality is better, though it went up"
    assert "\x1b[33m 6.0" in text, "a day's pain of 6 is yellow"
    cli_env["NO_COLOR"] = "1"  # no colour (bold and dim are not colours)
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", run("summary", "--week", "2026-W47").stdout)
    del cli_env["NO_COLOR"], cli_env["FORCE_COLOR"]
    assert "\x1b[" not in run("summary", "--week", "2026-W47").stdout, "piped: plain text"


def test_terminal_control_characters_in_notes_are_never_sent_to_the_terminal(run: Run) -> None:
    note = "evil \x1b[2J\x1b]0;title\x07 end\nsecond line"
    assert run("add", "3", "-n", note, "--med", "pill\x1b[31m 5mg").exit_code == 0
    for args in (["list"], ["show", "1"]):
        shown = run(*args).stdout
        assert "\x1b" not in shown and "\x07" not in shown, args
        assert "�[2J" in shown, args
    assert "second line" in run("show", "1").stdout.splitlines()
    assert run_json_note(run) == note, "the diary keeps the note exactly as typed"


def run_json_note(run: Run) -> str:
    import json

    return str(json.loads(run("show", "1", "--json").stdout)["note"])
