"""One rank of a data-parallel run in the tests, through the Python API: ``python -m ... JOB`` (JOB is JSON).

The job says what to train (``spec``, or a checkpoint to ``resume``), for how many ``epochs``, where rank 0
writes a checkpoint every ``every`` epochs (``checkpoint``) and at the end (``result``), whether ``fit`` is
``verbose``, and what to break: a ``fault`` on one rank at one epoch (``kill``, ``raise``, ``hang``), another
``lr`` on some ranks, or a ``change`` of the run (``Run.change(section, value)``) on some ranks before it
trains. Each rank prints one JSON line last: its rank and a digest of the Dropout masks it drew. A minidl error ends
the rank as the command would: one line on stderr, status 2.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
from typing import Any

import torch

import minidl
from minidl.workflow import distributed

MASKS = hashlib.blake2b()


def recording(self: minidl.Dropout, x: torch.Tensor) -> torch.Tensor:
    """Dropout's forward, adding each training mask to ``MASKS``."""
    y = FORWARD(self, x)
    if self.training:
        MASKS.update(self._mask.numpy().tobytes())
    return y


FORWARD, minidl.Dropout.forward = minidl.Dropout.forward, recording


def run(job: dict[str, Any]) -> None:
    torch.set_num_threads(1)
    rank = os.environ["RANK"]
    spec = job.get("spec")
    if rank in job.get("lr", {}):
        spec["training"]["optimizer"]["config"]["lr"] = job["lr"][rank]
    with distributed.join(timeout=job.get("timeout", 60.0)) as world:
        runtime = minidl.Runtime(world=world)
        run = minidl.resume(job["resume"], runtime) if job.get("resume") else minidl.Run(spec, runtime=runtime)
        if rank in job.get("change", {}):
            run.change(*job["change"][rank])
        run.trainer.callbacks.append(lambda metrics: after_epoch(job, run, metrics.epoch))
        run.fit(job.get("epochs"), verbose=job.get("verbose", False))
        if job.get("result"):
            run.save_checkpoint(job["result"])
        print(json.dumps({"rank": world.rank, "masks": MASKS.hexdigest()}), flush=True)


def after_epoch(job: dict[str, Any], run: minidl.Run, epoch: int) -> None:
    if job.get("every") and epoch % job["every"] == 0:
        run.save_checkpoint(job["checkpoint"])
    fault = job.get("fault")
    if fault is None or fault["rank"] != int(os.environ["RANK"]) or fault["epoch"] != epoch:
        return
    if fault["kind"] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if fault["kind"] == "hang":
        time.sleep(3600)
    raise ValueError("a fault the test injected")


if __name__ == "__main__":
    try:
        run(json.loads(sys.argv[1]))
    except minidl.MinidlError as error:
        print(f"minidl: error: {error}", file=sys.stderr)
        sys.exit(2)
