"""Commands of the daily habit: `status` (a line for a shell prompt), `again` (the usual
entry in one word) and `remind` (a nudge at a set time when nothing was logged)."""

from typing import Annotated

import typer

from fibrolog.cli.options import DbOpt, chosen_folder, command_family

commands = command_family()


@commands.command()
def status(
    ctx: typer.Context,
    prompt: Annotated[
        bool,
        typer.Option(
            "--prompt",
            help="Short, for a shell prompt: fl:5 (logged, latest pain 5), fl:✓ (logged, no "
            "pain given), fl:– (nothing yet today).",
        ),
    ] = False,
    db: DbOpt = None,
) -> None:
    """One line: whether you have logged today, and your latest pain.

    Made for a shell prompt or a status bar: it is the quickest command there is.

    \b
    Examples:
      fibrolog status            (logged today 3× · pain 5)
      fibrolog status --prompt   (fl:5, or fl:– before the day's first entry)
    """
    from fibrolog.cli.status import diary_folder, status_line

    typer.echo(status_line(diary_folder(chosen_folder(ctx, db)), prompt))
