"""The installed ``minidl`` console script, as a user's shell runs it: exit codes (signals: test_signals.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
