"""Commands for a diary kept on two devices: merge another copy, git's merge driver, git set-up.

Conflict copies that Syncthing, Dropbox, Nextcloud or OneDrive leave beside the diary need no
command: every command merges them first (cli/options.py `open_diary`).
"""

import subprocess
from pathlib import Path
from typing import Annotated

import typer

from fibrolog.cli.options import DbOpt, clock, command_family, open_diary
from fibrolog.errors import FibrologError

commands = command_family()
sync_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True)
commands.add_typer(
    sync_app,
    name="sync",
    help=(
        "Keep the diary on several devices in step through git.\n\n"
        "\b\nExample, in the diary folder:\n  git init && fibrolog sync git-setup"
    ),
)

# What git should merge with fibrolog, and what it should not track (device-local files).
GIT_ATTRIBUTES = [
    "meta.json merge=fibrolog",
    "[0-9][0-9][0-9][0-9].json merge=fibrolog",
    "treatments.json merge=fibrolog",
    "assessments.json merge=fibrolog",
    "changes.json merge=fibrolog",
]
GIT_IGNORE = [".lock", "backups/", ".*.tmp", "journal.json", "*.damaged-*", ".merged-by-git"]
DRIVER = "fibrolog merge-driver %O %A %B %P"


@commands.command()
def merge(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH", exists=True, help="Another diary folder, or a json or csv export."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would change; write nothing.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Merge another copy of the diary into this one: another diary folder (a copy on a USB
    stick, the phone's) or an export. Entries are matched by uid, nothing is lost, deleted
    entries stay deleted, clashing numbers are renumbered and said.

    \b
    Examples:
      fibrolog merge diary.json --dry-run
      fibrolog merge diary.json
    """
    from fibrolog.store.combine import merge_from, read_folder, side_of

    now = clock()
    diary = open_diary(ctx, db)
    path = path.expanduser()
    if path.is_dir():
        other = read_folder(path, diary)
    else:
        from fibrolog.formats.export import parse_import

        try:
            raw = path.read_bytes()
        except OSError as error:
            raise FibrologError(f"cannot read {path}: {error.strerror}") from None
        found = parse_import(raw, now)
        other = side_of(found.entries, found.courses, found.assessments)
    _, line = merge_from(diary, other, str(path), now, dry_run)
    typer.echo(line)


@commands.command("merge-driver")
def merge_driver(
    ancestor: Annotated[Path, typer.Argument(metavar="O", help="git's %O: the common ancestor.")],
    ours: Annotated[Path, typer.Argument(metavar="A", help="git's %A: ours; the result.")],
    theirs: Annotated[Path, typer.Argument(metavar="B", help="git's %B: theirs.")],
    name: Annotated[str, typer.Argument(metavar="P", help="git's %P: the file's path.")],
) -> None:
    """git's merge driver for the diary's files (set up by `fibrolog sync git-setup`).

    \b
    Example (in .git/config):
      driver = fibrolog merge-driver %O %A %B %P
    """
    from fibrolog.store.combine import merge_driver as merge_file

    if not merge_file(ancestor, ours, theirs, name):
        raise FibrologError(f"{name} is not a diary file; merge it by hand")


@sync_app.command("git-setup")
def git_setup(ctx: typer.Context, db: DbOpt = None) -> None:
    """Let git merge the diary: register fibrolog's merge driver in the repository that
    holds the diary folder, and keep device-local files (lock, backups) out of git.

    \b
    Example:
      cd ~/.local/share/fibrolog/diary && git init && fibrolog sync git-setup
    """
    diary = open_diary(ctx, db)
    folder = diary.folder
    if not folder.is_dir():
        raise FibrologError(f"there is no diary in {folder} yet")
    _git(folder, "rev-parse", "--show-toplevel")
    _git(folder, "config", "merge.fibrolog.name", "fibrolog diary merge (by uid)")
    _git(folder, "config", "merge.fibrolog.driver", DRIVER)
    from fibrolog.store.safefile import atomic_write

    for name, wanted in ((".gitattributes", GIT_ATTRIBUTES), (".gitignore", GIT_IGNORE)):
        path = folder / name
        have = path.read_text().splitlines() if path.exists() else []
        missing = [line for line in wanted if line not in have]
        if missing:
            atomic_write(path, "\n".join([*have, *missing, ""]).encode())
    typer.echo(
        f"git now merges the diary in {folder} with fibrolog (merge.fibrolog.driver).\n"
        "Commit .gitattributes and .gitignore, and run this on every device's clone."
    )


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise FibrologError("git is not installed") from None
    if done.returncode != 0:
        if args[0] == "rev-parse":
            raise FibrologError(f"{folder} is not in a git repository; run `git init` there first")
        raise FibrologError(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout
