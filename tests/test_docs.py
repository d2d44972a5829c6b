"""docs/ is the design of record: every function and test it names exists."""

import importlib
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
ROOT = DOCS.parent
# `reports.permissions.can_edit_report`, `reports.models.Unit.owes_report_for`, …
APPS = "common|danvan|reports|directives|quarters|sampledata|structure"
DOTTED = re.compile(rf"`((?:{APPS})(?:\.\w+)+)")
# A Django permission ("reports.change_unitreport") is a name, not an object.
PERMISSION = re.compile(r"\w+\.(add|change|delete|view)_\w+")
# `tests/reports/test_x.py::test_y`, then `::test_z` for another test of that file.
TESTS = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`|`::(\w+)`")


def resolve(dotted: str) -> object:
    """The object a dotted name names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize("page", ["ARCHITECTURE.md", "PERMISSIONS.md"])
def test_every_function_the_docs_name_exists(page):
    names = set(DOTTED.findall((DOCS / page).read_text(encoding="utf-8")))
    assert names
    missing = []
    for name in sorted(names):
        if PERMISSION.fullmatch(name):
            continue
        try:
            resolve(name.rstrip("()"))
        except (ImportError, AttributeError):
            missing.append(name)
    assert not missing, f"{page} names what does not exist: {missing}"


@pytest.mark.parametrize("page", ["ARCHITECTURE.md", "PERMISSIONS.md"])
def test_every_test_the_docs_name_exists(page):
    missing = []
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        current = None
        for match in TESTS.finditer(line):
            path, name, same = match.groups()
            if path:
                current = ROOT / path
                if not current.exists():
                    missing.append(path)
                    continue
            name = name or same
            if name and (current is None or f"def {name}(" not in current.read_text("utf-8")):
                missing.append(f"{current}::{name}")
    assert not missing, f"{page} names tests that do not exist: {missing}"
