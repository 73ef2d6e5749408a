"""Export and import meet hostile content: Markdown that a viewer would render, and files that
are endless, huge or nested without end (issue 17, items 7 and 8)."""

import os
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from .conftest import Run, snapshot

HOSTILE_NOTE = (
    "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![pixel](https://evil.example/p.png)"
    " <javascript:alert(2)> <script>alert(3)</script> **bold** `code` &lt;b&gt; a|b \\ end"
)


def test_markdown_export_shows_notes_as_typed_and_renders_nothing(run: Run) -> None:
    assert run("add", "5", "-n", HOSTILE_NOTE, "-m", "[x](javascript:alert(4)) 5mg").exit_code == 0
    result = run("export", "--format", "md")
    assert result.exit_code == 0, result.output
    html = MarkdownIt("commonmark").enable("table").render(result.stdout)
    assert "<img" not in html and "<script" not in html and "<a " not in html
    assert "\\:" in result.stdout  # a scheme no viewer that links bare URLs will link
    assert "<strong>" not in html and "<code>" not in html
    # What a reader sees in the rendered cell is the note as it was typed.
    cell = html.split("<td>")[-1].split("</td>")[0]
    shown = cell.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    shown = shown.replace("&amp;", "&")
    assert shown == HOSTILE_NOTE


@pytest.mark.parametrize("what", ["fifo", "device"])
def test_import_refuses_what_is_not_a_regular_file(
    run: Run, diary_dir: Path, tmp_path: Path, what: str
) -> None:
    assert run("add", "5").exit_code == 0
    before = snapshot(diary_dir)
    if what == "fifo":
        source = tmp_path / "pipe"
        os.mkfifo(source)  # nothing writes to it: reading would wait for ever
    else:
        source = Path("/dev/zero")  # reading it never ends
    result = run("import", str(source))
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot import {source}: it is not a regular file\n"
    assert snapshot(diary_dir) == before


def test_import_refuses_a_file_over_the_limit_before_reading_it(
    run: Run, diary_dir: Path, tmp_path: Path
) -> None:
    assert run("add", "5").exit_code == 0
    before = snapshot(diary_dir)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:  # sparse: 1 GiB and a byte, next to no disk
        file.truncate(2**30 + 1)
    result = run("import", str(huge))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot import {huge}: it is 1.0 GiB, more than")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(diary_dir) == before


@pytest.mark.parametrize(
    "layout",
    [b"[" * 100_000, b'{"format": "fibrolog", "entries": ' + b"[" * 100_000],
    ids=["bare", "in-an-export"],
)
def test_import_refuses_nesting_deeper_than_an_export_has(
    run: Run, diary_dir: Path, tmp_path: Path, layout: bytes
) -> None:
    assert run("add", "5").exit_code == 0
    before = snapshot(diary_dir)
    nested = tmp_path / "nested.json"
    nested.write_bytes(layout)
    result = run("import", str(nested))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: cannot import: the file nests deeper than a fibrolog export does\n"
    )
    assert snapshot(diary_dir) == before
