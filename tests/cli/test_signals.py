"""Ctrl-C, SIGTERM and SIGHUP at random moments, from start-up to saving: one line, status 128 + signal, whole files.

Before: Ctrl-C in the first second gave a traceback from torch's import (or was lost, and training
went on), SIGTERM killed the process and left temporary files. Each trial is a real process; the
suite runs a few, ``pytest -m long`` many more.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import minidl
from tests.cli.conftest import small_spec
from tests.processes import SIGNALS, popen, read_line

SCRIPT = shutil.which("minidl", path=str(Path(sys.executable).parent)) or shutil.which("minidl")
ROOT = Path(__file__).resolve().parents[2]
LINES = {
    signal.SIGINT: "minidl: interrupted",
    signal.SIGTERM: "minidl: interrupted by SIGTERM",
    signal.SIGHUP: "minidl: interrupted by SIGHUP",
}

# The command as its console script runs it, saying "ready" on stderr the moment main() has installed its
# handlers: from then on (torch's import, the registry, building, training) every signal must be handled.
# Before that moment run Python's own start-up and the import of two small modules, minidl and minidl.cli.
MAIN_SAYING_READY = textwrap.dedent(
    """
    import sys
    from minidl.cli import interrupts, main
    install = interrupts._install
    def install_and_say(handlers):
        previous = install(handlers)
        if handlers is interrupts._exit_now:
            print("ready", file=sys.stderr, flush=True)
        return previous
    interrupts._install = install_and_say
    sys.exit(main(sys.argv[1:]))
    """
)


def trials(suite: int, long: int) -> list:
    return [pytest.param(suite, id="suite"), pytest.param(long, id="long", marks=pytest.mark.long)]


def signal_at_random(
    start: Callable[[int], subprocess.Popen], ready: Callable[[subprocess.Popen], None], count: int, longest: float
) -> Iterator[tuple[int, subprocess.Popen, int, str, str]]:
    """Start ``count`` processes, three at a time (start-up is CPU-bound on a 2-core machine); once each is
    ``ready``, send it SIGINT, SIGTERM or SIGHUP in turn after a random delay up to ``longest`` seconds.
    Yields (trial, process, signal, stdout, stderr) as each ends."""
    rng = random.Random(count)
    for batch in range(0, count, 3):
        plan = []
        for trial, process in [(i, start(i)) for i in range(batch, min(batch + 3, count))]:
            ready(process)
            plan.append((time.monotonic() + rng.uniform(0, longest), trial, process, SIGNALS[trial % 3]))
        for when, _, process, signum in sorted(plan, key=lambda item: item[0]):
            time.sleep(max(0.0, when - time.monotonic()))
            process.send_signal(signum)
        for _, trial, process, signum in plan:
            out, err = process.communicate(timeout=120)
            yield trial, process, signum, out, err


@pytest.mark.parametrize("count", trials(3, 60))
def test_a_signal_from_start_up_on_is_one_line_and_its_status(tmp_path: Path, count: int) -> None:
    def start(trial: int) -> subprocess.Popen:
        argv = ["train", "--epochs", "100000", "--output", str(tmp_path / f"{trial}.minidl")]
        command = [sys.executable, "-c", MAIN_SAYING_READY, *argv]
        return popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def ready(process: subprocess.Popen) -> None:
        assert read_line(process.stderr) == "ready\n"

    for _, process, signum, _, err in signal_at_random(start, ready, count, longest=2.5):
        assert (process.returncode, err) == (128 + signum, LINES[signum] + "\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(SCRIPT is None, reason="the minidl console script is not installed")
@pytest.mark.parametrize("count", trials(3, 30))
def test_a_signal_while_training_and_checkpointing_leaves_whole_files(tmp_path: Path, count: int) -> None:
    """Checkpoints of 3 MB every epoch, so that signals land in saves as often as in training; an older
    file at the checkpoint's path (replaced with --force) is there before, whole, or the new one after."""
    spec = small_spec(epochs=100000)
    spec["model"]["layers"] = [
        {"component": "Linear", "config": {"in_features": 2, "out_features": 500}},
        {"component": "ReLU"},
        {"component": "Linear", "config": {"in_features": 500, "out_features": 500}},
        {"component": "ReLU"},
        {"component": "Linear", "config": {"in_features": 500, "out_features": 2}},
    ]
    minidl.save_spec(spec, tmp_path / "spec.minidl")
    old = minidl.load(tmp_path / "spec.minidl")
    minidl.save(old.model, tmp_path / "old.minidl", training=old.spec["training"])
    before = (tmp_path / "old.minidl").read_bytes()

    def start(trial: int) -> subprocess.Popen:
        folder = tmp_path / str(trial)
        folder.mkdir()
        (folder / "run-checkpoint.minidl").write_bytes(before)
        argv = [SCRIPT, "train", tmp_path / "spec.minidl", "--every", "1", "--output", "run.minidl", "--force"]
        return popen(argv, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ready(process: subprocess.Popen) -> None:
        assert read_line(process.stdout).startswith("epoch    1 ")

    for trial, process, signum, out, err in signal_at_random(start, ready, count, longest=0.5):
        folder = tmp_path / str(trial)
        assert (process.returncode, err) == (128 + signum, LINES[signum] + "\n")
        assert sorted(p.name for p in folder.iterdir()) == ["run-checkpoint.minidl"]  # no temporary file, no model
        reported = out.splitlines()[-1]
        if reported.startswith("saved checkpoint"):
            epoch = int(reported.removeprefix("saved checkpoint run-checkpoint.minidl (epoch ").split(";")[0])
            assert len(minidl.load(folder / "run-checkpoint.minidl").state.history) == epoch
        else:  # stopped before its first checkpoint: the old file, untouched
            assert reported.startswith("epoch ") and (folder / "run-checkpoint.minidl").read_bytes() == before


@pytest.mark.skipif(SCRIPT is None, reason="the minidl console script is not installed")
def test_a_signal_ignored_when_the_command_starts_stays_ignored(tmp_path: Path) -> None:
    """``nohup minidl train ...`` must outlive the terminal: SIGHUP, ignored by nohup, is not taken over."""
    process = popen(
        [SCRIPT, "train", "--epochs", "100000"],
        ignore=[signal.SIGHUP],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert read_line(process.stdout).startswith("epoch    1 ")
        process.send_signal(signal.SIGHUP)
        assert read_line(process.stdout).startswith("epoch ")  # still training
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert (process.returncode, err) == (130, LINES[signal.SIGINT] + "\n")
