"""What the documents promise is tested: every test they name exists (README, docs/)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def defined_tests() -> set[str]:
    """Every test in the suite as FILE::NAME (a parametrised test counts once, by its name)."""
    found = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                found.add(f"{path.name}::{node.name}")
    return found


def test_every_test_a_document_names_exists() -> None:
    defined = defined_tests()
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {
        (doc.name, name)
        for doc in documents
        for name in re.findall(r"(test_\w+\.py::test_\w+)", doc.read_text())
    }
    assert len(named) >= 20, "the promises name the tests that show them"
    missing = sorted(f"{doc}: {name}" for doc, name in named if name not in defined)
    assert not missing, missing
