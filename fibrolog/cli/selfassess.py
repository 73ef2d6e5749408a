"""Clinical self-assessments: the ACR 2016 criteria, the FIQR, and their history."""

import sys
from enum import StrEnum
from typing import Annotated

import typer

from fibrolog.cli.options import (
    AtOpt,
    DbOpt,
    JsonOpt,
    ask,
    checked,
    clock,
    command_family,
    open_diary,
    print_json,
    usage,
    whole,
)

commands = command_family()


def _ask_severity(label: str) -> int:
    from fibrolog.analysis.assess import SEVERITY_WORDS

    typer.echo(f"{label} over the past week:\n  " + "\n  ".join(SEVERITY_WORDS))
    while True:
        answer = typer.prompt("  0–3", prompt_suffix=": ")
        if answer.strip() in ("0", "1", "2", "3"):
            return int(answer)
        typer.echo("  Please answer 0, 1, 2 or 3.", err=True)


def _yes_no(question: str) -> bool:
    """A yes/no question; Enter is no. An answer such as "maybe" gets a sentence saying what
    to type (click's confirm says only "Error: invalid input")."""
    while True:
        answer = typer.prompt(f"{question} [y/N]", default="", show_default=False)
        word = answer.strip().lower()
        if word in ("y", "yes", "n", "no", ""):
            return word in ("y", "yes")
        typer.echo(
            f"  '{answer.strip()}' is not an answer here: type y (yes) or n (no); Enter means no.",
            err=True,
        )


@commands.command()
def assess(
    ctx: typer.Context,
    areas: Annotated[
        str | None, typer.Option("--areas", help="Areas painful in the past week (like --where).")
    ] = None,
    fatigue: Annotated[
        int | None,
        typer.Option("--fatigue", parser=whole(0, 3), metavar="<0-3>", help="Fatigue 0–3."),
    ] = None,
    unrefreshed: Annotated[
        int | None,
        typer.Option(
            "--unrefreshed", parser=whole(0, 3), metavar="<0-3>", help="Waking unrefreshed 0–3."
        ),
    ] = None,
    cognitive: Annotated[
        int | None,
        typer.Option(
            "--cognitive", parser=whole(0, 3), metavar="<0-3>", help="Thinking/memory problems 0–3."
        ),
    ] = None,
    headaches: Annotated[
        bool | None, typer.Option("--headaches/--no-headaches", help="Headaches, past 6 months.")
    ] = None,
    abdominal: Annotated[
        bool | None,
        typer.Option(
            "--abdominal/--no-abdominal", help="Lower-belly pain or cramps, past 6 months."
        ),
    ] = None,
    depression: Annotated[
        bool | None, typer.Option("--depression/--no-depression", help="Depression, past 6 months.")
    ] = None,
    three_months: Annotated[
        bool | None,
        typer.Option(
            "--three-months/--under-three-months", help="Symptoms similar for 3 months or more?"
        ),
    ] = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The ACR 2016 fibromyalgia criteria as a self-assessment (asks, or takes every flag).

    \b
    Examples:
      fibrolog assess
      fibrolog assess --areas shoulders,hips,neck,lower-back,upper-arms --fatigue 2 \\
        --unrefreshed 2 --cognitive 1 --headaches --no-abdominal --no-depression --three-months
    """
    from datetime import timedelta

    from fibrolog.analysis.assess import AcrAnswers, AcrResult
    from fibrolog.dates import parse_at
    from fibrolog.regions import parse_areas

    now = clock()
    moment = checked("--at", lambda: parse_at(at, now)) if at is not None else now
    diary = open_diary(ctx, db)
    flags = {
        "--areas": areas,
        "--fatigue": fatigue,
        "--unrefreshed": unrefreshed,
        "--cognitive": cognitive,
        "--headaches": headaches,
        "--abdominal": abdominal,
        "--depression": depression,
        "--three-months": three_months,
    }
    missing = [name for name, value in flags.items() if value is None]
    if missing and not sys.stdin.isatty():
        usage(f"give every answer as a flag when not on a terminal; missing: {', '.join(missing)}")
    chosen = checked("--areas", lambda: parse_areas([areas])) if areas is not None else None
    if chosen is None:
        week = diary.entries(moment.date() - timedelta(days=6), moment.date())
        recent = sorted({r for e in week for r in e.regions})
        typer.echo("Painful areas in the past week (Enter keeps the list from your diary).")
        chosen = ask(f"Areas [{', '.join(recent) or 'none'}]", lambda t: parse_areas([t]))
        if chosen is None:
            chosen = parse_areas(recent)
    answers = AcrAnswers(
        areas=chosen,
        fatigue=fatigue if fatigue is not None else _ask_severity("Fatigue"),
        unrefreshed=unrefreshed if unrefreshed is not None else _ask_severity("Waking unrefreshed"),
        cognitive=cognitive
        if cognitive is not None
        else _ask_severity("Thinking or memory problems"),
        headaches=headaches
        if headaches is not None
        else _yes_no("Headaches in the past 6 months?"),
        abdominal=abdominal
        if abdominal is not None
        else _yes_no("Pain or cramps in the lower belly in the past 6 months?"),
        depression=depression
        if depression is not None
        else _yes_no("Depression in the past 6 months?"),
        three_months=three_months
        if three_months is not None
        else _yes_no("Have the symptoms been at a similar level for at least 3 months?"),
    )
    result = AcrResult(answers)
    stored = diary.add_assessment(result.to_dict(0, moment))
    if json_:
        print_json({k: v for k, v in stored.items() if k != "answers"})
    else:
        record = result.record(stored["id"], moment)
        from fibrolog.render.assess import acr_view
        from fibrolog.render.console import make_console

        make_console().print(acr_view(record))


@commands.command()
def fiqr(
    ctx: typer.Context,
    answers: Annotated[
        str | None,
        typer.Option("--answers", help="21 answers 0–10 separated by commas; '-' for unanswered."),
    ] = None,
    at: AtOpt = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """The Revised Fibromyalgia Impact Questionnaire (FIQR): 21 questions, 0–100.

    \b
    Examples:
      fibrolog fiqr
      fibrolog fiqr --answers 3,4,2,6,5,4,5,3,4,6,5,7,6,6,7,4,5,3,6,2,5
    """
    from fibrolog.analysis.assess import FIQR_ITEMS as ITEMS
    from fibrolog.analysis.assess import FiqrResult, parse_fiqr_answers
    from fibrolog.dates import parse_at
    from fibrolog.models import read_score

    now = clock()
    moment = checked("--at", lambda: parse_at(at, now)) if at is not None else now
    if answers is not None:
        values = checked("--answers", lambda: parse_fiqr_answers(answers))
    elif not sys.stdin.isatty():
        usage("give --answers with 21 values when not on a terminal")
    else:
        typer.echo(
            "Think of the past 7 days. 0 = no difficulty or none, 10 = the worst. Enter skips."
        )
        collected: list[int | None] = []
        for number, item in enumerate(ITEMS, start=1):
            if number == 1:
                typer.echo("How hard was it to …")
            elif number == 10:
                typer.echo("Overall, rate …")
            elif number == 12:
                typer.echo("Rate …")
            collected.append(ask(f"{number:2}. {item} (0–10)", read_score))
        values = tuple(collected)
        if all(value is None for value in values):
            typer.echo("No question was answered, so nothing was saved.")
            return
    result = FiqrResult(values)
    stored = open_diary(ctx, db).add_assessment(result.to_dict(0, moment))
    if json_:
        print_json(stored)
    else:
        record = result.record(stored["id"], moment)
        from fibrolog.render.assess import fiqr_view
        from fibrolog.render.console import make_console

        make_console().print(fiqr_view(record))


class AssessmentKind(StrEnum):
    acr2016 = "acr2016"
    fiqr = "fiqr"


@commands.command()
def assessments(
    ctx: typer.Context,
    kind: Annotated[AssessmentKind | None, typer.Option("--kind", help="acr2016 or fiqr.")] = None,
    json_: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """Your self-assessments over time, with the trend of FS and the FIQR total.

    \b
    Examples:
      fibrolog assessments
      fibrolog assessments --kind fiqr --json
    """
    from fibrolog.analysis.assess import read_assessments, record_json

    records = read_assessments(open_diary(ctx, db).assessments(kind.value if kind else None))
    if json_:
        print_json([record_json(r) for r in records])
    else:
        from fibrolog.render.assess import assessments_view
        from fibrolog.render.console import make_console

        console = make_console()
        console.print(assessments_view(records, console.width))
