"""The command line as a user meets it: output text, JSON, exit codes, and files untouched."""

import json
from pathlib import Path

import pytest

from .conftest import Run, flat, lines, snapshot


def test_add_prints_one_line_and_stores_every_field(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    result = run(
        "add",
        "6",
        "-f",
        "7",
        "--fog",
        "4",
        "-s",
        "5",
        "--sleep-hours",
        "6.5",
        "--sleep-quality",
        "3",
        "-w",
        "neck,left-shoulder",
        "-w",
        "hips",
        "-t",
        "Stress",
        "-m",
        "Pregabalin 75mg",
        "--symptom",
        "headache=4",
        "--flare",
        "-n",
        "[bad day] [/x] 😣 @weather",
        "--at",
        "yesterday 9pm",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Logged #1 · Sun 22 Nov 21:00 · pain 6 · fatigue 7 · fog 4 · stiffness 5 · "
        "sleep quality 3 · slept 6.5 h · flare · 4 areas · @stress @weather · pregabalin 75mg · "
        "headache 4 · note\n"
    )
    (entry,) = run_json("list")
    assert entry["at"] == "2026-11-22T21:00:00+01:00"
    assert entry["logged"] == "2026-11-23T09:15:00+01:00"
    assert entry["regions"] == ["shoulder-left", "hip-left", "hip-right", "neck"]
    assert entry["tags"] == ["stress", "weather"]
    assert entry["meds"] == [{"name": "pregabalin", "dose": "75mg"}]
    assert entry["symptoms"] == {"headache": 4}
    assert entry["sleep_hours"] == 6.5 and entry["sleep_quality"] == 3 and entry["flare"] is True
    assert entry["note"] == "[bad day] [/x] 😣 @weather"


def test_notes_print_literally_never_as_markup(run: Run) -> None:
    note = "[bold]not bold[/bold] [/x] [red]"
    assert run("add", "3", "-n", note).exit_code == 0
    shown = run("show", "1")
    assert shown.exit_code == 0, shown.output
    assert note in shown.stdout
    listed = run("list")
    assert "[bold]not bold[/bold]" in listed.stdout


def test_note_from_stdin(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "-n", "-", input="line one\nline two\n").exit_code == 0
    assert run_json("show", "1")["note"] == "line one\nline two"


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["add", "11"], 2, "'11' is not a whole number from 0 to 10"),
        (["add", "--pain", "-1"], 2, "--pain"),
        (["add", "5", "--at", "next tuesday"], 2, "cannot read the time 'next tuesday'"),
        (["add", "5", "--at", "2026-12-01"], 2, "in the future"),
        (["add", "5", "-w", "sholder"], 2, "Did you mean"),
        (["add", "5", "-t", "two words!"], 2, "--tag"),
        (["add", "5", "--symptom", "headache"], 2, "NAME=SCORE"),
        (["add", "5", "--sleep-hours", "30"], 2, "--sleep-hours"),
        (["add", "5", "--pain", "6"], 2, "pain given twice"),
        (["add"], 2, "nothing to record"),
        (["list", "--from", "someday"], 2, "someday"),
        (["list", "--last", "7x"], 2, "7x"),
        (["show", "99"], 1, "no entry #99"),
        (["edit", "99", "--pain", "3"], 1, "no entry #99"),
        (["edit", "1"], 2, "nothing to change"),
        (["edit", "1", "--pain", "12"], 2, "--pain"),
        (["delete", "99", "--yes"], 1, "no entry #99"),
        (["delete", "1"], 1, "Cancelled: nothing was changed."),
        (["export", "--format", "xml"], 2, "xml"),
        (["import", "missing.json"], 2, "missing.json"),
        # an option by another name points at the one meant, not at a look-alike
        (["add", "5", "--areas", "neck"], 2, "No such option: --areas (Possible options: --where)"),
        (["add", "5", "--date", "yesterday"], 2, "--date (Possible options: --at)"),
        (["edit", "1", "--sleep", "7"], 2, "(Possible options: --sleep-hours, --sleep-quality)"),
        (["treatment", "stop", "x", "--date", "monday"], 2, "--date (Possible options: --on)"),
        (["add", "5", "--notee", "x"], 2, "No such option: --notee (Possible options: --note)"),
        (["summary", "--date", "monday"], 2, "(Possible options: --from, --to, --week)"),
        # a second score without its name
        (["add", "5", "6"], 2, "(6). Only pain goes without a name; give the others theirs: -f N"),
        (["edit", "1", "6"], 2, "Give the entry's number, then what changes by name: -p N"),
        (["treatment", "edit", "1", "6"], 2, "Got unexpected extra argument(s) (6)\n"),
        # counts and ids in the user's words, not click's ("not a valid int range", "x>=1")
        (["show", "abc"], 2, "Invalid value for 'ID': 'abc' is not a whole number (1 or more)"),
        (["delete", "1", "0"], 2, "'0' is not a whole number (1 or more)"),
        (["list", "-n", "-3"], 2, "'-3' is not a whole number (0 or more)"),
        (["summary", "--weeks", "0"], 2, "'0' is not a whole number from 1 to 520"),
        (["flares", "--delta", "0"], 2, "'0' is not a number from 0.01 to 10"),
        (["assess", "--fatigue", "4"], 2, "'4' is not a whole number from 0 to 3"),
        (["list", "--since", "monday"], 2, "--since (Possible options: --from)"),
    ],
)
def test_bad_input_gets_one_clear_line_the_right_code_and_changes_nothing(
    run: Run, diary_dir: Path, args: list[str], code: int, message: str
) -> None:
    assert run("add", "4", "-w", "neck", "-n", "keep me").exit_code == 0
    before = snapshot(diary_dir)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert "int range" not in result.stderr and "x>=" not in result.stderr
    assert snapshot(diary_dir) == before


def test_a_truncated_diary_is_refused_by_every_command(
    run: Run, diary_dir: Path, tmp_path: Path
) -> None:
    for pain in (3, 4, 5):
        assert run("add", str(pain)).exit_code == 0
    export_file = tmp_path / "in.json"
    export_file.write_text(run("export").stdout)
    year = diary_dir / "2026.json"
    year.write_bytes(year.read_bytes()[:-40])
    before = snapshot(diary_dir)
    for args in (
        ["add", "5"],
        ["list"],
        ["log"],
        ["show", "1"],
        ["edit", "1", "--pain", "2"],
        ["delete", "1", "--yes"],
        ["export"],
        ["import", str(export_file)],
        ["info"],
    ):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Error: ") and "2026.json" in result.stderr, args
        assert len(result.stderr.strip().splitlines()) == 1, args
        assert snapshot(diary_dir) == before, args


def test_list_filters_and_limit(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    run("add", "2", "--at", "2026-11-01 10:00", "-t", "rest")
    run("add", "8", "--at", "2026-11-10 10:00", "-t", "stress", "-w", "neck", "--flare")
    run("add", "6", "--at", "2026-11-20 10:00", "-t", "stress")
    run("add", "4", "--at", "2026-11-22 10:00", "-w", "lower-back")
    ids = lambda *args: [e["id"] for e in run_json("list", *args)]  # noqa: E731
    assert ids() == [1, 2, 3, 4]
    assert ids("-n", "2") == [3, 4]
    assert ids("--tag", "stress") == [2, 3]
    assert ids("--min-pain", "6") == [2, 3]
    assert ids("--flare") == [2]
    assert ids("--where", "back") == [4]
    assert ids("--last", "7d") == [3, 4]
    assert ids("--from", "2026-11-05", "--to", "2026-11-20") == [2, 3]
    assert run_json("log", "-n", "1")[0]["id"] == 4


def test_list_on_an_empty_diary_is_calm(run: Run) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "No entries match" in result.stdout


def test_edit_changes_only_what_is_given(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    run("add", "6", "-f", "5", "-w", "neck", "-t", "stress", "-n", "first", "--flare")
    result = run("edit", "1", "--pain", "4", "--no-flare", "--clear-tags", "-n", "second @rain")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Updated #1")
    entry = run_json("show", "1")
    assert (entry["pain"], entry["fatigue"], entry["flare"]) == (4, 5, False)
    assert (
        entry["regions"] == ["neck"]
        and entry["tags"] == ["rain"]
        and entry["note"] == "second @rain"
    )
    assert run("edit", "1", "--at", "2025-12-31 23:00").exit_code == 0
    assert run_json("show", "1")["at"] == "2025-12-31T23:00:00+01:00"


def test_edit_cannot_empty_an_entry(run: Run, diary_dir: Path) -> None:
    run("add", "-n", "only a note")
    before = snapshot(diary_dir)
    result = run("edit", "1", "--clear-note")
    assert result.exit_code == 2 and "at least one of" in result.stderr
    assert snapshot(diary_dir) == before


def test_delete_asks_and_ids_are_never_reused(run: Run, run_json, diary_dir: Path) -> None:  # type: ignore[no-untyped-def]
    run("add", "3")
    run("add", "4")
    result = run("delete", "2", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Deleted #2" in result.stdout
    assert run("add", "5").stdout.startswith("Logged #3")
    assert [e["id"] for e in run_json("list")] == [1, 3]
    assert (diary_dir / "backups").is_dir()


def test_export_formats(run: Run, tmp_path: Path) -> None:
    run("add", "5", "-n", '=HYPERLINK("x") | pipe\nnext', "-m", "ibuprofen 400mg")
    csv_text = run("export", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == (
        "id,uid,at,logged,pain,fatigue,fog,stiffness,sleep_hours,sleep_quality,exertion,"
        "regions,tags,meds,flare,note"
    )
    assert "'=HYPERLINK" in csv_text
    md = run("export", "--format", "md").stdout
    assert "\\| pipe<br>next" in md
    document = json.loads(run("export").stdout)
    assert document["format"] == "fibrolog" and document["schema"] == 2
    out = tmp_path / "out.json"
    result = run("export", "-o", str(out))
    assert result.exit_code == 0 and "Exported 1 entry" in result.stdout
    assert out.stat().st_mode & 0o777 == 0o600


def test_import_round_trip_and_idempotence(
    run: Run, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    run("add", "5", "-t", "stress", "--at", "2025-06-01 10:00", "--yes")
    run("add", "7", "--flare", "-n", "x")
    dump = tmp_path / "dump.csv"
    run("export", "--format", "csv", "-o", str(dump))
    cli_env["FIBROLOG_DB"] = str(tmp_path / "other")
    result = run("import", str(dump))
    assert result.exit_code == 0, result.output
    assert result.stdout == "Imported 2 entries.\n"
    assert (
        run("import", str(dump)).stdout
        == "Imported 0 entries; 2 entries were already in the diary.\n"
    )


def test_import_is_all_or_nothing_and_names_bad_rows(
    run: Run, tmp_path: Path, diary_dir: Path
) -> None:
    run("add", "5")
    good = json.loads(run("export").stdout)["entries"][0]
    bad = dict(good, uid="f" * 32, pain=12)
    worse = dict(good, uid="e" * 32, at="yesterday")
    file = tmp_path / "bad.json"
    file.write_text(
        json.dumps(
            {"format": "fibrolog", "schema": 1, "entries": [dict(good, uid="a" * 32), bad, worse]}
        )
    )
    before = snapshot(diary_dir)
    result = run("import", str(file))
    assert result.exit_code == 1
    assert "entry 2: pain must be" in result.stderr and "entry 3: at" in result.stderr
    assert snapshot(diary_dir) == before


def test_import_reads_a_bom_and_refuses_what_is_not_utf8(
    run: Run, tmp_path: Path, diary_dir: Path
) -> None:
    run("add", "5", "-n", "café 😣")
    exported = run("export").stdout
    run("add", "6")
    before = snapshot(diary_dir)
    for name, content, message in (
        ("latin1.csv", "id,uid\n1,caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        ("broken.json", b'{"format": "fibrolog", "entries": [', "not valid JSON"),
        ("empty.json", b"  \n", "the file is empty"),
    ):
        (tmp_path / name).write_bytes(content)
        result = run("import", str(tmp_path / name))
        assert result.exit_code == 1 and message in result.stderr, (name, result.stderr)
        assert snapshot(diary_dir) == before, name
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + exported.encode())
    other = tmp_path / "other"
    result = run("--db", str(other), "import", str(tmp_path / "bom.json"))
    assert result.stdout == "Imported 1 entry.\n"
    assert "café 😣" in run("--db", str(other), "list").stdout


def test_db_option_before_or_after_the_command(run: Run, tmp_path: Path) -> None:
    for args in (
        ["--db", str(tmp_path / "a"), "add", "3"],
        ["add", "3", "--db", str(tmp_path / "b")],
    ):
        assert run(*args).exit_code == 0
    assert (tmp_path / "a" / "2026.json").exists() and (tmp_path / "b" / "2026.json").exists()


def test_info_and_version(run: Run, diary_dir: Path) -> None:
    run("add", "3", "--at", "2025-03-01 10:00", "--yes")
    run("add", "4")
    text = run("info").stdout
    shown = lines(text)
    assert shown[:6] == [
        "fibrolog          0.1.0",
        f"diary folder      {diary_dir}",
        "entries           2",
        "first entry       #1 Sat 01 Mar 10:00 2025",
        "last entry        #2 Mon 23 Nov 09:15 2026",
        "year file         2025.json  0.3 KiB",
    ]
    assert shown[6].startswith("                  2026.json  ")
    assert shown[7:9] == ["treatments        0 courses, 0 running", "self-assessments  0"]
    assert f"backups 1 in {diary_dir / 'backups'}, newest 2026" in flat(text)
    assert run("--version").stdout.startswith("fibrolog ")


def test_unexpected_errors_print_no_data_and_no_locals(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fibrolog.store import diary as store

    def explode(self: object, entries: object) -> None:
        raise RuntimeError("secret note text")

    monkeypatch.setattr(store.Diary, "add_many", explode)
    result = run("add", "5", "-n", "secret note text")
    assert result.exit_code == 1
    assert "unexpected internal error (RuntimeError)" in result.stderr
    assert "secret" not in result.output


def test_import_reads_odd_layouts_and_names_bad_records(run: Run, tmp_path: Path) -> None:
    """An indented export is read a record at a time; other layouts whole; both the same."""
    uid = "0123456789abcdef0123456789abcd{:02x}"
    records = [
        {
            "uid": uid.format(i),
            "at": "2026-11-20T08:00:00+01:00",
            "logged": "2026-11-20T08:00:00+01:00",
            "pain": i,
            "note": "a note with\n    }\n    { inside it",
        }
        for i in range(3)
    ]
    nested_same_indent = (
        '{"format": "fibrolog", "entries": [\n  {"uid": "UID", "at": "2026-11-20T08:00:00+01:00",\n'
        '  "logged": "2026-11-20T08:00:00+01:00", "symptoms": {"x": 1\n  }\n  }\n]}'
    ).replace("UID", uid.format(9))
    layouts = {
        "indented.json": json.dumps({"format": "fibrolog", "entries": records}, indent=2),
        "compact.json": json.dumps(records),
        "same-indent.json": nested_same_indent,
    }
    for name, text in layouts.items():
        path = tmp_path / name
        path.write_text(text)
        result = run("import", str(path))
        assert result.exit_code == 0, (name, result.output)
    notes = [e["note"] for e in json.loads(run("list", "--json").stdout)]
    assert notes.count("a note with\n    }\n    { inside it") == 3
    bad = json.dumps(
        {"format": "fibrolog", "entries": [*records, {**records[0], "pain": 11}]}, indent=2
    )
    path = tmp_path / "bad.json"
    path.write_text(bad)
    result = run("import", str(path))
    assert result.exit_code == 1 and "entry 4: pain must be a whole number" in result.stderr
    path.write_text(bad[: len(bad) // 2])
    result = run("import", str(path))
    assert result.exit_code == 1 and "not valid JSON" in result.stderr


def test_a_folder_the_system_refuses_gets_one_line_naming_it(run: Run, tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("")
    result = run("--db", str(a_file / "diary"), "add", "3")
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot use {a_file / 'diary'}: Not a directory\n"


def test_answering_no_cancels_on_its_own_line_and_changes_nothing(
    run: Run, diary_dir: Path
) -> None:
    run("add", "4")
    before = snapshot(diary_dir)
    result = run("delete", "1", input="n\n")
    assert result.exit_code == 1
    assert result.stderr == "Cancelled: nothing was changed.\n"  # no blank line after an answer
    assert snapshot(diary_dir) == before


def test_a_decimal_threshold_takes_a_comma_and_refuses_in_words(run: Run, run_json) -> None:  # type: ignore[no-untyped-def]
    run("add", "7", "--at", "2026-11-20 10:00")
    run("add", "8", "--at", "2026-11-21 10:00")
    found = run_json("flares", "--threshold", "7,5")
    assert found["threshold"] == 7.5
    assert [d["date"] for d in found["days"]] == ["2026-11-21"]  # pain 7 is under 7.5
    result = run("flares", "--threshold", "ten")
    assert result.exit_code == 2
    assert "'ten' is not a number from 0 to 10" in result.stderr
