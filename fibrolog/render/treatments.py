"""Treatment courses and their reviews as a user reads them."""

import shlex
from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from fibrolog.analysis.review import Review, Window
from fibrolog.models import Course, Dose
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
    "none": "no important change (under 10 %, or under a point, either way)",
    "worse": "worse (a rise of ≥ 10 % and of a point or more)",
}
METRIC_NAMES = {
    "fatigue": "fatigue",
    "sleep_quality": "sleep quality",
    "sleep_hours": "sleep hours",
}


def _day(day: date | None) -> str:
    return "" if day is None else f"{day:%d %b %Y}"


def doses_text(doses: Sequence[Dose]) -> str:
    """'30mg, 60mg from 15 Sep 2026'."""
    parts = []
    for i, dose in enumerate(doses):
        if dose.dose is None:
            continue
        parts.append(dose.dose if i == 0 else f"{dose.dose} from {_day(dose.from_)}")
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


def _window_rows(result: Review, narrow: bool = False) -> list[list[Text]]:
    before, on = result.baseline, result.on
    gap = "\n" if narrow else " "

    def span(side: Window | None) -> Text:
        if not side:
            return NOTHING.copy()
        return Text(f"{side.first:%d %b} –{gap}{side.last:%d %b}")

    def flares(side: Window | None) -> Text:
        if not side:
            return NOTHING.copy()
        rate = "" if side.flare_rate is None else f"{gap}({side.flare_rate:.1f}/28 d)"
        return Text(f"{side.flare_days}{rate}")

    assert before is not None
    if on is None:
        later = [NOTHING.copy() for _ in range(5)]
    else:
        later = [
            number(on.days_logged, 0),
            number(on.pain, 2),
            number(on.fatigue),
            number(on.sleep_quality),
            number(on.sleep_hours),
        ]
    return [
        [Text("days"), span(before), span(on)],
        [Text("days logged"), Text(str(before.days_logged)), later[0]],
        [Text("pain"), number(before.pain, 2), later[1]],
        [Text("fatigue"), number(before.fatigue), later[2]],
        [Text("sleep quality"), number(before.sleep_quality), later[3]],
        [Text("sleep hours"), number(before.sleep_hours), later[4]],
        [Text("flare days"), flares(before), flares(on)],
    ]


def _points(value: float) -> str:
    return f"{value:+.1f}"


def _as_needed(result: Review) -> list[RenderableType]:
    days = result.as_needed_days
    assert days is not None
    line = Text(
        "Taken as needed, so before and after are not compared. Pain on the days it was "
        f"taken: {_fixed(days.pain_taken)} ({plural(days.days_taken, 'day')}); on "
        f"days it was not: {_fixed(days.pain_not_taken)} "
        f"({plural(days.days_not_taken, 'day')})"
    )
    if days.difference is not None and days.ci95 is not None:
        low, high = days.ci95
        clear = "a clear difference" if days.clear else "no clear difference"
        line.append(
            f"; difference {days.difference:+.2f} (95% interval {low:+.2f} to {high:+.2f}: {clear})"
        )
    line.append(". Days it was needed are likely bad days to begin with.")
    return [line]


def _verdict(result: Review) -> list[RenderableType]:
    """What the change means, in plain words: the verdict, what the interval says, and for a
    change that is not clear, what would settle it."""
    if result.course.as_needed:
        return _as_needed(result)
    if result.on is None:
        if result.judge_from:
            when = f"{result.judge_from:%a %d %b %Y}"
            return [Text(f"Too early to judge: it can be reviewed from {when}.", style="yellow")]
        return [Text("It stopped before the first weeks on it were over: nothing to judge.")]
    if result.needs_days or result.importance is None or result.pain_change is None:
        short = result.needs_days
        missing = [
            f"{plural(n, 'more day')} with pain {where}"
            for where, n in (
                ("before it started", short.baseline if short else 0),
                ("on it", short.on if short else 0),
            )
            if n
        ]
        text = " and ".join(missing) or "pain scores"
        return [Text(f"Not enough data to judge: it needs {text} (7 each side).", style="yellow")]
    change, pct = result.pain_change, result.pain_change_pct
    estimate = f"{change:+.2f}" + ("" if pct is None else f" ({pct:+.1f} %)")
    line = Text("Pain ")
    if result.clear:
        style = {"worse": "red", "none": "", "minimal": "green"}.get(
            result.importance, "bold green"
        )
        line.append(estimate, style=style)
        line.append(f": {IMPORTANCE_WORDS[result.importance]} by the IMMPACT benchmarks.")
    else:
        line.append(estimate)
        line.append(
            ": no clear change. A change this size is within your diary's own ups and downs."
        )
    if result.confounded:
        line.append(" Other treatments changed too, so the comparison is confounded (below).")
    parts: list[RenderableType] = [line]
    if result.ci95:
        low, high = result.ci95
        meaning = (
            "so it may be no change at all"
            if not result.clear
            else "a fall either way"
            if high < 0
            else "a rise either way"
        )
        parts.append(
            Text(
                f"The change could plausibly be anywhere from {_points(low)} to {_points(high)} "
                f"points (95% interval, allowing for days that come in runs): {meaning}."
            )
        )
    if not result.clear:
        if result.settle_days:
            weeks = result.settle_days // 7
            line = Text(
                f"What would settle it: about {weeks} weeks a side instead of "
                f"{(result.on.last - result.on.first).days // 7 + 1}, once you have been on it "
                "that long (fibrolog treatment review "
            )
            line.append(user_text(shlex.quote(result.course.name)))
            line.append(f" --baseline {result.settle_days}); keep logging daily.")
            parts.append(line)
        else:
            parts.append(
                Text(
                    "What would settle it: keep logging daily. A change this small would take "
                    "more than a year of diary to tell from the noise."
                )
            )
    others = [
        f"{METRIC_NAMES[name]} {c.change:+.1f} ({'clear' if c.clear else 'not clear'})"
        for name, c in result.changes.items()
        if c.change is not None
    ]
    if others:
        parts.append(Text("Also: " + ", ".join(others) + "."))
    return parts


def _fixed(value: float | None) -> str:
    return "·" if value is None else f"{value:.1f}"


def _caveats(result: Review) -> list[RenderableType]:
    found: list[RenderableType] = []
    if result.other_changes:
        listed = "; ".join(f"{c.name} {c.event} {_day(c.date)}" for c in result.other_changes)
        found.append(
            Text(
                f"⚠ Other treatments changed between the first day compared and the last "
                f"({listed}): the comparison is confounded.",
                style="yellow",
            )
        )
    for use in result.rescue_use:
        found.append(
            Text(
                f"⚠ {use.name} (as needed) was taken on {use.days_before} of "
                f"{use.days_logged_before} days before and {use.days_on} of "
                f"{use.days_logged_on} days on it: it lowers pain on the days it is taken, so "
                "the comparison is confounded.",
                style="yellow",
            )
        )
    if result.bad_spell and result.baseline and result.baseline.pain is not None:
        found.append(
            Text(
                f"⚠ It started in a bad spell: pain in the weeks before it "
                f"({result.baseline.pain:.1f}) was a point or more above your usual "
                f"({_fixed(result.bad_spell_median)}, the median of the 90 days before), so part "
                "of any improvement may be the spell passing.",
                style="yellow",
            )
        )
    return found


def _assessments(result: Review) -> list[RenderableType]:
    found: list[RenderableType] = []
    fiqr, fs = result.assessments.fiqr, result.assessments.fs
    if fiqr and fiqr.before is not None and fiqr.after is not None:
        pct = "" if fiqr.change_pct is None else f", {fiqr.change_pct:+.1f} %"
        reached = (
            "reaches the 14 % minimal important change"
            if fiqr.mcid_reached
            else "short of a 14 % fall"
        )
        found.append(
            Text(
                f"FIQR {fiqr.before:.1f} ({fiqr.band_before}) → {fiqr.after:.1f} "
                f"({fiqr.band_after}){pct}: {reached}."
            )
        )
    if fs:
        found.append(
            Text(
                f"ACR 2016 severity (FS) {fs.before} ({fs.band_before}) → {fs.after} "
                f"({fs.band_after})."
            )
        )
    return found


def review_view(result: Review, width: int) -> RenderableType:
    """One course's review: its windows side by side, the verdict, caveats, self-assessments,
    the person's own rating, and the reminder that this is not proof of cause."""
    course = result.course
    heading = user_text(course.name, style="bold")
    facts = [course.kind + (", as needed" if course.as_needed else "")]
    facts.append(f"since {_day(course.start)}")
    if course.stop:
        facts.append(f"stopped {_day(course.stop)}")
    doses = doses_text(course.doses)
    if doses:
        facts.append(doses)
    heading.append(" · " + " · ".join(facts))
    parts: list[RenderableType] = [heading]
    if not course.as_needed:
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
    if result.pgic:
        pgic = result.pgic
        parts.append(Text(f"Your rating: {pgic.answer} {pgic.label} ({_day(pgic.date)})."))
    parts.append(Text(CAUSATION, style="dim"))
    return Padding(Group(*parts), (0, 0, 1, 0))


def reviews_view(results: Sequence[Review], width: int, title: str = "") -> RenderableType:
    """Several reviews, under a title."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    return Group(*parts, *(review_view(result, width) for result in results))
