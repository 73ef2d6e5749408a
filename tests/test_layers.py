"""The shape of the code is checked, not hoped for (STYLE.md)."""

import ast
import re
from pathlib import Path

import pytest
import typer.main

from fibrolog.cli import app

PACKAGE = Path(__file__).parent.parent / "fibrolog"
README = Path(__file__).parent.parent / "README.md"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_each_library_is_imported_by_one_module_only() -> None:
    # Rich is not imported at all: loading it took ~25 ms of summary's budget (terminal.py).
    owners: dict[str, set[str]] = {
        "typer": {"cli.py", "cli_more.py"},
        "rich": set(),
        "tinydb": {"store.py"},
    }
    for path in sorted(PACKAGE.rglob("*.py")):
        imports = imported_modules(path)
        for library, allowed in owners.items():
            if library in imports:
                assert path.name in allowed, f"{path.name} imports {library}"


def test_pure_modules_do_no_io() -> None:
    # dates.py is pure too except local_zone()/now_here(), which the CLI calls once.
    for name in ("models.py", "regions.py", "export.py", "text.py"):
        source = (PACKAGE / name).read_text()
        assert not re.search(r"\bopen\(|read_text\(|write_text\(|read_bytes\(|print\(", source), (
            name
        )


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    found = {}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        found[name] = command
        for child_name, child in (sub or {}).items():
            found[f"{name} {child_name}"] = child
    return found


def test_every_command_has_help_with_an_example_and_is_in_the_readme() -> None:
    readme = README.read_text()
    for name, command in _commands().items():
        help_text = getattr(command, "help", "") or ""
        assert help_text.strip(), f"{name} has no help"
        assert "fibrolog" in help_text, f"{name} help has no example"
        assert f"fibrolog {name.split()[0]}" in readme, f"{name} missing from README"


def test_heavy_modules_stay_off_the_start_up_path() -> None:
    """Loading the CLI costs only Typer; a `list` adds TinyDB but not the analysis, and no
    view loads Rich (Typer would, for rich help; we ask it for plain help)."""
    import subprocess
    import sys

    probe = (
        "import sys, fibrolog.cli;"
        "heavy = ('rich', 'tinydb', 'fibrolog.analysis', 'fibrolog.store');"
        "cli = {m for m in heavy if m in sys.modules};"
        "import fibrolog.render, fibrolog.store;"
        "listed = 'fibrolog.analysis' in sys.modules;"
        "import fibrolog.analysis, fibrolog.insights, fibrolog.assess;"
        "print(sorted(cli), listed, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] False False"


def test_a_run_converts_only_the_command_it_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Typer would turn all twenty-odd commands into click commands on every run (~10 ms)."""
    converted: list[str | None] = []
    convert = typer.main.get_command_from_info

    def recording(command_info: typer.models.CommandInfo, **options: object) -> object:
        converted.append(command_info.name or command_info.callback.__name__)  # type: ignore[union-attr]
        return convert(command_info, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(typer.main, "get_command_from_info", recording)
    group = typer.main.get_command(app)
    group.main(["--db", str(tmp_path / "d"), "list", "--json"], standalone_mode=False)
    assert converted == ["list"]
    # Help and suggestions still see every command.
    assert {"add", "list", "log", "summary", "config"} <= set(group.commands)  # type: ignore[attr-defined]
