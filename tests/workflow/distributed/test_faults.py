"""A rank that dies, raises or hangs stops the others with one line naming it, in bounded time; the checkpoint stays
whole. Ranks that disagree on the run (spec, minidl version) are refused at start. Real processes on localhost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import minidl
from tests.processes import popen, read_line
from tests.workflow.distributed.ranks import float64_spec, run_ranks

SLOW = 60.0  # a deadline far below the process groups' timeout (300 s here): the stop did not wait for a timeout


def test_a_rank_that_raises_stops_the_others_naming_it() -> None:
    fault = {"rank": 1, "epoch": 1, "kind": "raise"}
    finished, _ = run_ranks(3, {"spec": float64_spec(epochs=3), "fault": fault, "timeout": 300.0}, deadline=SLOW)
    assert finished[1].code == 1 and "ValueError: a fault the test injected" in finished[1].err
    for rank in (0, 2):
        assert finished[rank].code == 2
        assert finished[rank].err.splitlines() == [
            "minidl: error: rank 1 failed: ValueError: a fault the test injected"
        ]


def test_a_rank_that_hangs_stops_the_others_after_the_timeout() -> None:
    fault = {"rank": 1, "epoch": 1, "kind": "hang"}
    job = {"spec": float64_spec(epochs=3), "fault": fault, "timeout": 2.0}
    finished, _ = run_ranks(2, job, deadline=SLOW, stuck=frozenset({1}))
    assert finished[0].code == 2
    [line] = finished[0].err.splitlines()
    assert line.startswith("minidl: error: rank 1 stopped answering: dead, hung (the collective waited up to 2 s")


def test_ranks_that_disagree_are_refused_at_start() -> None:
    """Rank 1 trains with another learning rate: every rank refuses, before the first step (the other facts:
    test_pieces.py)."""
    finished, _ = run_ranks(2, {"spec": float64_spec(epochs=3), "lr": {"1": 0.5}}, deadline=SLOW)
    for rank in finished:
        assert rank.code == 2 and rank.out == ""
        [error] = rank.err.splitlines()
        assert error.startswith("minidl: error: the ranks disagree: rank 1's spec differs from rank 0's: every rank")


def test_the_agreement_reads_the_runs_spec_as_changed() -> None:
    """Rank 1 changes its run's epochs after building it (as ``resume --epochs`` does): refused at the first fit."""
    job = {"spec": float64_spec(epochs=3), "change": {"1": ["epochs", 5]}}
    finished, _ = run_ranks(2, job, deadline=SLOW)
    for rank in finished:
        assert (rank.code, rank.out) == (2, "")
        assert rank.err.startswith("minidl: error: the ranks disagree: rank 1's spec differs from rank 0's")


def rank_process(parent: int, rank: int, deadline: float = 60.0) -> int:
    """The pid of the child of ``parent`` that is ``rank`` (its environment says so), once it has started."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                environment = (stat.parent / "environ").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent and f"RANK={rank}".encode() in environment:
                return int(stat.parent.name)
        time.sleep(0.1)
    raise AssertionError(f"no process of rank {rank} under {parent} within {deadline} s")


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the ranks' processes in /proc")
def test_minidl_train_nproc_a_killed_rank_stops_the_run_and_the_checkpoint_is_whole(tmp_path: Path) -> None:
    minidl.save_spec(float64_spec(epochs=10_000, n_train=200, n_test=100), tmp_path / "long.minidl")
    argv = [sys.executable, "-m", "minidl", "train", "long.minidl", "--nproc", "2", "--every", "1", "--timeout", "300"]
    command = popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        while not (line := read_line(command.stdout)).startswith("epoch    2 "):  # epoch 1's checkpoint is written
            assert line, f"the command ended before its second epoch: {command.communicate(timeout=SLOW)}"
        victim = rank_process(command.pid, 1)
        os.kill(victim, signal.SIGKILL)
        out, err = command.communicate(timeout=SLOW)
    finally:
        command.kill()
    assert command.returncode != 0
    assert err.splitlines() == ["minidl: error: rank 1 stopped: its process ended without a word (killed, or crashed)"]
    saved = out.splitlines()[-1]
    assert saved.startswith("saved checkpoint long-trained-checkpoint.minidl (epoch ")
    epoch = int(saved.rsplit(" ", 1)[1].rstrip(")"))
    assert len(minidl.load(tmp_path / "long-trained-checkpoint.minidl").state.history) == epoch
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long-trained-checkpoint.minidl", "long.minidl"]


def test_minidl_train_nproc_a_rank_that_raises_names_itself_and_the_other_names_it(tmp_path: Path) -> None:
    """BatchNorm1d needs 2 rows a batch: 1003 points in batches of 50 end with 3 rows, split 2 + 1 on 2 ranks."""
    pytest.importorskip("minidl_extra")
    spec = float64_spec(epochs=2, n_train=1003, n_test=100)
    spec["model"]["layers"].insert(1, {"component": "minidl-extra:BatchNorm1d", "config": {"num_features": 25}})
    minidl.save_spec(spec, tmp_path / "bn.minidl")
    result = subprocess.run(
        [sys.executable, "-m", "minidl", "train", "bn.minidl", "--nproc", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=SLOW,
    )
    cause = (
        "spec.model.layers[1] (minidl-extra:BatchNorm1d from minidl-extra 0.1.0): forward raised ShapeError: "
        "BatchNorm1d: training needs at least 2 points per batch to estimate a variance"
    )
    assert result.returncode == 2
    assert sorted(result.stderr.splitlines()) == [f"minidl: error: rank 1 failed: {cause}", f"minidl: error: {cause}"]
    assert not (tmp_path / "bn-trained.minidl").exists()
