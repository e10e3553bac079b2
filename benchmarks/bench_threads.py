"""Epoch time of the default recipe at 1 torch thread and at torch's default, for narrow and wide networks.

The measurement behind the CLI's ``--threads`` default (1). Rounds alternate between the thread counts
in one process so that machine noise hits both alike; the numbers are medians and the ratio is
default-threads time / one-thread time (above 1: one thread is faster).

    python benchmarks/bench_threads.py [--rounds 7] [--widths 25 256 1024]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch

import minidl
from minidl.workflow.recipe import report_network


def trainer(width: int) -> minidl.Trainer:
    spec = minidl.default_spec(epochs=10**6)
    spec["model"]["layers"] = report_network(width=width)
    return minidl.build_trainer(spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--widths", type=int, nargs="+", default=[25, 256, 1024])
    args = parser.parse_args()
    many = torch.get_num_threads()
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, default threads {many}, load {os.getloadavg()[0]:.2f}")
    print("network                         batch   1 thread   " + f"{many} threads   ratio")
    for width in args.widths:
        run = trainer(width)
        times: dict[int, list[float]] = {1: [], many: []}
        run.run_epoch()  # warm-up
        for _ in range(args.rounds):
            for threads in (1, many):
                torch.set_num_threads(threads)
                start = time.perf_counter()
                run.run_epoch()
                times[threads].append(time.perf_counter() - start)
        one, default = statistics.median(times[1]), statistics.median(times[many])
        name = f"2 -> {width} x 3 -> 2"
        print(f"{name:30}  {run.batch_size:5}  {one * 1e3:7.1f} ms  {default * 1e3:8.1f} ms  {default / one:6.2f}x")


if __name__ == "__main__":
    main()
