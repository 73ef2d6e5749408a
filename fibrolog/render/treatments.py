"""Treatment courses and their reviews as a user reads them."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from fibrolog.models import Course
from fibrolog.render.console import NOTHING, column, fitted_table, number, user_text
from fibrolog.text import plural

CAUSATION = (
    "This is an association in your own diary, not proof that the treatment caused it. "
    "Talk it over with your clinician."
)
IMPORTANCE_WORDS = {
    "substantial": "a substantial fall (≥ 50 %)",
    "moderate": "a moderate fall (≥ 30 %)",
    "minimal": "a minimal fall (≥ 10 %)",
    "none": "no important change (under 10 % either way)",
    "worse": "worse (a rise of ≥ 10 %)",
}


def _day(text: str | None) -> str:
    return "" if text is None else f"{date.fromisoformat(text):%d %b %Y}"


def doses_text(doses: Sequence[dict[str, Any]]) -> str:
    """'30mg, 60mg from 15 Sep 2026'."""
    parts = []
    for i, dose in enumerate(doses):
        if dose["dose"] is None:
            continue
        parts.append(dose["dose"] if i == 0 else f"{dose['dose']} from {_day(dose['from'])}")
    return ", ".join(parts)


def courses_view(courses: Sequence[Course], today: date, width: int) -> RenderableType:
    rows = []
    for c in courses:
        end = c.stop or today
        rows.append(
            [
                Text(str(c.id)),
                user_text(c.name, style="bold"),
                Text(c.kind + (" · as needed" if c.as_needed else "")),
                user_text(c.dose_on(end) or "·"),
                Text(f"{c.start:%d %b %Y}"),
                Text("running" if c.stop is None else f"{c.stop:%d %b %Y}"),
                Text(str((end - c.start).days // 7)),
                Text(f"{c.ratings[-1].answer} {c.ratings[-1].label}")
                if c.ratings
                else NOTHING.copy(),
            ]
        )
    return fitted_table(
        width,
        [
            column("#", right=True),
            column("treatment"),
            column("kind"),
            column("dose"),
            column("from"),
            column("to"),
            column("weeks", right=True),
            column("your rating", free_text=True),
        ],
        rows,
        drop=("kind", "#", "weeks", "from", "dose", "your rating"),
    )


# The window table needs this many columns with its days and flare rates on one line each.
# Every cell of it matters, so in a narrower window they take two lines instead of being cut.
WINDOWS_ON_ONE_LINE = 48


def _window_rows(result: dict[str, Any], narrow: bool = False) -> list[list[Text]]:
    before, on = result["baseline"], result["on"] or {}
    gap = "\n" if narrow else " "

    def cell(side: dict[str, Any], key: str, digits: int = 1) -> Text:
        return number(side.get(key), digits) if side else NOTHING.copy()

    def span(side: dict[str, Any]) -> Text:
        if not side:
            return NOTHING.copy()
        first, last = date.fromisoformat(side["from"]), date.fromisoformat(side["to"])
        return Text(f"{first:%d %b} –{gap}{last:%d %b}")

    def flares(side: dict[str, Any]) -> Text:
        if not side:
            return NOTHING.copy()
        rate = "" if side["flare_rate"] is None else f"{gap}({side['flare_rate']:.1f}/28 d)"
        return Text(f"{side['flare_days']}{rate}")

    return [
        [Text("days"), span(before), span(on)],
        [Text("days logged"), Text(str(before["days_logged"])), cell(on, "days_logged", 0)],
        [Text("pain"), cell(before, "pain", 2), cell(on, "pain", 2)],
        [Text("fatigue"), cell(before, "fatigue"), cell(on, "fatigue")],
        [Text("sleep quality"), cell(before, "sleep_quality"), cell(on, "sleep_quality")],
        [Text("sleep hours"), cell(before, "sleep_hours"), cell(on, "sleep_hours")],
        [Text("flare days"), flares(before), flares(on)],
    ]


def _verdict(result: dict[str, Any]) -> list[RenderableType]:
    course = result["course"]
    if course["as_needed"]:
        days = result["as_needed_days"]
        line = Text(
            "Taken as needed, so before and after are not compared. Pain on the days it was "
            f"taken: {_fixed(days['pain_taken'])} ({plural(days['days_taken'], 'day')}); on "
            f"days it was not: {_fixed(days['pain_not_taken'])} "
            f"({plural(days['days_not_taken'], 'day')})"
        )
        if days["difference"] is not None:
            low, high = days["ci95"]
            line.append(
                f"; difference {days['difference']:+.2f} (95% interval {low:+.2f} to {high:+.2f})"
            )
        line.append(". Days it was needed are likely bad days to begin with.")
        return [line]
    if result["on"] is None:
        if result["judge_from"]:
            when = f"{date.fromisoformat(result['judge_from']):%a %d %b %Y}"
            return [Text(f"Too early to judge: it can be reviewed from {when}.", style="yellow")]
        return [Text("It stopped before the first weeks on it were over: nothing to judge.")]
    if result["needs_days"]:
        short = result["needs_days"]
        missing = [
            f"{plural(n, 'more day')} with pain {where}"
            for where, n in (("before it started", short["baseline"]), ("on it", short["on"]))
            if n
        ]
        text = " and ".join(missing) or "pain scores"
        return [Text(f"Not enough data to judge: it needs {text} (7 each side).", style="yellow")]
    change, pct = result["pain_change"], result["pain_change_pct"]
    words = IMPORTANCE_WORDS[result["importance"]]
    style = {"worse": "red", "none": "", "minimal": "green"}.get(result["importance"], "bold green")
    line = Text("Pain ")
    line.append(f"{change:+.2f}" + ("" if pct is None else f" ({pct:+.1f} %)"), style=style)
    if result["ci95"]:
        low, high = result["ci95"]
        line.append(f", 95% interval {low:+.2f} to {high:+.2f}")
    line.append(f": {words} by the IMMPACT benchmarks.")
    return [line]


def _fixed(value: float | None) -> str:
    return "·" if value is None else f"{value:.1f}"


def _caveats(result: dict[str, Any]) -> list[RenderableType]:
    found: list[RenderableType] = []
    others = result["other_changes"]
    if others:
        listed = "; ".join(f"{c['name']} {c['event']} {_day(c['date'])}" for c in others)
        found.append(
            Text(
                f"⚠ Other treatments changed in these weeks ({listed}): "
                "the comparison is confounded.",
                style="yellow",
            )
        )
    if result["bad_spell"]:
        found.append(
            Text(
                f"⚠ It started in a bad spell: pain in the weeks before it "
                f"({result['baseline']['pain']:.1f}) was a point or more above your usual "
                f"({result['bad_spell_median']:.1f}, the median of the 90 days before), so part "
                "of any improvement may be the spell passing.",
                style="yellow",
            )
        )
    return found


def _assessments(result: dict[str, Any]) -> list[RenderableType]:
    found: list[RenderableType] = []
    fiqr, fs = result["assessments"]["fiqr"], result["assessments"]["fs"]
    if fiqr:
        pct = "" if fiqr["change_pct"] is None else f", {fiqr['change_pct']:+.1f} %"
        reached = (
            "reaches the 14 % minimal important change"
            if fiqr["mcid_reached"]
            else "short of a 14 % fall"
        )
        found.append(
            Text(
                f"FIQR {fiqr['before']:.1f} ({fiqr['band_before']}) → {fiqr['after']:.1f} "
                f"({fiqr['band_after']}){pct}: {reached}."
            )
        )
    if fs:
        found.append(
            Text(
                f"ACR 2016 severity (FS) {fs['before']} ({fs['band_before']}) → {fs['after']} "
                f"({fs['band_after']})."
            )
        )
    return found


def review_view(result: dict[str, Any], width: int) -> RenderableType:
    """One course's review: its windows side by side, the verdict, caveats, self-assessments,
    the person's own rating, and the reminder that this is not proof of cause."""
    course = result["course"]
    heading = user_text(course["name"], style="bold")
    facts = [course["kind"] + (", as needed" if course["as_needed"] else "")]
    facts.append(f"since {_day(course['start'])}")
    if course["stop"]:
        facts.append(f"stopped {_day(course['stop'])}")
    doses = doses_text(course["doses"])
    if doses:
        facts.append(doses)
    heading.append(" · " + " · ".join(facts))
    parts: list[RenderableType] = [heading]
    if not course["as_needed"]:
        parts.append(
            fitted_table(
                width,
                [column(""), column("before", right=True), column("on it", right=True)],
                _window_rows(result, narrow=width < WINDOWS_ON_ONE_LINE),
            )
        )
    parts += _verdict(result)
    parts += _caveats(result)
    parts += _assessments(result)
    if result["pgic"]:
        pgic = result["pgic"]
        parts.append(Text(f"Your rating: {pgic['answer']} {pgic['label']} ({_day(pgic['date'])})."))
    parts.append(Text(CAUSATION, style="dim"))
    return Padding(Group(*parts), (0, 0, 1, 0))


def reviews_view(results: Sequence[dict[str, Any]], width: int, title: str = "") -> RenderableType:
    """Several reviews, under a title."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    return Group(*parts, *(review_view(result, width) for result in results))
