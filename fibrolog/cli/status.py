"""`fibrolog status`: one line saying whether today is logged, for a shell prompt or a status
bar. A prompt runs it before every line, so `python -m fibrolog status` is answered by
`__main__` before Typer loads (no Typer, Rich or TinyDB on its path); the Typer command of the
same name (`fibrolog --db DIR status`, `status --help`) calls the same `status_line`.

Its path imports only what its answer needs: folders are plain text (os.path; pathlib's import
costs nearly as much as Python's start-up), today's date comes without zone rules
(`dates.today_here`), and the year file is read with json (`store.today`).
"""

import os
import sys

from fibrolog.errors import FibrologError

NOT_LOGGED_SHORT = "fl:–"


def diary_folder(db: str | os.PathLike[str] | None = None) -> str:
    """The diary the user means: --db, $FIBROLOG_DB, or `diary` in the platform data folder
    (as cli.options.open_diary finds it)."""
    if db is None and os.environ.get("FIBROLOG_DB"):
        db = os.environ["FIBROLOG_DB"]
    if db is None:
        import platformdirs  # only when needed: it costs more than the rest of the line

        db = os.path.join(platformdirs.user_data_dir("fibrolog"), "diary")
    return os.path.expanduser(db)


def status_line(folder: str | os.PathLike[str], short: bool = False) -> str:
    """'logged today 3× · pain 5' or 'not logged today'; short: 'fl:5', 'fl:✓' (logged, no
    pain) or 'fl:–'."""
    from fibrolog.dates import today_here
    from fibrolog.store.today import logged_on

    today = logged_on(folder, today_here())
    if short:
        if not today.entries:
            return NOT_LOGGED_SHORT
        return f"fl:{today.pain}" if today.pain is not None else "fl:✓"
    if not today.entries:
        return "not logged today"
    line = f"logged today {today.entries}×"
    return line if today.pain is None else f"{line} · pain {today.pain}"


def main(args: list[str]) -> int:
    """`fibrolog status [--prompt]` without Typer: print the line, return the exit code.
    A damaged diary gives one `Error:` line (with --prompt, 'fl:!' and no message, so that a
    prompt stays one line)."""
    short = args == ["--prompt"]
    try:
        print(status_line(diary_folder(), short))
    except FibrologError as error:
        if short:
            print("fl:!")
        else:
            print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    return 0
