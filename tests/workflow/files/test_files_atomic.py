"""Writes are atomic: a save killed half-way, or failing, leaves the previous file intact and loadable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

import minidl
from minidl.workflow.files import atomic
from tests.workflow.files.helpers import save_model

ROOT = Path(__file__).resolve().parents[3]

SAVE_FOREVER = textwrap.dedent(
    """
    import sys
    import minidl
    model = minidl.Sequential(*[minidl.Linear(1500, 1500) for _ in range(8)])   # 72 MB per save
    print("ready", flush=True)
    while True:
        minidl.save(model, sys.argv[1])
    """
)


def test_process_killed_mid_save_leaves_the_previous_file(tmp_path: Path) -> None:
    path = save_model(tmp_path / "model.minidl")
    before = path.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-c", SAVE_FOREVER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while not any(p.name.endswith(".tmp") and p.stat().st_size > 1_000_000 for p in tmp_path.iterdir()):
            assert time.monotonic() < deadline, "the save never started"
            time.sleep(0.005)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert path.read_bytes() == before
    assert len(minidl.load(path).model) == 3
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers and all(p.name.startswith(".model.minidl.") for p in leftovers)


def test_failed_save_keeps_the_previous_file_and_removes_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_model(tmp_path / "model.minidl")
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        minidl.save(minidl.Sequential(minidl.Linear(2, 2)), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.minidl"]


def test_save_replaces_the_file_with_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "m.minidl"
    minidl.save(minidl.Sequential(minidl.Linear(2, 2)), path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    minidl.save(minidl.Sequential(minidl.Linear(2, 3)), path)
    assert torch.Size([3, 2]) == minidl.load(path).model[0].weight.value.shape
