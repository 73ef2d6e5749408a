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
            "document.querySelectorAll('svg.timeline line').length + ' clashes:' + clashes(); };"
            + CLASHES
            + "</script></body>",
        )
    )
    dom = subprocess.run(
        [*flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120
    ).stdout
    assert "<title>bars:3 ticks:1 clashes:none</title>" in dom, dom[:500]


# In the laid-out page: the timeline's labels that overlap another label, leave the drawing,
# or are crossed by a dose tick (issue 20: they overlapped and ran off the right edge).
CLASHES = """
function clashes() {
  const svg = document.querySelector('svg.timeline').getBoundingClientRect();
  const texts = [...document.querySelectorAll('svg.timeline text')];
  const boxes = texts.map(t => t.getBoundingClientRect());
  const ticks = [...document.querySelectorAll('svg.timeline line')]
    .map(l => l.getBoundingClientRect());
  const found = [];
  const meet = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  boxes.forEach((a, i) => {
    const name = texts[i].textContent;
    if (a.left < svg.left || a.right > svg.right || a.top < svg.top || a.bottom > svg.bottom)
      found.push('outside:' + name);
    boxes.slice(i + 1).forEach((b, j) => {
      if (meet(a, b)) found.push(name + '/' + texts[i + 1 + j].textContent);
    });
    ticks.forEach(t => {
      if (t.left > a.left && t.left < a.right && meet(a, t)) found.push('tick:' + name);
    });
  });
  return found.length ? found.join(',') : 'none';
}
"""


def test_timeline_labels_never_overlap_nor_leave_the_drawing() -> None:
    from fibrolog.formats.charts import CHART_WIDTH, LABEL_CHAR, LABEL_LINE, place_labels

    # A course label crossing a dose tick, a dose next to another, one near the right edge,
    # and one wider than the drawing.
    placed = place_labels(
        [
            (100.0, "duloxetine 30mg"),
            (152.0, "60mg"),  # a dose is wanted 2 px right of its tick
            (162.0, "90mg"),
            (320.0, "walking programme"),
            (0.0, "x" * 80),
        ],
        baseline=11,
        ticks=[150.0],
    )
    assert [(p.x, p.y) for p in placed] == [
        (100.0, 11 + LABEL_LINE),  # under the bar: the tick would cross it on the bar's line
        (152.0, 11),
        # "60mg" is in the way on the bar's line, "duloxetine 30mg" on the next
        (162.0, 11 + 2 * LABEL_LINE),
        (CHART_WIDTH - 2 - 17 * LABEL_CHAR, 11),
        (0.0, 11 + 3 * LABEL_LINE),
    ]
    assert placed[-1].text.endswith("…") and len(placed[-1].text) * LABEL_CHAR <= CHART_WIDTH
    for n, a in enumerate(placed):
        a_end = a.x + len(a.text) * LABEL_CHAR
        assert a.x >= 0 and a_end <= CHART_WIDTH
        for b in placed[n + 1 :]:
            if a.y == b.y:
                assert a_end <= b.x or b.x + len(b.text) * LABEL_CHAR <= a.x, (a, b)


def test_the_weekly_chart_shows_effort_and_the_report_effort_and_the_days_after(
    run: Run, run_json, diary_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run("--db", str(diary_dir), "demo", "--days", "90", "--seed", "2").exit_code == 0
    found = run_json("insights")["pacing"]
    assert found["enough"]
    html = make_report(run, tmp_path, "--from", found["from"], "--to", found["to"])
    assert 'stroke="#229954"' in html and 'class="ax">effort</text>' in html  # a line, its legend
    section = html.split("<h2>Effort and the days after</h2>")[1].split("</table>")[0]
    section = re.sub(r"</?span[^>]*>", "", section)  # the interval's span
    rows = re.findall(r"<tr><td>([^<]+)</td>((?:<td[^>]*>[^<]*</td>){3})</tr>", section)
    assert [after for after, _ in rows] == ["same day", "1 day", "2 days", "3 days"]
    shown = {
        (measure, lag): cell
        for lag, (_, cells) in enumerate(rows)
        for measure, cell in zip(
            ("pain", "fatigue", "flare"), re.findall(r"<td[^>]*>([^<]*)</td>", cells), strict=True
        )
    }
    for c in found["comparisons"]:
        scale = 100 if c["measure"] == "flare" else 1
        numbers = [float(n) for n in re.findall(r"[+-]\d+(?:\.\d)?", shown[c["measure"], c["lag"]])]
        expected = [c["difference"] * scale, *(v * scale for v in c["interval"])]
        assert numbers == pytest.approx(expected, abs=0.06 * scale), (c, numbers)
        assert shown[c["measure"], c["lag"]].endswith("●") == c["clear"]
    assert f"High effort: {found['high_from']} or more of 10" in html
    assert f"({found['high_days']} of {found['days_with_effort']} days" in html


def test_effort_without_enough_days_says_so(run: Run, diary: None, tmp_path: Path) -> None:
    html = make_report(run, tmp_path, "--weeks", "2")
    assert "Not enough yet: 0 of the 28 days it needs have an exertion score." in html


def test_a_report_of_years_is_monthly_and_still_fits(
    run: Run, tmp_path: Path, diary_dir: Path
) -> None:
    assert run("--db", str(diary_dir), "demo", "--days", "900", "--seed", "3").exit_code == 0
    html = make_report(run, tmp_path, "--weeks", "130")
    assert "<h2>Monthly averages</h2>" in html
    assert "The last 12 months (24 Nov 2025 – 23 Nov 2026)" in html
    assert re.search(r"The latest 12 of \d+ episodes", html)
    assert re.search(r"<tr><td>\d\d \w{3} 2026", html)  # a day of years names its year
    refused = run("report", "--weeks", "521")
    assert refused.exit_code == 2 and "from 1 to 520" in refused.stderr
    short = make_report(run, tmp_path, "--weeks", "104")
    assert "<h2>Weekly averages</h2>" in short and "The last 12 months" in short


def test_the_reviews_table_gives_a_band_only_for_a_clear_change() -> None:
    from datetime import date

    from fibrolog.analysis.review import CourseFacts, Review, Window
    from fibrolog.formats.report import review_row

    course = CourseFacts(
        id=1,
        name="duloxetine",
        kind="drug",
        as_needed=False,
        start=date(2026, 9, 1),
        stop=None,
        doses=(),
    )
    before = Window(first=date(2026, 8, 4), last=date(2026, 8, 31), days_logged=28, pain=5.2)
    on = Window(first=date(2026, 10, 1), last=date(2026, 10, 28), days_logged=28, pain=2.8)
    shared = {"course": course, "baseline": before, "on": on}
    within = Review(
        **shared,
        pain_change=-0.6,
        pain_change_pct=-11.5,
        ci95=(-1.4, 0.2),
        importance="none",
        clear=False,
        confounded=True,
    )
    assert review_row(within).verdict == "no clear change (-1.4 to +0.2 points) (confounded)"
    fall = Review(
        **shared,
        pain_change=-2.4,
        pain_change_pct=-46.2,
        ci95=(-3.1, -1.7),
        importance="moderate",
        clear=True,
    )
    row = review_row(fall)
    assert (row.start, row.before, row.on, row.verdict) == (
        "2026-09-01",
        5.2,
        2.8,
        "-46 %: moderate",
    )
