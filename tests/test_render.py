"""Every view as the exact text a user reads, at 60 and 100 columns with colour off; the
colours of better and worse; and no line ever wider than the window."""

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone

import pytest
from rich.cells import cell_len
from rich.console import COLOR_SYSTEMS, Console, RenderableType

from fibrolog.analysis.flares import flares
from fibrolog.analysis.summary import summarize
from fibrolog.config import FlareSettings
from fibrolog.models import Entry, Med
from fibrolog.render.console import make_console
from fibrolog.render.entries import entries_view, entry_view
from fibrolog.render.summary import flares_view, summary_view, weeks_view

CET = timezone(timedelta(hours=1))
NOTE = "痛み 🙂 [x] :smile: \x1b[2J gone"  # wide characters, markup and an escape sequence


def entry(id: int, day: int, hour: int, **fields: object) -> Entry:
    at = datetime(2026, 11, day, hour, 0, tzinfo=CET)
    return Entry.build(id=id, uid=f"{id:032x}", at=at, logged=at, **fields)


ENTRIES = [
    entry(1, 10, 10, pain=3),
    entry(
        2,
        16,
        8,
        pain=5,
        fatigue=6,
        regions=("neck", "hip-left", "hip-right"),
        tags=("stress",),
        meds=(Med("pregabalin", "75mg"),),
    ),
    entry(3, 16, 20, pain=7, flare=True, note="[awful] evening"),
    entry(4, 19, 9, pain=4, sleep_hours=5.0, sleep_quality=3, meds=(Med("pregabalin", "75mg"),)),
    entry(5, 20, 12, pain=2, tags=("weather",), note=NOTE),
]
WEEK = (date(2026, 11, 16), date(2026, 11, 22))


def shown(width: int, *parts: RenderableType | Iterable[RenderableType]) -> list[str]:
    """What a user reads at `width` columns with colour off, line by line."""
    console = make_console(width=width)
    console.no_color = True
    with console.capture() as capture:
        for part in parts:
            if isinstance(part, Iterable) and not hasattr(part, "__rich_console__"):
                for piece in part:
                    console.print(piece)
            else:
                console.print(part)
    return [line.rstrip() for line in capture.get().splitlines()]


def views(width: int) -> dict[str, list[str]]:
    settings = FlareSettings()
    return {
        "list": shown(width, entries_view(ENTRIES, width, "The newest 5 shown; -n 0 shows all.")),
        "show": shown(width, entry_view(ENTRIES[4])),
        "summary": shown(width, summary_view(summarize(ENTRIES, *WEEK, settings), width)),
        "weeks": shown(
            width,
            weeks_view(
                [
                    summarize(ENTRIES, date(2026, 11, d), date(2026, 11, d + 6), settings)
                    for d in (9, 16)
                ],
                width,
            ),
        ),
        "flares": shown(
            width, flares_view(flares(ENTRIES, date(2026, 11, 1), WEEK[1], settings), width)
        ),
    }


def test_list_at_60_and_100_columns() -> None:
    assert views(60)["list"] == [
        "#  when                  pain  fatigue  flare  details",
        "────────────────────────────────────────────────────────────",
        "1  2026-11-10 Tue 10:00     3        ·",
        "2  2026-11-16 Mon 08:00     5        6         hip-left,hip…",
        "3  2026-11-16 Mon 20:00     7        ·  FLARE  [awful] even…",
        "4  2026-11-19 Thu 09:00     4        ·         pregabalin 7…",
        "5  2026-11-20 Fri 12:00     2        ·         @weather ·  …",
        "The newest 5 shown; -n 0 shows all.",
    ]
    assert views(100)["list"] == [
        "#  when                  pain  fatigue  sleep  flare  details",
        "────────────────────────────────────────────────────────────────────────────────────────────────────",
        "1  2026-11-10 Tue 10:00     3        ·      ·",
        "2  2026-11-16 Mon 08:00     5        6      ·         hip-left,hip-right,neck · @stress · pregabali…",
        "3  2026-11-16 Mon 20:00     7        ·      ·  FLARE  [awful] evening",
        "4  2026-11-19 Thu 09:00     4        ·  5h q3         pregabalin 75mg",
        "5  2026-11-20 Fri 12:00     2        ·      ·         @weather · 痛み 🙂 [x] :smile: �[2J gone",
        "The newest 5 shown; -n 0 shows all.",
    ]


# Issue 20: fog, stiffness and effort have no value in these rows; at 80 columns they give
# way to the details, which got 11 cells before. Effort has a column where it has values.
PACED = [
    entry(
        1,
        16,
        8,
        pain=5,
        exertion=7,
        regions=("neck", "hip-left"),
        meds=(Med("pregabalin", "75mg"),),
    ),
    entry(
        2, 17, 9, pain=6, fatigue=7, exertion=3, tags=("rest",), note="a quiet day after the market"
    ),
    entry(3, 18, 20, pain=4, flare=True, note="long walk"),
]


def test_list_gives_the_room_of_empty_columns_to_the_details() -> None:
    assert shown(80, entries_view(PACED, 80)) == [
        "#  when                  pain  fatigue  effort  flare  details",
        "────────────────────────────────────────────────────────────────────────────────",
        "1  2026-11-16 Mon 08:00     5        ·       7         hip-left,neck · pregabal…",
        "2  2026-11-17 Tue 09:00     6        7       3         @rest · a quiet day afte…",
        "3  2026-11-18 Wed 20:00     4        ·       ·  FLARE  long walk",
    ]
    assert shown(40, entries_view(PACED, 40)) == [
        "#  when              pain  details",
        "────────────────────────────────────────",
        "1  2026-11-16 08:00     5  hip-left,nec…",
        "2  2026-11-17 09:00     6  @rest · a qu…",
        "3  2026-11-18 20:00     4  long walk",
    ]
    # Wide enough for everything: the empty columns stay, so the rows' columns do not move.
    assert shown(160, entries_view(PACED, 160))[0] == (
        "#  when                  pain  fatigue  fog  stiff  effort  sleep  flare  details"
    )


def test_show_prints_the_note_literally_and_safely() -> None:
    assert views(60)["show"] == [
        "entry   #5  (00000000000000000000000000000005)",
        "when    Fri 20 Nov 12:00 2026  (2026-11-20T12:00:00+01:00)",
        "logged  2026-11-20T12:00:00+01:00",
        "pain    2",
        "tags    @weather",
        "",
        "痛み 🙂 [x] :smile: �[2J gone",
    ]
    assert views(100)["show"] == views(60)["show"]


def test_summary_at_60_and_100_columns() -> None:
    # Empty columns give way first; metrics not logged in either week are left out; areas,
    # tags and meds count days, most first.
    assert views(60)["summary"] == [
        "Week 47 · Mon 16 Nov – Sun 22 Nov 2026",
        "3 of 7 days logged · 4 entries · 1 flare day",
        "",
        "day     entries  pain  fatigue    sleep  flare  tags",
        "──────────────────────────────────────────────────────────",
        "Mon 16        2   6.0      6.0        ·  FLARE  stress",
        "Tue 17        ·     ·        ·        ·",
        "Wed 18        ·     ·        ·        ·",
        "Thu 19        1   4.0        ·  5.0h q3",
        "Fri 20        1   2.0        ·        ·         weather",
        "Sat 21        ·     ·        ·        ·",
        "Sun 22        ·     ·        ·        ·",
        "",
        "metric         mean  min–max  before  change",
        "────────────────────────────────────────────",
        "pain           4.00      2–7    3.00  ↑ 1.00",
        "fatigue        6.00      6–6       ·       ·",
        "sleep hours    5.00      5–5       ·       ·",
        "sleep quality  3.00      3–3       ·       ·",
        "",
        "daily pain  │▅  ▄▂  │  (0 ▁ … █ 10)",
        "areas       WPI 3 of 19 · generalized pain in 3 of 5 regions",
        "            hip-left 1 day · hip-right 1 · neck 1",
        "tags        stress 1 day · weather 1",
        "meds        pregabalin 2 days",
    ]
    assert views(100)["summary"] == [
        "Week 47 · Mon 16 Nov – Sun 22 Nov 2026",
        "3 of 7 days logged · 4 entries · 1 flare day",
        "",
        "day     entries  pain  max  fatigue  fog  stiff  effort    sleep  flare  tags",
        "───────────────────────────────────────────────────────────────────────────────────",
        "Mon 16        2   6.0    7      6.0    ·      ·       ·        ·  FLARE  stress",
        "Tue 17        ·     ·    ·        ·    ·      ·       ·        ·",
        "Wed 18        ·     ·    ·        ·    ·      ·       ·        ·",
        "Thu 19        1   4.0    4        ·    ·      ·       ·  5.0h q3",
        "Fri 20        1   2.0    2        ·    ·      ·       ·        ·         weather",
        "Sat 21        ·     ·    ·        ·    ·      ·       ·        ·",
        "Sun 22        ·     ·    ·        ·    ·      ·       ·        ·",
        "",
        "metric         mean  min–max  before  change",
        "────────────────────────────────────────────",
        "pain           4.00      2–7    3.00  ↑ 1.00",
        "fatigue        6.00      6–6       ·       ·",
        "sleep hours    5.00      5–5       ·       ·",
        "sleep quality  3.00      3–3       ·       ·",
        "",
        "daily pain  │▅  ▄▂  │  (0 ▁ … █ 10)",
        "areas       WPI 3 of 19 · generalized pain in 3 of 5 regions",
        "            hip-left 1 day · hip-right 1 · neck 1",
        "tags        stress 1 day · weather 1",
        "meds        pregabalin 2 days",
    ]


def test_weeks_at_60_and_100_columns() -> None:
    assert views(60)["weeks"] == [
        "week  from    days  pain  sleep  flares  pain by day",
        "────────────────────────────────────────────────────",
        "W46   09 Nov   1/7   3.0      ·       ·  │ ▃     │",
        "W47   16 Nov   3/7   4.0    5.0       1  │▅  ▄▂  │",
    ]
    assert views(100)["weeks"] == [
        "week  from    days  pain  fatigue  fog  sleep  flares  pain by day",
        "──────────────────────────────────────────────────────────────────",
        "W46   09 Nov   1/7   3.0        ·    ·      ·       ·  │ ▃     │",
        "W47   16 Nov   3/7   4.0      6.0    ·    5.0       1  │▅  ▄▂  │",
    ]


def test_flares_at_60_and_100_columns() -> None:
    assert views(60)["flares"] == [
        "Flares · 01 Nov 2026 – 22 Nov 2026",
        "flare day: marked, pain ≥ 7, or pain ≥ baseline + 2 (median",
        "of the 28 days before)",
        "",
        "date        day  pain  max  baseline  tags    reasons",
        "────────────────────────────────────────────────────────",
        "2026-11-16  Mon   6.0    7         ·  stress  marked",
        "",
        "1 episode",
        "episode  days  flare  peak  mean  triggers",
        "────────────────────────────────────────────",
        "16 Nov      1      1     7   6.0  stress 1",
        "triggers: days with each tag in the 2 days before and on an",
        "episode's first day",
    ]
    assert views(100)["flares"] == [
        "Flares · 01 Nov 2026 – 22 Nov 2026",
        "flare day: marked, pain ≥ 7, or pain ≥ baseline + 2 (median of the 28 days before)",
        "",
        "date        day  pain  max  baseline  tags    reasons",
        "────────────────────────────────────────────────────────",
        "2026-11-16  Mon   6.0    7         ·  stress  marked",
        "",
        "1 episode",
        "episode  days  flare  peak  mean  triggers",
        "────────────────────────────────────────────",
        "16 Nov      1      1     7   6.0  stress 1",
        "triggers: days with each tag in the 2 days before and on an episode's first day",
    ]


@pytest.mark.parametrize("width", [40, 44, 50, 60, 72, 80, 100, 132])
def test_no_line_is_wider_than_the_window_and_dates_are_never_cut(width: int) -> None:
    for name, text in views(width).items():
        for line in text:
            assert cell_len(line) <= width, (name, width, line)
        whole = "\n".join(text)
        assert "…" not in "".join(line[:10] for line in text), (name, width)
        if name == "list":
            assert all(f"2026-11-{d}" in whole for d in (10, 16, 19, 20)), whole
        if name == "flares":
            assert "2026-11-16" in whole and "marked" in whole


def test_a_long_list_is_printed_in_pieces_that_line_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from fibrolog.render import entries

    whole = views(100)["list"]
    monkeypatch.setattr(entries, "ROWS_AT_A_TIME", 2)
    assert shown(100, entries_view(ENTRIES, 100, "The newest 5 shown; -n 0 shows all.")) == whole


# Rows that test the streamed printer's cutting: wide characters at the cut, markup-like and
# emoji-code text, control characters, long meds, a cropped sleep cell, an id of five digits.
STREAMED = [
    *ENTRIES,
    entry(6, 21, 8, pain=10, fog=10, note="全角の文字がここで切れる" * 4, flare=True),
    entry(7, 21, 9, sleep_hours=7.123456, sleep_quality=10, tags=("a", "b-2")),
    entry(8, 21, 10, meds=(Med("vitamin d", "1000 iu"), Med("[bold]x[/bold]")), note="\t\x07 ok"),
    entry(12345, 22, 7, regions=("neck",), note="🙂" * 50),
]


@pytest.mark.parametrize("width", [60, 100])
def test_the_streamed_list_is_the_table_character_for_character(width: int) -> None:
    import io

    from fibrolog.render.console import quiet_table
    from fibrolog.render.entries import _row, print_streamed, streamed_columns

    streamed = make_console(file=io.StringIO(), width=width)
    streamed.no_color = True
    assert print_streamed(streamed, iter(STREAMED), highest_id=12345, hint="a hint") == 9
    columns, kept, when = streamed_columns(width, 12345)
    table = quiet_table(*(columns[i] for i in kept))
    for e in STREAMED:
        cells = _row(e, when)
        table.add_row(*(cells[i] for i in kept))
    drawn = make_console(file=io.StringIO(), width=width)
    drawn.no_color = True
    drawn.print(table)
    drawn.print("a hint")
    assert streamed.file.getvalue() == drawn.file.getvalue()  # type: ignore[attr-defined]
    lines = streamed.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert all(cell_len(line) <= width for line in lines)
    assert "\x1b" not in streamed.file.getvalue() and "\x07" not in streamed.file.getvalue()  # type: ignore[attr-defined]


def edge_rows(room: int) -> list[Entry]:
    """Rows whose details end just inside, at and just past `room` cells (the details
    column's width): ASCII, "·", wide characters straddling the cut, characters that take
    no cell, emoji; and notes of lines, tabs and blanks, a control character in a med."""
    notes = [
        text
        for k in (-1, 0, 1)
        for text in (
            "n" * (room + k),
            "·" * (room + k),
            "全" * ((room + k) // 2) + "x" * ((room + k) % 2),
            "x" * (room + k - 2) + "全",
            "e\u0301" * (room + k),  # an e and a combining accent: one cell
            "🙂" * ((room + k) // 2),
        )
    ]
    notes += ["line one\nline two\tthree", " \t \n ", "[bold]not bold[/bold] :smile:"]
    rows = [entry(100 + n, 23, 8, pain=n % 11, note=note) for n, note in enumerate(notes)]
    return [
        *rows,
        entry(200, 24, 8, sleep_quality=4, meds=(Med("pill\x1b[31m", "5mg"), Med("草"))),
        entry(201, 24, 9, sleep_hours=23.75, sleep_quality=10, fog=0, exertion=10),
        entry(202, 24, 10, stiffness=3, regions=("neck", "hip-left"), tags=("a",)),
    ]


def table_and_streamed(
    width: int, as_read: bool, colour: bool, hidden: tuple[str, ...] = ()
) -> tuple[str, str]:
    """What Rich's table prints of STREAMED and edge rows at `width`, and what the streamed
    list prints of them (as a whole-diary read gives them: `CheckedEntry`, times as text),
    the columns in `hidden` left out."""
    import io

    import msgspec

    from fibrolog.render.console import quiet_table
    from fibrolog.render.entries import _row, print_streamed, streamed_columns
    from fibrolog.store.documents import CheckedEntry

    def console() -> Console:
        made = make_console(file=io.StringIO(), width=width)
        made.no_color = not colour
        if colour:
            made._force_terminal = True
            made._color_system = COLOR_SYSTEMS["standard"]
        return made

    columns, kept, when = streamed_columns(width, 12345, hidden)
    rows = [*STREAMED, *edge_rows(columns[-1].width or 0)]
    given = [msgspec.convert(e.to_dict(), CheckedEntry) for e in rows] if as_read else rows
    streamed = console()
    assert print_streamed(streamed, iter(given), 12345, hidden=hidden) == len(rows)
    table = quiet_table(*(columns[i] for i in kept))
    for e in rows:
        cells = _row(e, when)
        table.add_row(*(cells[i] for i in kept))
    drawn = console()
    drawn.print(table)
    return drawn.file.getvalue(), streamed.file.getvalue()  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [30, 40, 45, 59, 60, 80, 100, 150])
@pytest.mark.parametrize("as_read", [False, True], ids=["entries", "as-read"])
def test_the_streamed_list_is_the_table_at_any_width(width: int, as_read: bool) -> None:
    drawn, streamed = table_and_streamed(width, as_read, colour=False)
    assert streamed == drawn
    assert all(cell_len(line) <= width for line in drawn.splitlines())


@pytest.mark.parametrize("width", [40, 60, 100])
@pytest.mark.parametrize("as_read", [False, True], ids=["entries", "as-read"])
def test_the_streamed_list_in_colour_is_the_table_in_colour(width: int, as_read: bool) -> None:
    drawn, streamed = table_and_streamed(width, as_read, colour=True)
    assert streamed == drawn
    assert "\x1b[2m   ·\x1b[0m" in drawn and "\x1b[31m  10\x1b[0m" in drawn  # (dim, red)


@pytest.mark.parametrize("width", [60, 100])
def test_columns_left_out_of_a_streamed_list_leave_the_table_of_the_rest(width: int) -> None:
    drawn, streamed = table_and_streamed(width, True, colour=False, hidden=("fog", "flare"))
    assert streamed == drawn
    assert " fog " not in drawn.splitlines()[0] and "flare" not in drawn


def test_empty_columns_of_entries_read_already_give_way_while_the_details_are_cut() -> None:
    from fibrolog.render.entries import given_way

    # ENTRIES: no fog, stiffness nor effort; sleep, flare and pain in some.
    assert given_way(ENTRIES, 100, 12345) == ["stiff", "fog", "effort"]  # (GIVE_WAY's order)
    assert given_way(ENTRIES, 150, 12345) == [], "the details are not cut: nothing gives way"
    assert given_way(STREAMED, 100, 12345) == ["stiff", "effort"], "the fog of entry 6"
    assert given_way([entry(1, 10, 10, fatigue=2, note="x" * 200)], 100, 12345) == [
        *("stiff", "fog", "effort", "sleep", "flare", "pain")
    ]


def test_the_streamed_list_with_colour_styles_like_the_table() -> None:
    import io

    from fibrolog.render.entries import print_streamed

    console = make_console(file=io.StringIO(), width=100)
    console._force_terminal = True
    console._color_system = COLOR_SYSTEMS["standard"]
    console.no_color = False  # (whatever NO_COLOR the tests run with)
    print_streamed(console, iter(STREAMED), highest_id=12345)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[1;31mFLARE\x1b[0m" in text and re.search(r"\x1b\[31m +10\x1b\[0m", text)
    assert "\x1b[2J" not in text and ";36mneck" in text


def test_nothing_to_stream_says_so() -> None:
    import io

    from fibrolog.render.entries import print_streamed

    console = make_console(file=io.StringIO(), width=60)
    assert print_streamed(console, iter([]), highest_id=0) == 0
    assert console.file.getvalue() == "No entries match. Add one with: fibrolog add 5\n"  # type: ignore[attr-defined]
