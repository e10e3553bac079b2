"""The lint rules are part of the suite: ``ruff check`` and ``ruff format --check`` pass on the whole tree."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TREE = ["minidl", "plugins", "tests", "benchmarks", "specs"]


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None, reason="ruff is in the test extra: pip install -e '.[test]'"
)
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["check", "format"])
def test_ruff(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", *command, *TREE], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
