"""The ranks that train one model together: joining torch.distributed's process group, and collectives with deadlines.

torchrun starts one process per rank and tells each its place in environment variables (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``); :func:`join` reads them and joins the
process group: gloo for a model on the CPU, NCCL for one on a GPU. Every collective waits at most the
process group's ``timeout``, and a failed one names the rank that stopped the run (``faults.py``):
a rank that dies or raises stops the others at once, one that hangs stops them after the timeout.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from types import TracebackType
from typing import Any

import torch
import torch.distributed as dist

from minidl.core.errors import ConfigError, MinidlError, one_line, printable
from minidl.core.module import Module
from minidl.workflow.distributed import faults
from minidl.workflow.distributed.buckets import flat_copies

DEFAULT_TIMEOUT = 120.0
"""Seconds a collective waits for the other ranks: the longest a hung rank can keep the others waiting.

Rank 0 writes checkpoints while the others wait, so it must exceed the time a checkpoint takes to write."""
ARRIVAL = 300.0
"""Seconds the ranks wait for each other to join (or ``timeout``, if longer): processes start with different
delays (importing torch, loading plugins), which must not count against the timeout of the collectives."""
_PLACE = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


def launched_by_torchrun() -> bool:
    """Whether this process is a rank of a run (torchrun, or whoever sets ``RANK`` and ``WORLD_SIZE``)."""
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ


class World:
    """This process's place among the ranks of a data-parallel run, and the collectives the run needs.

    Use it as a context manager (``with join() as world:``): leaving the block waits for every rank
    (so none leaves while rank 0 still writes), and an error inside it is reported to the other ranks,
    which then stop with one line naming this rank.
    """

    def __init__(
        self, rank: int, size: int, store: dist.Store, group: Any, device: torch.device, timeout: float
    ) -> None:
        self.rank, self.size, self.device, self.timeout = rank, size, device, timeout
        self._store, self._group = store, group

    def rows(self, n: int) -> slice:
        """This rank's rows of a batch of ``n``: contiguous slices in rank order, sizes differing by at most one."""
        base, extra = divmod(n, self.size)
        start = self.rank * base + min(self.rank, extra)
        return slice(start, start + base + (self.rank < extra))

    # -- collectives ---------------------------------------------------------------------------------
    def all_reduce(self, tensor: torch.Tensor) -> None:
        """Replace ``tensor`` by its sum over the ranks, in place."""
        self._collective(dist.all_reduce, tensor, group=self._group)

    def broadcast(self, tensor: torch.Tensor) -> None:
        """Replace ``tensor`` by rank 0's, in place."""
        self._collective(dist.broadcast, tensor, 0, group=self._group)

    def barrier(self) -> None:
        """Wait until every rank is here."""
        self.all_reduce(torch.zeros(1, device=self.device))

    def _collective(self, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            operation(*args, **kwargs)
        except RuntimeError as error:  # torch.distributed's errors (DistError and its kin) are RuntimeErrors
            raise faults.diagnose(self._store, self.rank, self.size, self.timeout, error) from error

    def gather_text(self, key: str, text: str) -> list[str]:
        """Every rank's ``text``, in rank order, through the run's store (once per ``key``)."""
        self._store.set(f"{key}/{self.rank}", text)
        self.barrier()
        return [self._store.get(f"{key}/{rank}").decode() for rank in range(self.size)]

    def broadcast_all(self, tensors: list[torch.Tensor]) -> None:
        """Replace each of ``tensors`` by rank 0's, in place (one broadcast per dtype and device)."""
        for flat, copy_back in flat_copies(tensors):
            self.broadcast(flat)
            copy_back()

    def failed_peer(self) -> faults.RankFailed | None:
        """The failure of another rank that is already known (reported, or its process gone), without waiting."""
        return faults.known_failure(self._store, self.rank, self.size)

    def leave(self) -> None:
        """Leave the process group (at once: after a failure nothing is waited for)."""
        if dist.is_initialized():
            dist.destroy_process_group()

    def __enter__(self) -> World:
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if error is None:
                self.barrier()  # nobody leaves while another rank still works (rank 0 saving)
            elif not isinstance(error, faults.RankFailed):  # this rank's own failure: tell the others first
                faults.report(self._store, self.rank, _describe(error))
        finally:
            self.leave()


def join(*, timeout: float = DEFAULT_TIMEOUT, device: torch.device | str = "cpu") -> World:
    """Join the run this process is a rank of, as the environment (torchrun's) says.

    ``device`` is where the model lives: on a GPU the ranks use NCCL and each rank its own GPU
    (``cuda:LOCAL_RANK``), on the CPU gloo. ``timeout`` (seconds) bounds every collective; joining
    waits up to ``ARRIVAL`` seconds for every rank to arrive.
    """
    rank, size = _whole("RANK", 0), _whole("WORLD_SIZE", 1)
    if rank >= size:
        raise ConfigError(f"RANK: expected a rank below WORLD_SIZE ({size}), got {rank}")
    missing = [name for name in _PLACE if not os.environ.get(name)]
    if missing:
        raise ConfigError(f"{missing[0]}: not set; start the ranks with torchrun (it sets {', '.join(_PLACE)})")
    address, port = os.environ["MASTER_ADDR"], _whole("MASTER_PORT", 1)
    device = torch.device(device)
    if device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
        torch.cuda.set_device(device)
    deadline, arrival = timedelta(seconds=timeout), timedelta(seconds=max(timeout, ARRIVAL))
    hosted_by_torchrun = os.environ.get("TORCHELASTIC_USE_AGENT_STORE") == "True"
    try:
        store = dist.TCPStore(address, port, size, is_master=rank == 0 and not hosted_by_torchrun, timeout=arrival)
        store = dist.PrefixStore(f"minidl/{os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')}/", store)
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(
            backend, store=dist.PrefixStore("group/", store), rank=rank, world_size=size, timeout=arrival
        )
        group = dist.new_group(timeout=deadline)  # every rank is here now: from here on, the collectives' timeout
    except RuntimeError as error:
        raise faults.DistributedError(
            f"rank {rank} could not join the run at {address}:{port} within {arrival.total_seconds():g} s: "
            f"{one_line(error)}"
        ) from error
    faults.introduce(store, rank)
    return World(rank, size, store, group, device, timeout)


def buffers_of(model: Module) -> list[torch.Tensor]:
    """The floating-point buffers of every module (running statistics)."""
    return [t for m in model.modules() for _, t in m.named_buffers() if t.is_floating_point()]


def _whole(name: str, low: int) -> int:
    text = os.environ.get(name, "")
    if not text.isdigit() or int(text) < low:
        raise ConfigError(f"{name}: expected a whole number >= {low}, got {text!r}")
    return int(text)


def _describe(error: BaseException) -> str:
    """One line for the other ranks: a user's mistake as its message, anything else with its type."""
    if isinstance(error, MinidlError):
        lines = str(error).splitlines()
        return printable(lines[0]) if lines else type(error).__name__
    if isinstance(error, KeyboardInterrupt):
        return faults.INTERRUPTED
    return one_line(error)
