"""The installed ``minidl`` console script, as a user's shell runs it: exit codes and Ctrl-C."""

from __future__ import annotations

import json
import shutil
import signal
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


def test_ctrl_c_exits_130_and_leaves_only_whole_files(tmp_path: Path) -> None:
    """Interrupted while checkpointing every epoch: status 130, no model, no temporary file, a loadable checkpoint."""
    process = subprocess.Popen(
        [SCRIPT, "train", "--epochs", "100000", "--every", "1", "--output", str(tmp_path / "run.minidl")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(3):  # a few epochs, so the interrupt lands while checkpoints are being written
            assert process.stdout.readline().startswith("epoch")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130
    assert err.strip() == "minidl: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-checkpoint.minidl"]
    assert minidl.load(tmp_path / "run-checkpoint.minidl").trainer_state["history"]
