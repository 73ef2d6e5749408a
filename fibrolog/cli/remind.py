"""`fibrolog remind`: a daily nudge to log, at a time you choose, only on days with nothing
logged yet. It installs a per-user systemd timer (Linux), a launchd agent (macOS), or prints
the crontab line where neither is there; nothing runs that the user did not install, and
`remind remove` undoes it. What the timer runs, `fibrolog remind now`, is silent on a day
with an entry and otherwise shows a desktop notification (or prints one line)."""

import os
import shlex
import shutil
import subprocess
import sys
from datetime import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fibrolog.cli.options import DbOpt, chosen_folder, clock, command_family, typed
from fibrolog.errors import UsageProblem

commands = command_family()
remind_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True)
commands.add_typer(
    remind_app,
    name="remind",
    help=(
        "A daily nudge to log, only on days with nothing logged yet.\n\n"
        "\b\nExamples:\n  fibrolog remind install --at 20:00\n  fibrolog remind status\n"
        "  fibrolog remind remove"
    ),
)

UNIT = "fibrolog-remind"
AGENT = "org.fibrolog.remind"
MESSAGE = "Nothing logged today yet. A word is enough: fibrolog add 5 (or fibrolog again)"


class Kind(StrEnum):
    systemd = "systemd"
    launchd = "launchd"
    cron = "cron"


def read_time(text: str) -> time:
    """'20:00', '8pm', '7:30am' → the time of day (minutes; seconds are not kept)."""
    from fibrolog.dates import parse_clock

    moment = parse_clock(text.strip().lower())
    if moment is None:
        raise UsageProblem(f"cannot read the time '{text}'. Try 20:00, 8pm or 7:30am.")
    return moment.replace(second=0)


def home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def systemd_folder() -> Path:
    """Where a user's own systemd units live ($XDG_CONFIG_HOME/systemd/user)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(home() / ".config")
    return Path(config) / "systemd" / "user"


def launchd_file() -> Path:
    return home() / "Library" / "LaunchAgents" / f"{AGENT}.plist"


def this_platform() -> Kind:
    """What this machine can run: launchd on macOS, a systemd user timer where systemd runs,
    else cron (whose line is printed, not installed: a crontab is the user's own file)."""
    if sys.platform == "darwin":
        return Kind.launchd
    if shutil.which("systemctl") and Path("/run/systemd/system").is_dir():
        return Kind.systemd
    return Kind.cron


def reminder_command(folder: Path | None) -> list[str]:
    """What the timer runs: this Python and this fibrolog, with the diary named if it was."""
    where = ["--db", str(folder)] if folder else []
    return [sys.executable, "-m", "fibrolog", *where, "remind", "now"]


def systemd_units(at: time, command: list[str]) -> dict[str, str]:
    """The text of the service and the timer (`%` is systemd's specifier: doubled)."""
    exec_start = shlex.join(command).replace("%", "%%")
    return {
        f"{UNIT}.service": (
            "[Unit]\n"
            "Description=fibrolog: a nudge to log, if nothing is logged today\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"ExecStart={exec_start}\n"
        ),
        f"{UNIT}.timer": (
            "[Unit]\n"
            f"Description=fibrolog: a daily nudge to log at {at:%H:%M}\n"
            "\n"
            "[Timer]\n"
            f"OnCalendar=*-*-* {at:%H:%M}:00\n"
            "# A nudge missed while the computer was off is not made up later.\n"
            "Persistent=false\n"
            "\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        ),
    }


def launchd_agent(at: time, command: list[str]) -> bytes:
    import plistlib

    agent = {
        "Label": AGENT,
        "ProgramArguments": command,
        "StartCalendarInterval": {"Hour": at.hour, "Minute": at.minute},
    }
    return plistlib.dumps(agent)


def cron_line(at: time, command: list[str]) -> str:
    return f"{at.minute} {at.hour} * * * {shlex.join(command)}"


def run_tool(*args: str) -> None:
    """Run systemctl or launchctl; a failure is one line saying what did not work."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        from fibrolog.errors import FibrologError

        said = (done.stderr or done.stdout).strip().splitlines()
        raise FibrologError(f"`{shlex.join(args)}` failed: {said[-1] if said else done.returncode}")


KindOpt = Annotated[
    Kind | None,
    typer.Option("--kind", help="systemd, launchd or cron (default: what this machine has)."),
]


@remind_app.command()
def install(
    ctx: typer.Context,
    at: Annotated[
        time,
        typer.Option("--at", parser=typed(read_time), metavar="<time>", help="When: 20:00, 8pm …"),
    ],
    kind: KindOpt = None,
    db: DbOpt = None,
) -> None:
    """Install a daily reminder at a time; on a day with an entry it stays silent.

    \b
    Examples:
      fibrolog remind install --at 20:00
      fibrolog remind install --at 9pm --kind cron   (prints the crontab line)
    """
    from fibrolog.store.safefile import atomic_write

    kind = kind or this_platform()
    command = reminder_command(chosen_folder(ctx, db))
    if kind is Kind.cron:
        typer.echo("No systemd or launchd here: add this line with `crontab -e` to be reminded:")
        typer.echo(cron_line(at, command))
        return
    if kind is Kind.systemd:
        folder = systemd_folder()
        for name, text in systemd_units(at, command).items():
            atomic_write(folder / name, text.encode())
        run_tool("systemctl", "--user", "daemon-reload")
        run_tool("systemctl", "--user", "enable", "--now", f"{UNIT}.timer")
        where = folder / f"{UNIT}.timer"
    else:
        where = launchd_file()
        if where.exists():
            run_tool("launchctl", "unload", "-w", str(where))
        atomic_write(where, launchd_agent(at, command))
        run_tool("launchctl", "load", "-w", str(where))
    typer.echo(f"You will be reminded at {at:%H:%M} on days with nothing logged ({where}).")
    typer.echo("To stop: fibrolog remind remove")


def installed() -> tuple[Kind, Path, str] | None:
    """The reminder installed, if any: its kind, its file and its time ('20:00')."""
    timer = systemd_folder() / f"{UNIT}.timer"
    if timer.exists():
        for line in timer.read_text().splitlines():
            if line.startswith("OnCalendar="):
                return Kind.systemd, timer, line.split()[-1][:5]
        return Kind.systemd, timer, "?"
    agent = launchd_file()
    if agent.exists():
        import plistlib

        when = plistlib.loads(agent.read_bytes()).get("StartCalendarInterval", {})
        return Kind.launchd, agent, f"{when.get('Hour', 0):02d}:{when.get('Minute', 0):02d}"
    return None


@remind_app.command()
def remove() -> None:
    """Remove the daily reminder (a crontab line you added yourself stays: `crontab -e`).

    \b
    Example:
      fibrolog remind remove
    """
    found = installed()
    if found is None:
        typer.echo("No reminder is installed (a crontab line, if you added one: crontab -e).")
        return
    kind, path, _ = found
    if kind is Kind.systemd:
        run_tool("systemctl", "--user", "disable", "--now", f"{UNIT}.timer")
        for name in (f"{UNIT}.timer", f"{UNIT}.service"):
            (path.parent / name).unlink(missing_ok=True)
        run_tool("systemctl", "--user", "daemon-reload")
    else:
        run_tool("launchctl", "unload", "-w", str(path))
        path.unlink(missing_ok=True)
    typer.echo(f"Removed the daily reminder ({path}).")


@remind_app.command("status")
def remind_status() -> None:
    """Say whether a reminder is installed, and when it nudges.

    \b
    Example:
      fibrolog remind status
    """
    found = installed()
    if found is None:
        typer.echo("No reminder is installed. Add one with: fibrolog remind install --at 20:00")
        return
    kind, path, at = found
    typer.echo(f"A reminder at {at} each day, on days with nothing logged ({kind}: {path}).")


@remind_app.command()
def now(ctx: typer.Context, db: DbOpt = None) -> None:
    """Nudge now if nothing is logged today (what the installed reminder runs).

    \b
    Example:
      fibrolog remind now
    """
    from fibrolog.cli.status import diary_folder
    from fibrolog.store.today import logged_on

    if logged_on(diary_folder(chosen_folder(ctx, db)), clock().date()).entries:
        return  # logged today: nothing to say
    if shutil.which("notify-send"):
        run_tool("notify-send", "--app-name=fibrolog", "fibrolog", MESSAGE)
    elif sys.platform == "darwin" and shutil.which("osascript"):
        script = f'display notification "{MESSAGE}" with title "fibrolog"'
        run_tool("osascript", "-e", script)
    else:
        typer.echo(MESSAGE)
