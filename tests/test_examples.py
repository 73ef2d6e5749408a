"""Every example command in the README and in every `--help` runs, on a demo diary (issue 20:
the README's own `edit` example failed, and a newcomer copies examples first)."""

import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer.main

from fibrolog.cli.app import app

from .conftest import Run

README = Path(__file__).parent.parent / "README.md"
# These ask question by question on a terminal (tests/test_prompts.py runs them in one).
NEEDS_A_TERMINAL = {("add",), ("assess",), ("fiqr",)}


def readme_examples() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.DOTALL)
    commands = []
    for block in blocks:
        for line in block.splitlines():
            if line.startswith("fibrolog "):
                commands.append(line.split("  #")[0].split(" # ")[0].strip())
    return commands


def help_examples() -> list[str]:
    group = typer.main.get_command(app)
    found = []
    for name in group.list_commands(None):  # type: ignore[attr-defined, arg-type]
        command = group.get_command(None, name)  # type: ignore[attr-defined, arg-type]
        children = getattr(command, "commands", None) or {}
        for each in [command, *children.values()]:
            for line in re.sub(r"\\\n\s*", " ", each.help or "").splitlines():
                if line.strip().startswith("fibrolog "):
                    example = re.sub(r"\s+\(.*\)$", "", line.strip())  # "(a comment)"
                    found.append(example)
    return found


def words(example: str, tmp_path: Path) -> list[str]:
    return shlex.split(example.replace("/tmp/try", str(tmp_path / "try")))[1:]


# These make what a demo diary already has (a demo, the demo's courses): they run on an empty
# diary; every other example runs on a fresh copy of a demo diary.
ON_AN_EMPTY_DIARY = (("demo",), ("treatment", "start"))


@pytest.fixture
def demo_diary(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A demo diary with a backup made at the clock's time (20261123T091500, as the restore
    example names), and a working folder with an export in it (`import diary.json`)."""
    demo = tmp_path / "demo"
    made = run("demo", "--db", str(demo), "--days", "120")
    assert made.exit_code == 0, made.output
    assert run("--db", str(demo), "edit", "1", "--pain", "5").exit_code == 0
    (made_now,) = (demo / "backups").iterdir()  # named by the real clock, not FIBROLOG_NOW
    made_now.rename(demo / "backups" / "20261123T091500")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "diary.json").write_text(run("--db", str(demo), "export").stdout)
    return demo


def test_every_example_runs(
    run: Run, demo_diary: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    # `remind` installs into this HOME and calls stand-ins, never the real systemctl.
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("systemctl", "launchctl", "notify-send"):
        (tools / tool).write_text("#!/bin/sh\n")
        (tools / tool).chmod(0o755)
    cli_env.update(HOME=str(tmp_path), XDG_CONFIG_HOME="", PATH=str(tools))
    examples = list(dict.fromkeys(readme_examples() + help_examples()))
    assert len(examples) > 60
    failed = []
    for n, example in enumerate(examples):
        args = words(example, tmp_path)
        if tuple(args) in NEEDS_A_TERMINAL:
            continue
        diary = tmp_path / f"diary-{n}"
        if not any(tuple(args[: len(start)]) == start for start in ON_AN_EMPTY_DIARY):
            shutil.copytree(demo_diary, diary)
        cli_env["FIBROLOG_DB"] = str(diary)
        result = run(*args, input="y\n" * 30)
        if result.exit_code != 0:
            failed.append(f"{example}\n    → {result.output.strip().splitlines()[-1:]}")
    assert not failed, "\n".join(failed)
