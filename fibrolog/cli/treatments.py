"""`fibrolog treatment`: courses of treatment over time, and the review of whether one helps."""

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fibrolog.cli.options import (
    DbOpt,
    JsonOpt,
    checked,
    clock,
    command_family,
    load_settings,
    open_diary,
    print_json,
    read_reviews,
    usage,
    whole,
)
from fibrolog.errors import FibrologError, UsageProblem
from fibrolog.text import printable  # names and doses may come from an imported file

if TYPE_CHECKING:
    from fibrolog.models import Course
    from fibrolog.store.diary import Diary

commands = command_family()
treatment_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True)
commands.add_typer(
    treatment_app,
    name="treatment",
    help=(
        "Treatment courses (drugs, devices, therapies, exercise) and whether they help.\n\n"
        "\b\nExamples:\n  fibrolog treatment start duloxetine --dose 30mg\n"
        "  fibrolog treatment review duloxetine"
    ),
)


class Kind(StrEnum):
    drug = "drug"
    device = "device"
    therapy = "therapy"
    exercise = "exercise"
    other = "other"


NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help="The treatment, e.g. duloxetine (any case).")
]
OnOpt = Annotated[
    str | None,
    typer.Option("--on", help="The day: 2026-11-20, yesterday, last monday … (default today)."),
]
CourseId = Annotated[
    int,
    typer.Argument(
        parser=whole(1), metavar="ID", help="The course's number, as `list --all` shows it."
    ),
]


def _day(option: str, text: str | None, today: date) -> date:
    """A day typed by the user (SPEC §7), not after today."""
    if text is None:
        return today
    from fibrolog.dates import parse_date

    day = checked(option, lambda: parse_date(text, clock()))
    if day > today:
        raise typer.BadParameter(f"{day} is in the future", param_hint=f"'{option}'")
    return day


def _running(diary: "Diary", name: str) -> "Course":
    """The running course called `name`; exit 1 naming the running ones if there is none."""
    import difflib

    key = " ".join(name.split()).casefold()
    courses = diary.courses()
    called = [c for c in courses if c.running and c.key == key]
    if len(called) > 1:  # an import or an edit can bring a second one
        each = ", ".join(f"#{c.id} since {c.start}" for c in called)
        raise FibrologError(
            f"{len(called)} courses called '{called[0].name}' are running ({each}); stop or "
            "delete the one entered twice, by its number: fibrolog treatment edit ID --stop DAY"
        )
    if called:
        return called[0]
    running = [c.name for c in courses if c.running]
    close = difflib.get_close_matches(key, [c.key for c in courses if c.running], n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    stopped = [c for c in courses if c.key == key]
    state = (
        f"'{name}' stopped on {stopped[-1].stop}" if stopped else f"no course is called '{name}'"
    )
    if running:
        raise FibrologError(f"{state}.{hint} Running now: {', '.join(running)}.")
    raise FibrologError(f"{state}, and no course is running. Start one: fibrolog treatment start")


def _running_on(
    ctx: typer.Context, db: Path | None, name: str, on: str | None, refusal: str
) -> tuple["Diary", "Course", date, date]:
    """The diary, its running course called `name`, the day given by --on (not before the
    course started: `refusal` says why) and today."""
    today = clock().date()
    day = _day("--on", on, today)
    diary = open_diary(ctx, db)
    course = _running(diary, name)
    if day < course.start:
        usage(f"{course.name} started on {course.start}; {refusal}")
    return diary, course, day, today


def _when(day: date, today: date) -> str:
    return f"{day:%a %d %b}" + (f" {day.year}" if day.year != today.year else "")


@treatment_app.command()
def start(
    ctx: typer.Context,
    name: NameArg,
    dose: Annotated[str | None, typer.Option("--dose", help="The dose, e.g. 30mg.")] = None,
    kind: Annotated[Kind, typer.Option("--kind", help="What it is.")] = Kind.drug,
    as_needed: Annotated[
        bool, typer.Option("--as-needed", help="Taken when needed (a rescue pill), not daily.")
    ] = False,
    on: OnOpt = None,
    note: Annotated[str, typer.Option("--note", "-n", help="Anything to remember.")] = "",
    db: DbOpt = None,
) -> None:
    """Start a course of treatment (a drug, device, therapy or exercise programme).

    \b
    Examples:
      fibrolog treatment start duloxetine --dose 30mg
      fibrolog treatment start "spinal cord stimulation" --kind device --on 2026-09-01
      fibrolog treatment start ibuprofen --as-needed
    """
    import shlex
    import uuid

    from fibrolog.models import Course, InvalidEntry

    today = clock().date()
    day = _day("--on", on, today)
    diary = open_diary(ctx, db)
    name = " ".join(name.split())
    for course in diary.courses():
        if course.running and course.key == name.casefold():
            raise FibrologError(
                f"{course.name} is already running (since {course.start}); to change its "
                f"dose: fibrolog treatment change {shlex.quote(course.name)} --dose DOSE"
            )
    try:
        course = Course.build(
            uid=uuid.uuid4().hex,
            name=name,
            kind=kind.value,
            as_needed=as_needed,
            start=day,
            note=note,
            doses=({"dose": dose, "from": day},) if dose else (),
        )
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    stored = diary.add_course(course)
    what = f"{stored.name} {dose}" if dose else stored.name
    typer.echo(printable(f"Started {what} on {_when(day, today)} (course #{stored.id})."))


@treatment_app.command()
def change(
    ctx: typer.Context,
    name: NameArg,
    dose: Annotated[str, typer.Option("--dose", help="The new dose, e.g. 60mg.")],
    on: OnOpt = None,
    db: DbOpt = None,
) -> None:
    """Change the dose of a running course (the same course goes on).

    \b
    Example:
      fibrolog treatment change duloxetine --dose 60mg
    """
    from fibrolog.models import Dose

    diary, course, day, today = _running_on(
        ctx, db, name, on, "a dose change cannot come before it"
    )
    doses = (*(d for d in course.doses if d.from_ < day), Dose(dose, day))
    diary.update_course(course.replace(doses=doses), when=clock())
    typer.echo(
        printable(
            f"Changed {course.name} to {dose} from {_when(day, today)} (course #{course.id})."
        )
    )


@treatment_app.command()
def stop(
    ctx: typer.Context,
    name: NameArg,
    on: OnOpt = None,
    reason: Annotated[
        str, typer.Option("--reason", help="Why, e.g. 'side effects' or 'no help'.")
    ] = "",
    db: DbOpt = None,
) -> None:
    """Stop a running course (the stop day is its first day off it).

    \b
    Example:
      fibrolog treatment stop duloxetine --reason "nausea"
    """
    diary, course, day, today = _running_on(ctx, db, name, on, "it cannot stop before that")
    diary.update_course(course.replace(stop=day, reason=reason), when=clock())
    weeks = (day - course.start).days // 7
    typer.echo(
        printable(
            f"Stopped {course.name} on {_when(day, today)}, after {weeks} week"
            f"{'s' * (weeks != 1)} (course #{course.id})."
        )
    )


def _answer(text: str) -> int:
    from fibrolog.models import PGIC

    value = text.strip()
    if not (value.isascii() and value.isdigit()) or int(value) not in PGIC:
        raise typer.BadParameter(f"'{text}' is not one of the answers 1 to 7 (see --help)")
    return int(value)


@treatment_app.command()
def rate(
    ctx: typer.Context,
    name: NameArg,
    answer: Annotated[
        int,
        typer.Argument(metavar="1..7", parser=_answer, help="How you feel since it started."),
    ],
    on: OnOpt = None,
    db: DbOpt = None,
) -> None:
    """Say how you feel since the course started (Patient Global Impression of Change).

    \b
    Answers:
      1 very much improved   2 much improved   3 minimally improved   4 no change
      5 minimally worse      6 much worse      7 very much worse

    \b
    Example:
      fibrolog treatment rate duloxetine 3
    """
    from fibrolog.models import PGIC, Rating

    diary, course, day, today = _running_on(ctx, db, name, on, "rate it on or after that day")
    ratings = tuple(sorted((*course.ratings, Rating(answer, day)), key=lambda r: r.date))
    diary.update_course(course.replace(ratings=ratings), when=clock())
    typer.echo(printable(f"Rated {course.name}: {answer} {PGIC[answer]} ({_when(day, today)})."))


@treatment_app.command("list")
def list_courses(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Past courses too.")] = False,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The courses running now (with --all, the past ones too).

    \b
    Examples:
      fibrolog treatment list
      fibrolog treatment list --all --json
    """
    courses = [c for c in open_diary(ctx, db).courses() if all_ or c.running]
    if json_:
        print_json([c.to_dict() for c in courses])
        return
    if not courses:
        hint = "" if all_ else " (--all shows past ones)"
        typer.echo(f"No courses running{hint}. Start one: fibrolog treatment start NAME")
        return
    from fibrolog.render.console import make_console
    from fibrolog.render.treatments import courses_view

    console = make_console()
    console.print(courses_view(courses, clock().date(), console.width))


@treatment_app.command("review")
def review_courses(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(metavar="[NAME]", help="One treatment (default: every one).")
    ] = None,
    baseline: Annotated[
        int,
        typer.Option(
            "--baseline", parser=whole(7, 365), metavar="<days>", help="Days compared on each side."
        ),
    ] = 28,
    skip: Annotated[
        int,
        typer.Option(
            "--skip",
            parser=whole(0, 365),
            metavar="<days>",
            help="Days after the start before it is judged.",
        ),
    ] = 14,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Is it helping? The latest weeks on a treatment against the weeks before it.

    Pain, fatigue, sleep and flare days in each window, the change with a 95% interval and
    its size by the IMMPACT benchmarks, what could confound it, your self-assessments and
    ratings. An association in your own diary, not proof of cause.

    \b
    Examples:
      fibrolog treatment review
      fibrolog treatment review duloxetine --json
    """
    now = clock()
    diary = open_diary(ctx, db)
    courses = diary.courses()
    chosen = courses
    if name is not None:
        key = " ".join(name.split()).casefold()
        chosen = [c for c in courses if c.key == key][-1:]
        if not chosen:
            import difflib

            close = difflib.get_close_matches(key, [c.key for c in courses], n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            known = ", ".join(dict.fromkeys(c.name for c in courses)) or "none yet"
            raise FibrologError(f"no course is called '{name}'.{hint} Courses: {known}.")
    settings = load_settings().flare
    results = read_reviews(diary, chosen, courses, now.date(), settings, baseline, skip)
    if json_:
        print_json({"reviews": [result.to_json() for result in results]})
        return
    if not results:
        typer.echo("No courses yet. Start one: fibrolog treatment start NAME --dose DOSE")
        return
    from fibrolog.render.console import make_console
    from fibrolog.render.treatments import reviews_view

    console = make_console()
    console.print(reviews_view(results, console.width))


@treatment_app.command("edit")
def edit_course(
    ctx: typer.Context,
    course_id: CourseId,
    name: Annotated[str | None, typer.Option("--name", help="A new name.")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="What it is.")] = None,
    as_needed: Annotated[
        bool | None, typer.Option("--as-needed/--daily", help="Taken as needed, or daily.")
    ] = None,
    start_on: Annotated[str | None, typer.Option("--start", help="The day it started.")] = None,
    stop_on: Annotated[str | None, typer.Option("--stop", help="The day it stopped.")] = None,
    running: Annotated[
        bool, typer.Option("--running", help="It has not stopped after all.")
    ] = False,
    note: Annotated[str | None, typer.Option("--note", "-n", help="A new note.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it stopped.")] = None,
    db: DbOpt = None,
) -> None:
    """Correct a course: only what you give changes.

    \b
    Examples:
      fibrolog treatment edit 3 --start 2026-08-28
      fibrolog treatment edit 3 --running
    """
    from fibrolog.models import InvalidEntry

    today = clock().date()
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = " ".join(name.split())
    if kind is not None:
        changes["kind"] = kind.value
    if as_needed is not None:
        changes["as_needed"] = as_needed
    if start_on is not None:
        changes["start"] = _day("--start", start_on, today)
    if stop_on is not None and running:
        usage("--stop and --running together")
    if stop_on is not None:
        changes["stop"] = _day("--stop", stop_on, today)
    if running:
        changes["stop"] = None
    if note is not None:
        changes["note"] = note
    if reason is not None:
        changes["reason"] = reason
    if not changes:
        usage("nothing to change: give a value such as --start 2026-08-28 or --running")
    diary = open_diary(ctx, db)
    found = {c.id: c for c in diary.courses()}
    if course_id not in found:
        raise FibrologError(f"there is no course #{course_id}; `fibrolog treatment list --all`")
    course = found[course_id]
    if "start" in changes and course.doses and course.doses[0].from_ == course.start:
        from msgspec.structs import replace

        changes["doses"] = (replace(course.doses[0], from_=changes["start"]), *course.doses[1:])
    try:
        new = course.replace(**changes)
    except InvalidEntry as error:
        raise UsageProblem(str(error)) from None
    for other in found.values():  # as `start` refuses: rate, change and stop go by name
        if new.running and other.running and other.id != new.id and other.key == new.key:
            raise FibrologError(
                f"{other.name} is already running as course #{other.id} (since {other.start}); "
                "two running courses of one name could not be told apart. Choose another "
                f"name, or stop #{other.id} first"
            )
    diary.update_course(new, when=clock())
    stopped = f", stopped {new.stop}" if new.stop else ", running"
    typer.echo(printable(f"Updated course #{new.id}: {new.name}, from {new.start}{stopped}."))


@treatment_app.command("delete")
def delete_course(
    ctx: typer.Context,
    course_id: CourseId,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOpt = None,
) -> None:
    """Delete a course entered by mistake (a backup is made first).

    \b
    Example:
      fibrolog treatment delete 3
    """
    diary = open_diary(ctx, db)
    found = {c.id: c for c in diary.courses()}
    if course_id not in found:
        raise FibrologError(f"there is no course #{course_id}; `fibrolog treatment list --all`")
    course = found[course_id]
    if not yes:
        typer.confirm(
            f"Delete course #{course.id} ({course.name}, from {course.start})?", abort=True
        )
    diary.delete_course(course_id, when=clock())
    typer.echo(printable(f"Deleted course #{course.id} ({course.name})."))
