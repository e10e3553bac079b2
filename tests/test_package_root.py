"""The package root is lazy (PEP 562): ``import minidl.cli`` imports no torch, and every public name still works.

The ``minidl`` command needs this to install its Ctrl-C handling before torch's two-second import.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import minidl


def test_importing_the_command_imports_neither_torch_nor_minidls_code() -> None:
    code = "import sys, minidl.cli; print(*sorted(m for m in sys.modules if m.startswith(('torch', 'minidl'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["minidl", "minidl.cli", "minidl.cli.interrupts", "minidl.version"]


def test_every_public_name_resolves_and_is_listed() -> None:
    assert minidl.__all__ == sorted(minidl.__all__) and len(minidl.__all__) == 51
    for name in minidl.__all__:
        assert getattr(minidl, name) is not None, name
    assert set(minidl.__all__) <= set(dir(minidl))
    assert {"registry", "__version__"} <= set(dir(minidl))
    namespace: dict[str, object] = {}
    exec("from minidl import *", namespace)
    assert namespace["Linear"] is minidl.Linear and namespace["load"] is minidl.workflow.files.load


def test_subpackages_stay_reachable_as_attributes() -> None:
    """``import minidl; minidl.registry.names(...)`` worked when the root imported everything (and in a fresh
    process: tests/core/test_purity.py reads ``minidl.registry._state`` after a bare ``import minidl``)."""
    for name in ("components", "core", "registry", "workflow"):
        assert minidl.__getattr__(name) is sys.modules[f"minidl.{name}"]
    assert "registry" in dir(minidl)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'minidl' has no attribute 'Linaer'"):
        minidl.Linaer  # noqa: B018
    assert not hasattr(minidl, "tui_app")


def test_the_default_recipe_is_not_a_shared_mutable_dict() -> None:
    """``minidl.DEFAULT_SPEC`` was a module-level dict: mutating it changed every later ``default_spec()``."""
    assert not hasattr(minidl, "DEFAULT_SPEC")
    spec = minidl.default_spec()
    spec["training"]["optimizer"]["config"]["lr"] = 1.0
    spec["model"]["layers"].clear()
    again = minidl.default_spec(seed=3)
    assert again["training"]["optimizer"]["config"]["lr"] == 0.01 and len(again["model"]["layers"]) == 7
    assert again["training"]["seed"] == 3 and minidl.default_spec()["training"]["seed"] == 0
