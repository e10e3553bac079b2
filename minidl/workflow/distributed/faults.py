"""When one rank stops, the others stop too, and say which rank it was and why.

A collective fails on the other ranks as soon as one rank stops taking part: at once when its
process ends (its connections close), after the process group's timeout when it hangs. torch's
error then says nothing of which rank it was. So the ranks keep notes in the run's key-value store
(the rendezvous store torchrun hosts; rank 0 hosts it without torchrun):

- at start, each rank writes its host and process id;
- a rank that stops on an error of its own first writes one line about it (a *report*);
- a rank whose collective failed answers a roll call, then names the first report's rank; without a
  report, a rank on its machine whose process is gone; else the ranks that do not answer the roll
  call within ``GRACE`` seconds (dead or hung elsewhere).
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Collection
from pathlib import Path

import torch.distributed as dist

from minidl.core.errors import MinidlError, one_line

GRACE = 3.0
"""Seconds a rank whose collective failed waits for the other ranks to answer the roll call."""
INTERRUPTED = "interrupted"
"""The report of a rank stopped by a signal (Ctrl-C reaches every rank: no rank is to blame for it)."""


class DistributedError(MinidlError, RuntimeError):
    """The data-parallel run cannot start or go on (the process group cannot be joined or reached)."""


class RankFailed(DistributedError):
    """Another rank stopped the run; the message names it and says why."""

    def __init__(self, rank: int, message: str) -> None:
        super().__init__(message)
        self.rank = rank


def introduce(store: dist.Store, rank: int) -> None:
    """Note where this rank runs, so that another rank on the same machine can see whether its process is gone."""
    store.set(f"process/{rank}", f"{socket.gethostname()} {os.getpid()}")


def report(store: dist.Store, rank: int, message: str) -> None:
    """Tell the other ranks that this one stops, and why (reports are numbered: the first is the cause)."""
    try:
        number = store.add("reports", 1)
        store.set(f"report/{number}", f"{rank} {message}")
    except RuntimeError:  # the store is gone too: the others will find this rank's process gone
        pass


def known_failure(store: dist.Store, rank: int, size: int) -> RankFailed | None:
    """While this rank is being interrupted: another rank's failure (not an interrupt), if one is reported or a
    rank's process on this machine ended without a report; never waits."""
    try:
        reports = _reports(store)
        failures = [(other, message) for other, message in reports if message != INTERRUPTED]
        return _failed(*failures[0]) if failures else _gone(store, rank, size, {other for other, _ in reports})
    except RuntimeError:
        return None


def diagnose(store: dist.Store, rank: int, size: int, timeout: float, error: BaseException) -> DistributedError:
    """The error to stop with, after a collective failed on this rank with ``error``."""
    try:
        store.set(f"answered/{rank}", "")
        reports = _reports(store)
        found = _failed(*reports[0]) if reports else _gone(store, rank, size) or _silent(store, rank, size, timeout)
    except RuntimeError:  # the store is unreachable: its host (torchrun's agent, or rank 0) is gone
        return DistributedError(f"the run stopped, and its rendezvous store is unreachable: {one_line(error)}")
    return found or DistributedError(f"the run stopped: {one_line(error)}")


def _reports(store: dist.Store) -> list[tuple[int, str]]:
    """``(rank, message)`` of every report written so far, first first (never waits for one still being written)."""
    keys = [f"report/{number}" for number in range(1, store.add("reports", 0) + 1)]
    texts = [store.get(key).decode() for key in keys if store.check([key])]
    return [(int(rank), message) for rank, message in (text.split(" ", 1) for text in texts)]


def _failed(rank: int, message: str) -> RankFailed:
    return RankFailed(rank, f"rank {rank} failed: {message}")


def _gone(store: dist.Store, rank: int, size: int, reported: Collection[int] = ()) -> RankFailed | None:
    host = socket.gethostname()
    for other in _unanswered(store, rank, size):
        if other in reported or not store.check([f"process/{other}"]):
            continue
        other_host, pid = store.get(f"process/{other}").decode().rsplit(" ", 1)
        if other_host == host and _ended(int(pid)):
            return RankFailed(other, f"rank {other} stopped: its process ended without a word (killed, or crashed)")
    return None


def _silent(store: dist.Store, rank: int, size: int, timeout: float) -> RankFailed | None:
    deadline = time.monotonic() + GRACE
    while (missing := _unanswered(store, rank, size)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not missing:
        return None
    names = " and ".join(f"rank {other}" for other in missing)
    return RankFailed(
        missing[0],
        f"{names} stopped answering: dead, hung (the collective waited up to {timeout:g} s, the timeout) "
        "or unreachable",
    )


def _unanswered(store: dist.Store, rank: int, size: int) -> list[int]:
    return [other for other in range(size) if other != rank and not store.check([f"answered/{other}"])]


def _ended(pid: int) -> bool:
    """Whether the process ``pid`` has ended (a zombie, not yet reaped by its parent, has ended too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
