"""One training step of minidl against torch.nn + autograd + torch.optim, in one process, interleaved.

A step is: forward, MSE loss, backward, SGD (momentum 0.9) update, zero the gradients. Both sides
start from the same weights and data. Rounds alternate between the two so that machine noise hits
both alike; the reported number is the ratio of median times (torch / minidl: above 1 means minidl
is faster). Also reports memory growth over many minidl steps (Python heap and process RSS).

    python benchmarks/bench_step.py [--rounds 30] [--steps 200] [--threads N]
"""

from __future__ import annotations

import argparse
import itertools
import resource
import statistics
import time
import tracemalloc

import torch

import minidl


def make_pair(sizes: list[int]) -> tuple[minidl.Sequential, torch.nn.Sequential]:
    layers, torch_layers = [], []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        lin = minidl.Linear(a, b)
        ref = torch.nn.Linear(a, b)
        with torch.no_grad():
            ref.weight.copy_(lin.weight.value)
            ref.bias.copy_(lin.bias.value)
        layers.append(lin)
        torch_layers.append(ref)
        if i < len(sizes) - 2:
            layers.append(minidl.ReLU())
            torch_layers.append(torch.nn.ReLU())
    return minidl.Sequential(*layers), torch.nn.Sequential(*torch_layers)


def minidl_step(model, loss, optimizer, x, y):
    loss.forward(model.forward(x), y)
    model.backward(loss.backward())
    optimizer.step()
    optimizer.zero_grad()


def torch_step(model, loss, optimizer, x, y):
    optimizer.zero_grad()
    loss(model(x), y).backward()
    optimizer.step()


def time_steps(step, args, steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        step(*args)
    return (time.perf_counter() - start) / steps


def bench(name: str, sizes: list[int], batch: int, rounds: int, steps: int) -> dict:
    torch.manual_seed(0)
    ours, ref = make_pair(sizes)
    x = torch.rand(batch, sizes[0])
    y = torch.rand(batch, sizes[-1])
    ours_args = (ours, minidl.MSELoss(), minidl.SGD(ours.param(), lr=0.01, momentum=0.9), x, y)
    ref_args = (ref, torch.nn.MSELoss(), torch.optim.SGD(ref.parameters(), lr=0.01, momentum=0.9), x, y)
    for _ in range(20):  # warm up both
        minidl_step(*ours_args)
        torch_step(*ref_args)
    mine, theirs = [], []
    for r in range(rounds):
        pairs = [(mine, minidl_step, ours_args), (theirs, torch_step, ref_args)]
        for out, step, args in pairs if r % 2 == 0 else pairs[::-1]:
            out.append(time_steps(step, args, steps))
    ours_us, torch_us = statistics.median(mine) * 1e6, statistics.median(theirs) * 1e6
    return {"case": name, "minidl_us": ours_us, "torch_us": torch_us, "speedup": torch_us / ours_us}


def memory_growth(steps: int = 20000) -> tuple[int, int]:
    """Python-heap bytes and RSS kilobytes gained over ``steps`` minidl steps after a warm-up."""
    ours, _ = make_pair([2, 25, 25, 25, 2])
    args = (
        ours,
        minidl.MSELoss(),
        minidl.SGD(ours.param(), lr=0.01, momentum=0.9),
        torch.rand(100, 2),
        torch.rand(100, 2),
    )
    for _ in range(1000):
        minidl_step(*args)
    tracemalloc.start()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    base, _ = tracemalloc.get_traced_memory()
    for _ in range(steps):
        minidl_step(*args)
    now, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return now - base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, help="torch intra-op threads for both sides (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.set_grad_enabled(True)
    cases = [
        ("report net 2-25-25-25-2, batch 100", [2, 25, 25, 25, 2], 100),
        ("report net 2-25-25-25-2, batch 1", [2, 25, 25, 25, 2], 1),
        ("wide net 2-1024-1024-1024-2, batch 100", [2, 1024, 1024, 1024, 2], 100),
    ]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; median of {args.rounds} interleaved rounds")
    print(f"{'case':42s} {'minidl us':>10s} {'torch.nn us':>12s} {'speedup':>8s}")
    for name, sizes, batch in cases:
        steps = args.steps if sizes[1] < 1000 else max(args.steps // 10, 5)
        r = bench(name, sizes, batch, args.rounds, steps)
        print(f"{r['case']:42s} {r['minidl_us']:10.1f} {r['torch_us']:12.1f} {r['speedup']:7.2f}x")
    heap, rss = memory_growth()
    print(f"memory growth over 20000 steps (report net, batch 100): Python heap {heap} B, max RSS {rss} KiB")


if __name__ == "__main__":
    main()
