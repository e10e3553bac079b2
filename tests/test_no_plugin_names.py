"""The library names no plugin: below the interfaces (cli, tui), no code holds a plugin's name or its components'.

``workflow/experiments`` hard-coded minidl-extra's components for the study's rows; the study now lives
beside the command that runs it (``minidl/cli/experiments``). Docstrings may mention plugins as examples.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import minidl
from minidl import registry

PACKAGE = Path(minidl.__file__).parent
BELOW_THE_INTERFACES = ("core", "components", "registry", "workflow", "testing")
PLUGIN = "minidl-extra"


def strings_in_code(source: str) -> list[str]:
    """The string constants of a module, docstrings left out."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_module_below_the_interfaces_names_a_plugin_component() -> None:
    names = {
        qualified.split(":", 1)[1]
        for kind in registry.KINDS
        for qualified in registry.names(kind, qualified=True)
        if qualified.startswith(f"{PLUGIN}:")
    }
    if not names:
        pytest.skip(f"{PLUGIN} is not installed")
    found = {
        f"{path.relative_to(PACKAGE)}: {text!r}"
        for layer in BELOW_THE_INTERFACES
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for text in strings_in_code(path.read_text())
        if text in names or PLUGIN in text
    }
    assert found == set()


def test_the_scan_sees_code_and_skips_docstrings() -> None:
    source = '"""GELU in a docstring."""\ndef f():\n    """BatchNorm1d too."""\n    return "GELU"\n'
    assert strings_in_code(source) == ["GELU"]
