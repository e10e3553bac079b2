"""Argument types and options shared by the sub-commands: a bad value fails in the parser with one readable line."""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minidl.workflow.distributed import World
    from minidl.workflow.run import Runtime

from minidl.workflow.training_limits import TRAINING_LIMITS

_INT_MAX = 2**63 - 1
DEFAULT_THREADS = 1  # small networks train several times faster on one thread (README, "Threads")


def _whole_number(text: str, low: int, expected: str, high: int = _INT_MAX) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An int >= 1 (trials, jobs, checkpoint interval, fresh points)."""
    return _whole_number(text, 1, "a whole number >= 1 (and below 2**63)")


def training_setting(name: str) -> Callable[[str], int]:
    """The argument type of ``--epochs``, ``--batch-size`` or ``--seed``: the range the spec allows."""
    low, high = TRAINING_LIMITS[name].low, TRAINING_LIMITS[name].high
    return lambda text: _whole_number(text, low, f"a whole number in [{low}, {high}]", high)


def add_training_settings(parser: argparse.ArgumentParser, *names: str, default: str) -> None:
    """``--epochs``, ``--batch-size``, ``--seed`` as TRAINING_LIMITS declares them (range and help)."""
    for name in names:
        option, limit = "--" + name.replace("_", "-"), TRAINING_LIMITS[name]
        parser.add_argument(option, type=training_setting(name), metavar="N", help=f"{limit.help} (default: {default})")


def positive_number(text: str) -> float:
    """A finite float > 0 (a learning rate)."""
    return _positive(text, math.inf, "a finite number > 0")


MAX_SECONDS = 365 * 24 * 3600
"""The longest wait ``--timeout`` takes: a year (far larger numbers overflow the timers below, 1e308 did)."""


def seconds(text: str) -> float:
    """A number of seconds > 0, at most a year."""
    return _positive(text, MAX_SECONDS, f"a number of seconds > 0 and at most {MAX_SECONDS} (a year)")


def _positive(text: str, high: float, expected: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= high):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def thread_count(text: str) -> int:
    """A number of torch threads: 1 to the machine's core count (more only oversubscribes, and huge counts hang)."""
    cores = os.cpu_count() or 1
    return _whole_number(text, 1, f"a whole number from 1 to {cores} (this machine's cores)", high=cores)


def add_threads_option(parser: argparse.ArgumentParser) -> None:
    """``--threads N`` for every command that trains or evaluates: part of the run's ``Runtime``."""
    parser.add_argument(
        "--threads",
        type=thread_count,
        default=DEFAULT_THREADS,
        metavar="N",
        help="torch threads (default: %(default)s: the fastest for small networks, and on a busy machine for "
        "wide ones too; more may help layers of ~1000 units on an idle machine with cores to spare)",
    )


def add_device_options(parser: argparse.ArgumentParser) -> None:
    """``--device``, ``--precision``, ``--no-cuda-graphs``: where and how ``train``, ``resume``, ``evaluate`` compute.

    The values are checked by ``Runtime`` (it knows the machine's devices), in one line each.
    """
    parser.add_argument(
        "--device",
        default="cpu",
        metavar="DEVICE",
        help="cpu, cuda, cuda:N or auto (the GPU when there is one) (default: %(default)s; files hold no device, so "
        "a file from any device loads on any other)",
    )
    parser.add_argument(
        "--precision",
        default="float32",
        metavar="PRECISION",
        help="float32; tf32: TF32 matmuls (CUDA only); bf16: mixed precision, float32 weights, gradients and "
        "optimizer state, bf16 arithmetic (default: %(default)s; float64 is the spec's model.dtype)",
    )
    parser.add_argument(
        "--no-cuda-graphs",
        dest="graphs",
        action="store_const",
        const=False,
        help="run CUDA training steps eagerly instead of replaying them as CUDA graphs (on by default on CUDA)",
    )


def runtime(args: argparse.Namespace, world: World | None = None) -> Runtime:
    """How the command's runs execute (``--threads``, and ``--device``, ``--precision``, ``--no-cuda-graphs``; as
    a rank of ``world``, the ranks ``cli.distributed`` joined)."""
    from minidl.workflow.run import Runtime  # here: ``main`` imports this module before torch, to handle Ctrl-C first

    chosen = {name: getattr(args, name) for name in ("device", "precision", "graphs") if hasattr(args, name)}
    if world is not None:
        chosen["device"] = world.device  # each rank its own GPU (torchrun's LOCAL_RANK), or the CPU
    return Runtime(threads=args.threads, world=world, **chosen)


def input_path(text: str) -> Path:
    """A file to read: not empty (``Path('')`` is the current folder, and an error would name ``.``)."""
    return _named(text, "a file path")


def output_path(text: str) -> Path:
    """A file to write: not empty, and not a folder name (``out/``); the rest is checked before any work."""
    if text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"expected a file path, got {text!r}, which names a folder")
    return _named(text, "a file path")


def folder_path(text: str) -> Path:
    """A folder to write in: not empty (``''`` would be the current folder, which nobody names that way)."""
    return _named(text, "a folder path")


def _named(text: str, expected: str) -> Path:
    if not text:
        raise argparse.ArgumentTypeError(f"expected {expected}, got ''")
    return Path(text)
