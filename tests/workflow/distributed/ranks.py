"""Running the ranks of a data-parallel run as real processes on localhost, with deadlines, for the tests.

The test process hosts the run's key-value store on a free port, as torchrun's agent does, and starts
one ``rank_job`` process per rank with torchrun's environment. Every wait has a deadline: a run that
hangs fails its test, and its processes are killed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist

import minidl
from tests.processes import popen

ROOT = Path(__file__).resolve().parents[3]
ONE_THREAD = minidl.Runtime(threads=1)


@dataclass
class Finished:
    code: int
    out: str
    err: str


def rank_environment(rank: int, size: int, port: int) -> dict[str, str]:
    """torchrun's variables for ``rank`` of ``size`` on this machine, the store at ``port``; one thread."""
    return {
        **os.environ,
        "RANK": str(rank),
        "LOCAL_RANK": str(rank),
        "WORLD_SIZE": str(size),
        "LOCAL_WORLD_SIZE": str(size),
        "MASTER_ADDR": "127.0.0.1",
        "MASTER_PORT": str(port),
        "TORCHELASTIC_USE_AGENT_STORE": "True",
        "OMP_NUM_THREADS": "1",
    }


def run_ranks(
    size: int, job: dict[str, Any], *, deadline: float = 120.0, stuck: frozenset[int] = frozenset()
) -> tuple[list[Finished], float]:
    """Run ``job`` on ``size`` ranks; each rank's status and output, and the seconds until the last one ended.

    The ranks in ``stuck`` are expected to hang: once the others ended, they are killed (status -9).
    """
    store = dist.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    argv = [sys.executable, "-m", "tests.workflow.distributed.rank_job", json.dumps(job)]
    start = time.monotonic()
    processes = [
        popen(
            argv, env=rank_environment(rank, size, store.port), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for rank in range(size)
    ]
    try:
        for rank, process in enumerate(processes):
            if rank not in stuck:
                process.wait(timeout=max(0.1, start + deadline - time.monotonic()))
        seconds = time.monotonic() - start
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the ranks did not end within {deadline} s: stuck") from None
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    return [Finished(p.returncode, *p.communicate()) for p in processes], seconds


def float64_spec(*, epochs: int, dropout: bool = False, n_train: int = 1001, n_test: int = 999) -> dict[str, Any]:
    """The default recipe in float64, with uneven batches: 1001 points in batches of 50 leave a last batch of one."""
    spec = minidl.default_spec(epochs=epochs)
    spec["model"]["dtype"] = "float64"
    if dropout:
        spec["model"]["layers"].insert(2, {"component": "minidl:Dropout", "config": {"p": 0.2}})
    spec["training"]["dataset"]["config"] = {"n_train": n_train, "n_test": n_test}
    return spec


def one_process(spec: dict[str, Any], path: Path | None = None, epochs: int | None = None) -> minidl.Run:
    """The same run in this process, alone (one torch thread, like the ranks); optionally resumed from ``path``."""
    threads = torch.get_num_threads()
    try:
        run = minidl.resume(path, ONE_THREAD) if path else minidl.Run(spec, runtime=ONE_THREAD)
        run.fit(epochs)
    finally:
        torch.set_num_threads(threads)
    return run


def assert_same_run(a: minidl.Run, b: minidl.Run, tolerance: float = 1e-12) -> None:
    """Weights within ``tolerance``; per epoch, the same errors and learning rate, and losses within ``tolerance``."""
    for p, q in zip(a.model.param(), b.model.param(), strict=True):
        torch.testing.assert_close(p.value, q.value, atol=tolerance, rtol=0)
    assert len(a.history) == len(b.history)
    for m, n in zip(a.history, b.history):
        assert (m.epoch, m.train_error, m.test_error, m.lr) == (n.epoch, n.train_error, n.test_error, n.lr)
        assert abs(m.train_loss - n.train_loss) <= tolerance and abs(m.test_loss - n.test_loss) <= tolerance
