"""Terminal text: colour rules, display widths, wrapping and aligned columns."""

import io
import re
import subprocess
import sys

import pytest

from fibrolog.terminal import Out, Table, cell_width, cut, wants_colour, wrap

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "environ", "colour"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # an empty NO_COLOR does not count
        (False, {"FORCE_COLOR": "1"}, True),
        (False, {"FORCE_COLOR": ""}, False),
        (False, {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (False, {"TTY_COMPATIBLE": "1"}, True),
        (True, {"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
        (False, {"FORCE_COLOR": "1", "TERM": "unknown"}, False),
    ],
)
def test_colour_rules(tty: bool, environ: dict[str, str], colour: bool) -> None:
    file = FakeTTY() if tty else io.StringIO()
    assert wants_colour(file, environ) is colour


def test_width_comes_from_columns_else_the_terminal_else_80() -> None:
    assert Out(io.StringIO(), {"COLUMNS": "57"}).width == 57
    assert Out(io.StringIO(), {"COLUMNS": "wide"}).width > 0
    probe = "from fibrolog.terminal import Out; print(Out(environ={}).width)"
    piped = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert piped.stdout.strip().isdigit()


def test_display_widths_and_cutting() -> None:
    assert cell_width("pain") == 4
    assert cell_width("痛み") == 4  # wide characters take two columns
    assert cell_width("e\u0301") == 1  # a combining accent takes none
    assert cut("headache", 5) == "head…"
    assert cut("headache", 8) == "headache"
    assert cut("痛み痛み", 5) == "痛み…" and cell_width(cut("痛み痛み", 5)) == 5
    assert cut("x", 0) == ""


def test_wrapping_keeps_styles_and_cuts_long_words() -> None:
    lines = list(wrap([("one two ", ""), ("three four", "dim")], 9))
    assert ["".join(t for t, _ in line) for line in lines] == ["one two", "three", "four"]
    assert lines[1] == [("three", "dim")]
    assert list(wrap([("abcdefghijkl", "bold")], 5)) == [[("abcd…", "bold")]]
    assert list(wrap([], 5)) == [[]], "an empty value still gets its line"


def test_a_table_aligns_columns_and_cuts_only_the_last() -> None:
    grid = Table("day", ">pain", last="tags")
    grid.add_row("Mon", "6.0", "stress weather")
    grid.add_row("Tuesday", ("·", "dim"), "[bold]not markup[/bold] and a long tail")
    out = Out(io.StringIO(), {"COLUMNS": "30", "NO_COLOR": "1"})
    assert list(grid.lines(out)) == [
        "day     pain tags",
        "Mon      6.0 stress weather",
        "Tuesday    · [bold]not markup…",
    ]


def test_colour_codes_wrap_styled_text_only() -> None:
    out = Out(io.StringIO(), {"FORCE_COLOR": "1", "COLUMNS": "40"})
    out.print("pain ", ("8", "red"), " ", ("", "bold"))
    assert out.file.getvalue() == "pain \x1b[31m8\x1b[0m \n"  # type: ignore[attr-defined]
    grid = Table(">n", last="note")
    grid.add_row("1", "x")
    header, row = grid.lines(out)
    assert header == "\x1b[1mn\x1b[0m \x1b[1mnote\x1b[0m" and row == "1 x"


def test_views_colour_only_when_asked(run, cli_env: dict[str, str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert run("add", "8", "--flare", "-n", "[red]not markup[/red] 🌧").exit_code == 0
    plain = run("list").stdout
    assert not ANSI.search(plain) and "[red]not markup[/red] 🌧" in plain
    cli_env.pop("NO_COLOR")
    monkeypatch.delenv("NO_COLOR")
    cli_env["FORCE_COLOR"] = "1"
    coloured = run("list").stdout
    assert "\x1b[31m   8\x1b[0m" in coloured and "\x1b[1;31mFLARE\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == plain
    summary = run("summary").stdout
    assert "\x1b[1mWeek 48" in summary and ANSI.sub("", summary) != summary


def test_a_closed_pipe_ends_the_command_quietly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"FIBROLOG_NOW": "2026-11-23T09:15:00", "TZ": "Europe/Berlin", "PATH": "/usr/bin:/bin"}
    db = str(tmp_path / "d")
    demo = [sys.executable, "-m", "fibrolog", "--db", db]
    subprocess.run([*demo, "demo", "--days", "1500"], env=env, check=True, capture_output=True)
    listing = subprocess.Popen(
        [*demo, "list", "-n", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert listing.stdout is not None and listing.stderr is not None
    assert b"# when" in listing.stdout.readline()
    listing.stdout.close()  # like `| head -1`
    assert listing.wait() == 1, "it noticed the reader had gone"
    assert listing.stderr.read() == b""
