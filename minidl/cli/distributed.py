"""``train`` and ``resume`` as ranks of a data-parallel run: under torchrun, or with ``--nproc N`` on this machine.

``torchrun --nproc-per-node N -m minidl train FILE`` starts N ranks of one run (several machines:
torchrun's ``--nnodes`` and ``--rdzv-endpoint``); each sees torchrun's environment and joins the run.
``minidl train FILE --nproc N`` is the shortcut for one machine: it checks the input, then starts the
same command in N processes through torch's own launcher (``torch.distributed.run``, torchrun's code,
``--standalone``) and waits for them. Rank 0 prints the progress and results and writes the files;
every rank prints its own errors, and a rank that another one stopped names it in one line.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from minidl.cli import interrupts
from minidl.cli.options import positive_int, seconds
from minidl.core.errors import ConfigError
from minidl.workflow.devices import resolve_device
from minidl.workflow.distributed import DEFAULT_TIMEOUT, World, join, launched_by_torchrun
from minidl.workflow.precision import check_data_parallel


def add_distributed_options(parser: argparse.ArgumentParser) -> None:
    """``--nproc`` and ``--timeout``: options of the commands that train."""
    parser.add_argument(
        "--nproc",
        type=positive_int,
        metavar="N",
        help="train data-parallel in N processes on this machine (as torchrun --standalone --nproc-per-node N "
        "-m minidl ...): every process trains on a slice of each batch, the same run as one process",
    )
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="data-parallel runs: how long a process waits for the others before it stops the run "
        "(default: %(default)g; rank 0 writes checkpoints while the others wait, so keep it above that)",
    )


def writes_files() -> bool:
    """Whether this process writes the command's files: alone, or as rank 0."""
    return not launched_by_torchrun() or os.environ["RANK"] == "0"


def _stopping() -> None:
    """This rank stops on an error: from now on it ignores the signal torchrun sends every rank still running when
    one ends, which would cut its one line short (torchrun kills it after its shutdown timeout if it hangs)."""
    for signum in interrupts.SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def launches(args: argparse.Namespace) -> bool:
    """Whether this command starts the ranks itself (``--nproc N``, not already a rank)."""
    return args.nproc is not None and not launched_by_torchrun()


def launch(args: argparse.Namespace) -> int:
    """Run this same command in ``--nproc`` processes through torchrun's machinery; the exit status of the first
    rank that failed (or 0). The ranks print what there is to say: torch's own log lines are kept quiet."""
    from torch.distributed import run as torchrun
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError

    check_data_parallel(args.precision)  # refused here once, not by every rank
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    for name, logger in list(logging.root.manager.loggerDict.items()):  # each of torch's loggers has its own level
        if name.startswith("torch.distributed") and isinstance(logger, logging.Logger):
            logger.setLevel(logging.CRITICAL)
    command = ["--standalone", f"--nproc-per-node={args.nproc}", "--module", "--", "minidl", *args.argv]
    try:
        torchrun.run(torchrun.parse_args(command))
    except ChildFailedError as error:
        _, failure = error.get_first_failure()
        return 128 - failure.exitcode if failure.exitcode < 0 else failure.exitcode
    except SignalException as error:
        return 128 + int(error.sigval)
    return 0


@contextmanager
def joined(args: argparse.Namespace) -> Iterator[World | None]:
    """This rank's place in the run torchrun started (``None`` outside one); on ranks other than 0, stdout goes
    nowhere (rank 0 prints the results) and a Ctrl-C, which reaches every rank, ends quietly (rank 0 says it)."""
    if not launched_by_torchrun():
        yield None
        return
    local = os.environ.get("LOCAL_WORLD_SIZE")
    if args.nproc is not None and local is not None and args.nproc != int(local):
        raise ConfigError(f"--nproc {args.nproc}: torchrun already started {local} processes here; leave --nproc out")
    try:
        with join(timeout=args.timeout, device=resolve_device(getattr(args, "device", "cpu"))) as world:
            if world.rank != 0:
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the life of this process)
            try:
                with interrupts.stoppable():
                    try:
                        yield world
                    except BaseException:
                        _stopping()
                        raise
            except KeyboardInterrupt:  # torchrun stops the other ranks with SIGTERM when one ends: say which
                failure = world.failed_peer()
                if failure is not None:
                    raise failure from None
                raise
    except KeyboardInterrupt as interrupt:
        if os.environ["RANK"] != "0":
            raise SystemExit(128 + interrupts.signal_of(interrupt)) from None
        raise
