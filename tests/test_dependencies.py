"""minidl declares what it imports: every third-party package its code imports is a dependency in pyproject.toml
(or an optional extra, for the code that imports it only when asked)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import minidl

tomllib = pytest.importorskip("tomllib")
ROOT = Path(minidl.__file__).parents[1]


def imported_packages() -> dict[str, str]:
    """Top-level third-party package -> the first file importing it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "minidl").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "minidl":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_imported_package_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    declared = {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower().replace("-", "_") for r in requirements}
    undeclared = {package: where for package, where in imported_packages().items() if package not in declared}
    assert undeclared == {}
