"""Signals at random moments of work and of saving: the file at the path is the old one or the new one, whole,
and no temporary file is left (SIGTERM's default action left one in 12 of 22 trials)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import minidl
from tests.processes import popen, read_line

ROOT = Path(__file__).resolve().parents[3]

# Each round: work and save, over and over, until a signal; then check the folder and the file, report, go on.
# SIGINT meets Python's own handler (KeyboardInterrupt), SIGTERM one that raises like the minidl command's;
# in the last round SIGTERM has its default action and ends the process.
SAVE_UNTIL_SIGNALLED = textwrap.dedent(
    """
    import os, signal, sys, torch, minidl

    def stop(signum, frame):
        raise KeyboardInterrupt(signum)

    path, rounds = sys.argv[1], int(sys.argv[2])
    model = minidl.Sequential(minidl.Linear(2, 1000), minidl.ReLU(), minidl.Linear(1000, 1000))  # 4 MB a file
    x = torch.rand(300, 300)
    version = saved = 0

    def work_and_save():
        global x, version, saved
        for _ in range(3):
            x = torch.tanh(x @ x)  # work between saves: the signal may land here too
        version += 1
        for p in model.param():
            p.value.fill_(version)
        minidl.save(model, path)
        saved = version

    signal.signal(signal.SIGTERM, stop)
    for round in range(rounds + 1):
        if round == rounds:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        work_and_save()  # a file to keep, before the parent signals
        print("ready", flush=True)
        try:
            while True:
                work_and_save()
        except KeyboardInterrupt:
            pass
        left = [name for name in os.listdir(os.path.dirname(path)) if name != os.path.basename(path)]
        on_disk = int(minidl.load(path).model[0].weight.value[0, 0])
        print("ok" if not left and on_disk in (saved, version) else f"bad: left {left}, {on_disk} {saved} {version}")
    """
)


@pytest.mark.parametrize("rounds", [pytest.param(16, id="suite"), pytest.param(200, id="long", marks=pytest.mark.long)])
def test_signals_while_working_and_saving_leave_a_whole_file_and_no_temporary(tmp_path: Path, rounds: int) -> None:
    rng = random.Random(rounds)
    path = tmp_path / "model.minidl"
    process = popen([sys.executable, "-c", SAVE_UNTIL_SIGNALLED, path, rounds], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        for round in range(rounds + 1):
            assert read_line(process.stdout) == "ready\n"
            time.sleep(rng.uniform(0, 0.15))  # anywhere in the work or the save
            last = round == rounds
            process.send_signal(signal.SIGTERM if last or round % 2 else signal.SIGINT)
            if not last:
                assert read_line(process.stdout) == "ok\n", f"round {round}"
        process.wait(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir()] == ["model.minidl"]
    assert len(minidl.load(path).model) == 3
