"""The shape of the code is checked, not hoped for (STYLE.md)."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import typer.main

from fibrolog.cli.app import COMMANDS, app

from .conftest import Run

PACKAGE = Path(__file__).parent.parent / "fibrolog"
README = Path(__file__).parent.parent / "README.md"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def package_graph() -> dict[str, set[str]]:
    """fibrolog's modules and the fibrolog modules each imports."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {i for i in imports_of(path) if i in files and i != name}
        for name, path in files.items()
    }


def test_each_library_is_imported_by_its_layer_only() -> None:
    owners = {
        "typer": "fibrolog.cli",
        "rich": "fibrolog.render",
        "tinydb": "fibrolog.store",
        "jinja2": "fibrolog.formats.report",  # only `report` pays for loading it
    }
    for path in sorted(PACKAGE.rglob("*.py")):
        for imported in imports_of(path):
            library = imported.split(".")[0]
            if library in owners:
                owner = owners[library]
                name = module_name(path)
                assert name == owner or name.startswith(owner + "."), f"{name} imports {library}"


def test_no_import_cycles() -> None:
    graph = package_graph()
    for package in [name for name in graph if (PACKAGE.parent / name.replace(".", "/")).is_dir()]:
        # `import fibrolog.cli.app` runs the package's __init__ first: it must import nothing.
        assert not graph[package], f"{package}/__init__.py imports {graph[package]}"
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, " → ".join([*visiting[visiting.index(name) :], name])
        if name in done:
            return
        visiting.append(name)
        for imported in sorted(graph[name]):
            visit(imported)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


# What each part of the package may import (STYLE.md, "The shape"): data flows one way,
# command line → parse and validate → store or analyse → render. Each package's __init__
# docstring says the same in words.
SHARED = {
    "fibrolog.errors",
    "fibrolog.regions",
    "fibrolog.models",
    "fibrolog.dates",
    "fibrolog.text",
    "fibrolog.config",
}
MAY_IMPORT = {
    "fibrolog.errors": set(),
    "fibrolog.regions": {"fibrolog.errors"},
    "fibrolog.dates": {"fibrolog.errors"},
    "fibrolog.models": {"fibrolog.errors", "fibrolog.regions"},
    "fibrolog.text": {"fibrolog.models"},
    # config writes its file through the store's safe file layer, and nothing more of it.
    "fibrolog.config": {"fibrolog.errors", "fibrolog.models", "fibrolog.store.safefile"},
    "fibrolog.store": SHARED,
    "fibrolog.analysis": SHARED,
    "fibrolog.demo": SHARED,
    "fibrolog.formats": SHARED | {"fibrolog.analysis"},
    # What a command asks of the diary: reads the store once, hands the analysis its slices.
    "fibrolog.queries": SHARED | {"fibrolog.store", "fibrolog.analysis", "fibrolog.formats"},
    "fibrolog.render": SHARED | {"fibrolog.analysis"},
    "fibrolog.cli": SHARED
    | {
        "fibrolog",
        "fibrolog.queries",
        "fibrolog.store",
        "fibrolog.analysis",
        "fibrolog.formats",
        "fibrolog.render",
        "fibrolog.demo",
    },
    "fibrolog.__main__": {"fibrolog", "fibrolog.cli"},
    "fibrolog": set(),
}


def part_of(module: str) -> str:
    """The part of the package a module belongs to: its subpackage, or itself at the top."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_each_part_imports_only_what_lies_below_it() -> None:
    for name, imported in package_graph().items():
        part = part_of(name)
        allowed = MAY_IMPORT[part]
        for target in imported:
            if part_of(target) == part:
                continue
            assert target in allowed or part_of(target) in allowed, f"{name} imports {target}"


# The store's readers of entries and days: only queries.py (and the store) call them for the
# views; a view command asks queries.py and renders what it returns.
READERS = {"entries", "newest", "day_facts", "year_entries", "entries_read_once", "checked_entries"}
VIEWS = ("cli/views.py", "cli/listing.py")


def test_the_views_read_the_diary_only_through_queries() -> None:
    for name in VIEWS:
        tree = ast.parse((PACKAGE / name).read_text())
        calls = {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "queries")
        }
        assert not calls & READERS, f"{name} reads the diary itself: {calls & READERS}"
        assert "fibrolog.queries" in imports_of(PACKAGE / name), f"{name} does not ask queries"
    assert "read_reviews" not in (PACKAGE / "cli/views.py").read_text()


# STYLE.md: a module is split by meaning when it grows past what one reader holds in mind.
MAX_MODULE_LINES = 600


def test_no_module_is_over_600_lines() -> None:
    long = {
        module_name(path): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these by meaning (issue 21): {long}"


def test_pure_modules_do_no_io() -> None:
    # dates.py is pure too except local_zone()/now_here(), which the CLI calls once.
    pure = [PACKAGE / n for n in ("models.py", "regions.py", "text.py", "formats/export.py")]
    pure += sorted((PACKAGE / "analysis").glob("*.py"))
    for path in pure:
        source = path.read_text()
        assert not re.search(r"\bopen\(|read_text\(|write_text\(|read_bytes\(|print\(", source), (
            path.name
        )


def _commands() -> dict[str, object]:
    group = typer.main.get_command(app)
    found = {}
    for name in group.list_commands(None):  # type: ignore[attr-defined, arg-type]
        command = group.get_command(None, name)  # type: ignore[attr-defined, arg-type]
        found[name] = command
        sub = getattr(command, "commands", None)
        for child_name, child in (sub or {}).items():
            found[f"{name} {child_name}"] = child
    return found


def test_every_command_has_help_with_an_example_and_is_in_the_readme() -> None:
    readme = README.read_text()
    found = _commands()
    assert set(COMMANDS) <= set(found)
    for name, command in found.items():
        help_text = getattr(command, "help", "") or ""
        assert help_text.strip(), f"{name} has no help"
        assert "fibrolog" in help_text, f"{name} help has no example"
        assert f"fibrolog {name.split()[0]}" in readme, f"{name} missing from README"


def test_help_lists_every_command_and_a_typo_gets_a_suggestion(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    listed = re.findall(r"^  (\w[\w-]*) ", result.stdout, re.MULTILINE)
    assert listed == list(COMMANDS)
    assert "Record how you feel now" in result.stdout
    typo = run("sumary")
    assert typo.exit_code == 2
    assert "No such command 'sumary'. Did you mean 'summary'?" in typo.stderr


PROBE = """
import json, sys
from fibrolog.__main__ import main
sys.argv = ["fibrolog", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
shown = ("rich", "fibrolog.cli.", "fibrolog.render")
loaded = sorted(m for m in sys.modules if m.startswith(shown))
print(json.dumps(loaded), file=sys.stderr)
"""


def loaded_after(args: list[str], env: dict[str, str]) -> list[str]:
    """The Rich, command and render modules a fresh interpreter loaded to run `args`."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
    )
    return list(json.loads(out.stderr.strip().splitlines()[-1]))


def test_one_line_commands_load_neither_rich_nor_other_commands(
    run: Run, cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert run("add", "3").exit_code == 0
    exported = tmp_path / "export.json"
    assert run("export", "-o", str(exported)).exit_code == 0
    assert loaded_after(["--version"], cli_env) == []
    entries_only = [
        "fibrolog.cli.app",
        "fibrolog.cli.entries",
        "fibrolog.cli.lazy",
        "fibrolog.cli.options",
    ]
    assert loaded_after(["add", "5", "-n", "x"], cli_env) == entries_only
    assert loaded_after(["edit", "1", "--pain", "4"], cli_env) == entries_only
    assert loaded_after(["delete", "2", "--yes"], cli_env) == entries_only
    files_only = [
        "fibrolog.cli.app",
        "fibrolog.cli.files",
        "fibrolog.cli.lazy",
        "fibrolog.cli.options",
    ]
    assert loaded_after(["--db", str(tmp_path / "new"), "import", str(exported)], cli_env) == (
        files_only
    )
    viewed = loaded_after(["summary"], cli_env)
    assert "rich" in viewed and "fibrolog.cli.entries" not in viewed
