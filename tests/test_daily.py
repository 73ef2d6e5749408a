"""Daily use (issue 20): exertion, the one-line status, `again`, reminders, and what tripped a
new user, as a user meets them through the command line."""

import json
import os
import shutil
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

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


def test_exertion_is_asked_when_chosen(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = terminal_env(tmp_path)
    fibrolog = [sys.executable, "-m", "fibrolog"]
    subprocess.run([*fibrolog, "config", "set", "prompts", "pain,exertion"], env=env, check=True)
    child = pexpect.spawn(fibrolog[0], [*fibrolog[1:], "add"], env=env, encoding="utf-8")
    child.expect_exact("Pain 0–10: ")
    child.sendline("5")
    child.expect_exact("Exertion today 0–10 (body and mind, 10 = most): ")
    child.sendline("8")
    child.expect_exact("Logged #1 · Mon 23 Nov 09:15 · pain 5 · exertion 8")
    child.expect(pexpect.EOF)


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


# -- status: a line for a shell prompt ------------------------------------------------------

STATUS_PROBE = """
import sys
from fibrolog.__main__ import main
sys.argv = ["fibrolog", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as stop:
    code = stop.code
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
print("loaded:", heavy, file=sys.stderr)
sys.exit(code)
"""
# What a prompt's status line must not wait for: the command-line stack, the store's and the
# models' libraries, and the imports that each cost from half to all of Python's start-up.
HEAVY = (
    "typer",
    "click",
    "rich",
    "tinydb",
    "msgspec",
    "platformdirs",
    "zoneinfo",
    "pathlib",
    "typing",
)


def status_fast(cli_env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`fibrolog status …` as a shell prompt runs it: a new process, through __main__.
    Without `site` (-S), whose .pth files on some machines import pathlib or typing first and
    would hide an import of ours; the line needs nothing beyond the standard library."""
    return subprocess.run(
        [sys.executable, "-S", "-c", f"HEAVY = {HEAVY!r}\n{STATUS_PROBE}", "status", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **cli_env, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )


def test_status_before_and_after_the_days_entries(run: Run, cli_env: dict[str, str]) -> None:
    assert run("status").stdout == "not logged today\n"
    assert status_fast(cli_env).stdout == "not logged today\n"
    assert status_fast(cli_env, "--prompt").stdout == "fl:–\n"
    run("add", "7", "--at", "yesterday 20:00")
    run("add", "-t", "stress", "--at", "07:00")
    assert status_fast(cli_env, "--prompt").stdout == "fl:✓\n"  # logged, no pain given
    run("add", "5", "--at", "08:00")
    run("add", "3", "--at", "06:00")  # logged later, but earlier in the day
    fast = status_fast(cli_env)
    assert fast.stdout == "logged today 3× · pain 5\n"
    assert "loaded: []" in fast.stderr, "no Typer, Rich or TinyDB on its path"
    assert status_fast(cli_env, "--prompt").stdout == "fl:5\n"
    # The Typer command says the same (it answers `--db` before `status`, and --help).
    assert run("status").stdout == "logged today 3× · pain 5\n"
    assert run("status", "--prompt").stdout == "fl:5\n"
    assert "fibrolog status --prompt" in run("status", "--help").stdout


def test_status_of_a_damaged_diary_says_so_in_one_line(
    run: Run, cli_env: dict[str, str], diary_dir: Path
) -> None:
    run("add", "5")
    (diary_dir / "2026.json").write_text('{"entries": {"1": {"at": 5}}}')
    fast = status_fast(cli_env)
    assert fast.returncode == 1 and fast.stdout == ""
    assert fast.stderr.splitlines()[0] == (
        f"Error: {diary_dir / '2026.json'} is damaged; `fibrolog check` says how"
    )
    prompt = status_fast(cli_env, "--prompt")
    assert (prompt.returncode, prompt.stdout) == (1, "fl:!\n")
    assert prompt.stderr.startswith("loaded:"), "a prompt stays one line"


def year_file(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "2026.json").write_text(text, encoding="utf-8")
    return folder / "2026.json"


def test_the_latest_pain_of_the_day_is_that_of_its_latest_moment(tmp_path: Path) -> None:
    from datetime import date

    from fibrolog.store.today import logged_on

    entries = {  # id: (time, pain); 3 is the latest instant though its wall clock is earlier
        "1": ("2026-11-23T08:00:00+01:00", 5),
        "2": ("2026-11-23T09:00:00+01:00", None),
        "3": ("2026-11-23T07:30:00+00:00", 3),
        "4": ("2026-11-22T23:00:00+01:00", 9),
        "5": ("2026-11-23T08:30:00+02:00", 7),  # 06:30 UTC
    }
    year = {"entries": {id: {"at": at, "pain": pain} for id, (at, pain) in entries.items()}}
    year_file(tmp_path, json.dumps(year))
    today = logged_on(tmp_path, date(2026, 11, 23))
    assert (today.entries, today.pain) == (4, 3)
    assert logged_on(tmp_path, date(2026, 11, 21)).entries == 0
    assert logged_on(tmp_path / "new", date(2026, 11, 23)).entries == 0


@pytest.mark.parametrize(
    "damage",
    [
        '{"entries": {"1": {"at": 5}}}',  # a day not asked for: the whole file is checked
        '{"entries": {"1": {"at": "2026-11-20T08:00:00+01:00", "pain": 5.0}}}',
        '{"entries": {"1": {"at": "2026-11-20T08:00:00+01:00", "pain": true}}}',
        '{"entries": {"1": {"at": "2026-11-20T08:00:00+01:00", "sleep_hours": NaN}}}',
        '{"entries": {"1": {"at": "2026-11-23Tlate", "pain": 5}}}',  # today's, unreadable
        '{"entries": {"1": {"pain": 5}}}',
        '{"entries": {"1": [5]}}',
        '{"entries": null}',
        '{"treatments": {}}',
        "[]",
        '{"entries": {',
        "",
    ],
)
def test_a_damaged_year_file_is_reported_not_misread(tmp_path: Path, damage: str) -> None:
    from datetime import date

    from fibrolog.errors import CorruptDiary
    from fibrolog.store.today import logged_on

    path = year_file(tmp_path, damage)
    with pytest.raises(CorruptDiary, match="is damaged; `fibrolog check` says how") as caught:
        logged_on(tmp_path, date(2026, 11, 23))
    assert caught.value.path == path  # for the way out the Typer command adds


def test_a_year_file_that_is_not_utf8_is_damaged(tmp_path: Path) -> None:
    from datetime import date

    from fibrolog.errors import CorruptDiary
    from fibrolog.store.today import logged_on

    (tmp_path / "2026.json").write_bytes(b'{"entries": {"1": {"at": "2026", "note": "\xff"}}}')
    with pytest.raises(CorruptDiary):
        logged_on(tmp_path, date(2026, 11, 23))


def test_status_finds_the_diary_where_the_other_commands_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from fibrolog.cli.options import data_folder
    from fibrolog.cli.status import diary_folder

    monkeypatch.delenv("FIBROLOG_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert Path(diary_folder()) == data_folder() / "diary" == tmp_path / "fibrolog" / "diary"


# -- again: the usual entry in one word --------------------------------------------------------


def test_again_repeats_what_stays_the_same_and_not_the_moment(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    first = ["6", "-f", "7", "-w", "neck,hips", "-t", "stress", "-m", "pregabalin 75mg"]
    run("add", *first, "--symptom", "headache=3", "-n", "private", "--flare", "--at", "07:00")
    again = run("again")
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "Logged #2 · Mon 23 Nov 09:15 · 3 areas · @stress · pregabalin 75mg · headache 3\n"
    )
    copy = run_json("show", "2")
    assert (copy["pain"], copy["fatigue"], copy["flare"], copy["note"]) == (None, None, False, "")
    # Options replace their field; an id picks the entry to repeat.
    run("add", "2", "-t", "rest", "--at", "08:00")
    changed = run_json("again", "1", "-p", "4", "-t", "walk", "-e", "8")
    assert (changed["pain"], changed["tags"], changed["exertion"]) == (4, ["walk"], 8)
    assert changed["meds"] == [{"name": "pregabalin", "dose": "75mg"}]


def test_again_with_nothing_to_repeat_says_what_to_do(run: Run) -> None:
    nothing = run("again")
    assert nothing.exit_code == 2
    assert "Error: nothing to repeat yet: no entry has areas, tags, meds or symptoms" in (
        nothing.stderr
    )
    run("add", "5")
    assert run("again").exit_code == 2
    bare = run("again", "1")
    assert bare.exit_code == 2
    assert "entry #1 has no areas, tags, meds or symptoms to repeat" in bare.stderr
    assert run("again", "1", "-p", "4").exit_code == 0
    # A quick pain-only check-in is not the usual entry: the latest with something is.
    run("add", "3", "-t", "walk", "--at", "07:00")
    run("add", "6", "--at", "08:00")
    assert run("again").stdout.endswith("· @walk\n")
    missing = run("again", "99")
    assert missing.exit_code == 1 and "there is no entry #99" in missing.stderr


def terminal_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a command run on a terminal (pexpect) in the test's diary."""
    return dict(
        os.environ,
        FIBROLOG_DB=str(tmp_path / "diary"),
        FIBROLOG_CONFIG=str(tmp_path / "c.toml"),
        FIBROLOG_NOW="2026-11-23T09:15:00",
        TZ="Europe/Berlin",
        NO_COLOR="1",
        PYTHONPATH=str(Path(__file__).parent.parent),
    )


def test_again_on_a_terminal_asks_only_for_pain(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    env = terminal_env(tmp_path)
    fibrolog = [sys.executable, "-m", "fibrolog"]
    subprocess.run([*fibrolog, "add", "5", "-w", "neck"], env=env, check=True, capture_output=True)
    child = pexpect.spawn(fibrolog[0], [*fibrolog[1:], "again"], env=env, encoding="utf-8")
    child.expect_exact("Pain 0–10 [5]: ")
    child.sendline("")  # Enter keeps the usual pain
    child.expect_exact("Logged #2 · Mon 23 Nov 09:15 · pain 5 · 1 area")
    child.expect(pexpect.EOF)
    child = pexpect.spawn(fibrolog[0], [*fibrolog[1:], "again"], env=env, encoding="utf-8")
    child.expect_exact("Pain 0–10 [5]: ")
    child.sendline("eleven")
    child.expect_exact("'eleven' is not a whole number from 0 to 10 (Enter keeps 5)")
    child.sendline("7")
    child.expect_exact("Logged #3 · Mon 23 Nov 09:15 · pain 7 · 1 area")
    child.expect(pexpect.EOF)
    assert "Fatigue" not in (child.before or "")


# -- what tripped a new user -------------------------------------------------------------------


def test_edit_clears_then_sets_as_the_readme_shows(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    run("add", "6", "-t", "stress", "-t", "gluten", "-w", "neck", "--flare")
    edited = run("edit", "1", "--pain", "5", "--no-flare", "--clear-tags", "-t", "weather")
    assert edited.exit_code == 0, edited.output
    entry = run_json("show", "1")
    assert (entry["pain"], entry["flare"], entry["tags"]) == (5, False, ["weather"])
    assert run_json("edit", "1", "--clear-where", "-w", "hips")["regions"] == [
        "hip-left",
        "hip-right",
    ]
    assert run_json("edit", "1", "--clear-tags")["tags"] == []


def test_names_with_spaces_are_hyphenated_and_said_so(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    added = run("add", "-t", "bad sleep", "-t", "stress,weather", "--symptom", "pins and needles=4")
    assert added.exit_code == 0, added.output
    assert added.stderr == (
        "Note: tag 'bad sleep' is kept as 'bad-sleep' (no spaces).\n"
        "Note: symptom 'pins and needles' is kept as 'pins-and-needles' (no spaces).\n"
    )
    entry = run_json("show", "1")
    assert entry["tags"] == ["bad-sleep", "stress", "weather"]
    assert entry["symptoms"] == {"pins-and-needles": 4}
    both = run_json("add", "--symptom", "headache=6 ibs=3, brain zaps = 2")
    assert both["symptoms"] == {"brain-zaps": 2, "headache": 6, "ibs": 3}
    bad = run("add", "--symptom", "headache 6")
    assert bad.exit_code == 2 and "'headache 6' should be NAME=SCORE, like headache=6" in bad.stderr


def test_the_tags_prompt_splits_at_spaces_unless_commas_are_used() -> None:
    from fibrolog.cli.entries import parse_tags

    assert parse_tags(["stress weather"], spaces_separate=True) == ["stress", "weather"]
    assert parse_tags(["stress, bad sleep"], spaces_separate=True) == ["stress", "bad-sleep"]


def test_an_unknown_area_gets_the_suggestion_alone(run: Run) -> None:
    wrong = run("add", "5", "-w", "nek")
    assert wrong.exit_code == 2
    assert wrong.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--where': unknown body area 'nek'. Did you mean 'neck'? "
        "`fibrolog add --help` lists them all."
    )
    listed = run("add", "--help").stdout
    assert "upper-leg-right" in listed and "everywhere" in listed  # names whole, not broken


def test_a_mistyped_year_is_refused_and_a_year_back_needs_yes(run: Run, diary_dir: Path) -> None:
    typo = run("add", "5", "--at", "1026-11-20")
    assert typo.exit_code == 2 and "in the year 1026; give a date from 1900 on" in typo.stderr
    assert not diary_dir.exists(), "nothing changed"
    far = run("add", "5", "--at", "2024-11-20")
    assert far.exit_code == 2
    assert "--at '2024-11-20' is Wed 20 Nov 2024 12:00, 2 years ago; add --yes" in far.stderr
    assert run("add", "5", "--at", "2024-11-20", "--yes").exit_code == 0
    assert run("add", "5", "--at", "2025-11-24").exit_code == 0  # within the year: no question
    assert run("edit", "1", "--at", "2023-01-01").exit_code == 2


def test_a_sunday_week_is_titled_with_the_week_asked_for(run: Run) -> None:
    assert run("config", "set", "week_start", "sunday").exit_code == 0
    run("add", "5", "--at", "2026-11-16 09:00")
    title = run("summary", "--week", "W47").stdout.splitlines()[0]
    assert title == "Week 47 · Sun 15 Nov – Sat 21 Nov 2026"


def test_config_refuses_an_empty_list_of_prompts(run: Run) -> None:
    empty = run("config", "set", "prompts", "")
    assert empty.exit_code == 2
    assert "config key 'prompts' needs at least one question, e.g. pain,fatigue,fog" in (
        empty.stderr
    )
    assert run("config", "get", "prompts").stdout.startswith('["pain"')


def test_assess_says_what_to_type_for_a_yes_or_no(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    answered = ["--areas", "neck", "--fatigue", "2", "--unrefreshed", "2", "--cognitive", "1"]
    answered += ["--no-abdominal", "--no-depression", "--three-months"]
    child = pexpect.spawn(
        sys.executable,
        ["-m", "fibrolog", "assess", *answered],
        env=terminal_env(tmp_path),
        encoding="utf-8",
    )
    child.expect_exact("Headaches in the past 6 months? [y/N]: ")
    child.sendline("maybe")
    child.expect_exact("'maybe' is not an answer here: type y (yes) or n (no); Enter means no.")
    child.expect_exact("Headaches in the past 6 months? [y/N]: ")
    child.sendline("y")
    child.expect("Widespread Pain Index")
    child.expect(pexpect.EOF)
    assert "invalid input" not in (child.before or "")


def test_the_demo_logs_exertion_and_its_courses_start_with_its_data(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--db", os.environ["FIBROLOG_DB"]).exit_code == 0
    entries = run_json("list", "-n", "0")
    first_day = entries[0]["at"][:10]
    efforts = [e["exertion"] for e in entries if e["exertion"] is not None]
    # one a day, in its last entry (at 09:15 today's is still to come); some days high
    assert len(efforts) == 83 and max(efforts) >= 7
    courses = run_json("treatment", "list")
    assert min(c["start"] for c in courses) >= first_day
    summary = run("summary").stdout
    assert "ibuprofen 400mg (week 13)" in summary


# -- remind: a daily nudge -------------------------------------------------------------------


@pytest.fixture
def fake_home(tmp_path: Path, cli_env: dict[str, str]) -> Path:
    """A temporary HOME, and a PATH holding only stand-ins that record how they were called."""
    home, tools = tmp_path / "home", tmp_path / "bin"
    home.mkdir()
    tools.mkdir()
    for tool in ("systemctl", "launchctl", "notify-send"):
        script = tools / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{tmp_path}/calls"\n')
        script.chmod(0o755)
    cli_env.update(HOME=str(home), XDG_CONFIG_HOME="", PATH=str(tools))
    return home


def calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_remind_installs_a_systemd_timer_and_removes_it(
    run: Run, fake_home: Path, tmp_path: Path, diary_dir: Path
) -> None:
    done = run("remind", "install", "--at", "8pm", "--kind", "systemd")
    assert done.exit_code == 0, done.output
    units = fake_home / ".config" / "systemd" / "user"
    command = f"{sys.executable} -m fibrolog --db {diary_dir} remind now"
    assert (units / "fibrolog-remind.service").read_text() == (
        "[Unit]\n"
        "Description=fibrolog: a nudge to log, if nothing is logged today\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={command}\n"
    )
    assert (units / "fibrolog-remind.timer").read_text() == (
        "[Unit]\n"
        "Description=fibrolog: a daily nudge to log at 20:00\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=*-*-* 20:00:00\n"
        "# A nudge missed while the computer was off is not made up later.\n"
        "Persistent=false\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    assert calls(tmp_path) == [
        "systemctl --user daemon-reload",
        "systemctl --user enable --now fibrolog-remind.timer",
    ]
    assert done.stdout.splitlines()[-1] == "To stop: fibrolog remind remove"
    assert run("remind", "status").stdout.startswith("A reminder at 20:00 each day")
    assert run("remind", "remove").exit_code == 0
    assert not list(units.iterdir())
    assert calls(tmp_path)[2:] == [
        "systemctl --user disable --now fibrolog-remind.timer",
        "systemctl --user daemon-reload",
    ]
    assert run("remind", "status").stdout.startswith("No reminder is installed.")


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    from fibrolog.cli.remind import systemd_units

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    command = [sys.executable, "-m", "fibrolog", "--db", "/tmp/100% mine", "remind", "now"]
    for name, text in systemd_units(time(7, 30), command).items():
        (tmp_path / name).write_text(text)
    checked = subprocess.run(
        [analyze, "verify", str(tmp_path / "fibrolog-remind.timer")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert (checked.returncode, checked.stderr) == (0, "")


def test_remind_on_macos_is_a_launchd_agent(run: Run, fake_home: Path, tmp_path: Path) -> None:
    import plistlib

    assert run("remind", "install", "--at", "07:30", "--kind", "launchd").exit_code == 0
    agent = fake_home / "Library" / "LaunchAgents" / "org.fibrolog.remind.plist"
    assert plistlib.loads(agent.read_bytes()) == {
        "Label": "org.fibrolog.remind",
        "ProgramArguments": [
            sys.executable, "-m", "fibrolog", "--db", str(tmp_path / "diary"), "remind", "now"
        ],
        "StartCalendarInterval": {"Hour": 7, "Minute": 30},
    }  # fmt: skip
    assert calls(tmp_path) == [f"launchctl load -w {agent}"]
    assert run("remind", "remove").exit_code == 0 and not agent.exists()


def test_remind_without_systemd_or_launchd_prints_the_crontab_line(
    run: Run, fake_home: Path, tmp_path: Path
) -> None:
    done = run("remind", "install", "--at", "21:05", "--kind", "cron")
    assert done.stdout.splitlines()[-1] == (
        f"5 21 * * * {sys.executable} -m fibrolog --db {tmp_path / 'diary'} remind now"
    )
    assert calls(tmp_path) == [] and not list(fake_home.iterdir()), "nothing installed"
    assert run("remind", "install", "--at", "soon").exit_code == 2


def test_remind_now_is_silent_once_something_is_logged(
    run: Run, fake_home: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    assert run("remind", "now").stdout == ""
    assert calls(tmp_path) == [
        "notify-send --app-name=fibrolog fibrolog Nothing logged today yet. A word is enough: "
        "fibrolog add 5 (or fibrolog again)"
    ]
    (tmp_path / "bin" / "notify-send").unlink()  # no desktop: one printed line instead
    assert run("remind", "now").stdout == (
        "Nothing logged today yet. A word is enough: fibrolog add 5 (or fibrolog again)\n"
    )
    run("add", "4")
    assert run("remind", "now").stdout == ""
    assert len(calls(tmp_path)) == 1


def test_again_with_a_preset(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    made = run("config", "set", "preset.morning", "-m 'pregabalin 75mg' -t rest")
    assert made.stdout == "preset.morning = \"-m 'pregabalin 75mg' -t rest\"\n"
    run("add", "5", "-w", "neck", "-t", "stress")  # the latest entry is not used by a preset
    entry = run_json("again", "morning", "-p", "4")
    assert (entry["pain"], entry["tags"], entry["regions"]) == (4, ["rest"], [])
    assert entry["meds"] == [{"name": "pregabalin", "dose": "75mg"}]
    assert run_json("again", "morning", "-t", "walk")["tags"] == ["walk"]  # options win
    unknown = run("again", "evening")
    assert unknown.exit_code == 2
    assert "'evening' is neither an entry number nor a preset; presets: morning" in (unknown.stderr)
    run("config", "set", "preset.odd", "--pian 5")
    wrong = run("again", "odd")
    assert wrong.exit_code == 2 and "preset 'odd' (--pian 5): No such option" in wrong.stderr
    assert run("config", "set", "preset.morning", "").stdout == "preset.morning removed\n"
    assert run("again", "morning").exit_code == 2
    refused = run("config", "set", "preset.walk", "rest")
    assert refused.exit_code == 2 and "must start with an option" in refused.stderr


def test_again_reads_the_settings_only_for_a_preset(run: Run, cli_env: dict[str, str]) -> None:
    # As for `add`, a settings file (even a broken one) is no concern of the usual entry.
    run("add", "5", "-w", "neck")
    Path(cli_env["FIBROLOG_CONFIG"]).write_text("[preset\n")
    assert run("again", "-p", "4").stdout == "Logged #2 · Mon 23 Nov 09:15 · pain 4 · 1 area\n"
    named = run("again", "morning")
    assert named.exit_code == 1 and "is not valid TOML" in named.stderr


ADD_PROBE = """
import sys
from fibrolog.__main__ import main
sys.argv = ["fibrolog", *sys.argv[1:]]
try:
    main()
finally:
    print("zoneinfo loaded:", "zoneinfo" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "needs_rules"),
    [
        (["add", "5"], False),
        (["again", "-p", "4"], False),
        (["add", "5", "--at", "yesterday 9am"], True),
    ],
)
def test_only_another_wall_time_loads_the_zone_rules(
    cli_env: dict[str, str], args: list[str], needs_rules: bool
) -> None:
    """A plain add is stamped with the offset in force now, as the zone's rules give it; the
    rules (zoneinfo, a tenth of add's start-up) are loaded only to read another wall time."""
    env = {**os.environ, **cli_env, "PYTHONPATH": str(Path(__file__).parent.parent)}
    del env["FIBROLOG_NOW"]  # the real clock: a fixed one is read with the zone's rules
    env["TZ"] = "America/St_Johns"  # -03:30 or -02:30: an offset no default would give
    first = subprocess.run(
        [sys.executable, "-c", ADD_PROBE, "add", "3", "-t", "walk"], env=env, capture_output=True
    )
    assert first.returncode == 0, first.stderr
    probe = subprocess.run(
        [sys.executable, "-c", ADD_PROBE, *args], env=env, capture_output=True, text=True
    )
    assert probe.returncode == 0, probe.stderr
    assert f"zoneinfo loaded: {needs_rules}" in probe.stderr
    from zoneinfo import ZoneInfo

    from fibrolog.store.diary import Diary

    latest = Diary(Path(cli_env["FIBROLOG_DB"])).newest(1)[0]
    assert latest.at.utcoffset() == latest.at.astimezone(ZoneInfo("America/St_Johns")).utcoffset()
    assert latest.logged.utcoffset() == latest.at.utcoffset() or needs_rules
