"""The installed ``minidl`` console script, as a user's shell runs it: exit codes (signals: test_signals.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import minidl

SCRIPT = shutil.which("minidl", path=str(Path(sys.executable).parent)) or shutil.which("minidl")
pytestmark = pytest.mark.skipif(SCRIPT is None, reason="the minidl console script is not installed")


def test_console_script_runs_and_fails_cleanly(tmp_path: Path) -> None:
    ok = subprocess.run([SCRIPT, "components", "loss", "--json"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "minidl:MSELoss" in [d["id"] for d in json.loads(ok.stdout)]
    bad = subprocess.run(
        [SCRIPT, "inspect", str(tmp_path / "missing.minidl")], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr


def test_a_reader_that_leaves_early_does_not_cost_the_trained_model(tmp_path: Path, spec_file: Path) -> None:
    """``minidl train ... | head -1``: before, the first epoch line after ``head`` left raised BrokenPipeError,
    training stopped with status 1 and no model was saved. Now the command goes on without stdout."""
    child = subprocess.Popen(
        [SCRIPT, "train", spec_file, "--every", "1"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    child.stdout.close()  # the reader leaves before the first line: every write to stdout fails
    _, err = child.communicate(timeout=120)
    assert child.returncode == 0 and err == b""
    assert minidl.load(tmp_path / "small-trained.minidl").spec["training"]["epochs"] == 3
    assert minidl.load(tmp_path / "small-trained-checkpoint.minidl").kind == "checkpoint"
