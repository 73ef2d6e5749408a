"""The doctor's report: right numbers in the right places, self-contained, escaped, printable."""

import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import pytest

from .conftest import Run


@pytest.fixture
def diary(run: Run) -> None:
    """Two weeks of known data ending Monday 23 Nov 2026 (the fixed now)."""
    for day, pain, extra in (
        ("2026-11-10", 3, []),
        ("2026-11-11", 4, ["-m", "pregabalin 75mg"]),
        (
            "2026-11-16",
            8,
            [
                "--flare",
                "-t",
                "stress",
                "-w",
                "neck,hips",
                "-n",
                "<script>alert(1)</script> & worse",
            ],
        ),
        ("2026-11-17", 7, ["-w", "neck", "-m", "pregabalin 75mg"]),
        ("2026-11-20", 5, ["-f", "6", "-m", "pregabalin 75mg"]),
    ):
        assert run("add", str(pain), "--at", f"{day} 10:00", *extra).exit_code == 0


def make_report(run: Run, tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = run("report", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    assert out.stat().st_mode & 0o777 == 0o600
    return out.read_text()


def test_the_report_holds_the_right_numbers(
    run: Run, run_json, diary: None, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    html = make_report(
        run, tmp_path, "--from", "2026-11-16", "--to", "2026-11-22", "--name", "Sam & Co"
    )
    summary = run_json("summary", "--week", "2026-W47")
    pain = summary["metrics"]["pain"]
    assert pain["mean"] == 6.67 and pain["change"] == 3.17  # (8 + 7 + 5) / 3 vs (3 + 4) / 2
    assert re.search(r'<div class="label">Pain</div><div class="big">6\.7</div>', html)
    assert "▲ 3.2 vs previous period" in html
    assert re.search(
        r'<div class="label">Flare days</div><div class="big">2</div>', html
    )  # 16th and 17th
    assert "of 3 days logged" in html and "3 of 7 days logged" in html
    assert f"<b>{summary['wpi']} of 19</b>" in html and "<b>3 of 5</b> regions" in html
    assert "<td>pregabalin</td><td>2 of 3</td><td>17 Nov</td><td>20 Nov</td>" in html
    assert (
        "Flare episodes (1)" in html
        and "<td>16 Nov – 17 Nov</td><td>2</td><td>2</td><td>8</td><td>7.5</td>" in html
    )
    assert "Sam &amp; Co" in html and "patient-reported diary" in html


def test_the_report_is_self_contained_and_escapes_notes(
    run: Run, diary: None, tmp_path: Path
) -> None:
    html = make_report(run, tmp_path, "--weeks", "2")
    assert "http" not in html and "//" not in html and "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; worse" in html
    assert "<svg" in html and "front" in html and "back" in html


def test_an_empty_period_gives_one_calm_line(run: Run, diary: None, tmp_path: Path) -> None:
    result = run(
        "report", "--from", "2026-01-01", "--to", "2026-01-31", "-o", str(tmp_path / "r.html")
    )
    assert result.exit_code == 0
    assert (
        result.stdout
        == "No entries between 2026-01-01 and 2026-01-31, so there is nothing to report yet.\n"
    )
    assert not (tmp_path / "r.html").exists()


def test_default_file_name(
    run: Run, diary: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("report", "--weeks", "2")
    assert result.stdout.strip() == "fibrolog-report-2026-11-16-2026-11-23.html"
    assert (tmp_path / result.stdout.strip()).exists()


def _chromium() -> str | None:
    return (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )


def _png_is_not_blank(path: Path) -> bool:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return len(set(pixels[:: max(1, len(pixels) // 200_000)])) > 20


def test_a_real_browser_renders_and_prints_it(run: Run, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium); CI runs this test")
    made = run("--db", os.environ["FIBROLOG_DB"], "demo", "--days", "90", "--seed", "2")
    assert made.exit_code == 0, made.output  # demo writes only to an explicit --db
    make_report(run, tmp_path, "--weeks", "12")
    page = tmp_path / "report.html"
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp()}",
    ]
    png, pdf = tmp_path / "report.png", tmp_path / "report.pdf"
    subprocess.run(
        [*flags, "--window-size=1000,1400", f"--screenshot={png}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    subprocess.run(
        [*flags, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert png.exists() and _png_is_not_blank(png)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert 1 <= pages <= 3, pages
    # The browser lays out the treatment timeline: a bar per course, the dose change marked.
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text().replace(
            "</body>",
            "<script>window.onload = () => { const bars = [...document.querySelectorAll("
            "'svg.timeline rect')].map(r => r.getBoundingClientRect().width); "
            "document.title = 'bars:' + bars.filter(w => w > 2).length + ' ticks:' + "
            "document.querySelectorAll('svg.timeline line').length; };</script></body>",
        )
    )
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "<title>bars:3 ticks:1</title>" in dom, dom[:500]
