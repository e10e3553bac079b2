"""Data-parallel training on torch.distributed: one model trained by N processes (ranks), on one machine or several.

torchrun starts the ranks; each joins the run's process group (:func:`join`: gloo on CPUs, NCCL on
GPUs), draws the same data and batch order from the seed, and trains on its slice of every global
batch. minidl has no autograd, so DistributedDataParallel's hooks cannot apply: the ranks average
their gradients themselves, with one all-reduce per step, before the optimizer's update
(``data_parallel.py`` is that step). A run on N ranks computes the update one process computes on
the same global batch; nothing in the module protocol changes.

    with join() as world:            # RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT: torchrun sets them
        run = Run(spec, runtime=Runtime(world=world))  # a runtime choice: never in a spec or a file
        run.fit()                    # first the ranks agree on the run; everyone takes rank 0's weights
        run.save_checkpoint(path)    # rank 0 alone writes; the others wait for it at the next collective
"""

from minidl.workflow.distributed.faults import DistributedError, RankFailed
from minidl.workflow.distributed.world import DEFAULT_TIMEOUT, World, join, launched_by_torchrun

__all__ = ["DEFAULT_TIMEOUT", "DistributedError", "RankFailed", "World", "join", "launched_by_torchrun"]
