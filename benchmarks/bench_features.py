"""What an InputFeatures first layer costs a training step: the report network with and without it, interleaved.

Each round times 100 steps (forward, cross-entropy, backward, Adam, zero grad) at batch 50 of every
variant in turn; prints the median microseconds per step and the ratio to the plain network.

    python benchmarks/bench_features.py [--rounds 40] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import minidl

MORE = ("x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2")


def network(first: minidl.InputFeatures | None) -> minidl.Sequential:
    width = 2 if first is None else first.out_features
    hidden = [minidl.Linear(width, 25), minidl.ReLU(), minidl.Linear(25, 25), minidl.ReLU(), minidl.Linear(25, 25)]
    return minidl.Sequential(*([] if first is None else [first]), *hidden, minidl.ReLU(), minidl.Linear(25, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    variants = {
        "no features layer": network(None),
        "InputFeatures() (x1, x2)": network(minidl.InputFeatures()),
        "all seven features": network(minidl.InputFeatures(**dict.fromkeys(MORE, True))),
    }
    optimizers = {name: minidl.Adam(model.param(), lr=1e-2) for name, model in variants.items()}
    x, y, loss = torch.rand(50, 2), torch.randint(0, 2, (50,)), minidl.CrossEntropyLoss()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, model in variants.items():
            optimizer = optimizers[name]
            start = time.perf_counter()
            for _ in range(100):
                loss.forward(model.forward(x), y)
                model.backward(loss.backward())
                optimizer.step()
                optimizer.zero_grad()
            times[name].append((time.perf_counter() - start) / 100 * 1e6)
    base = statistics.median(times["no features layer"])
    print(f"report network, batch 50, Adam, {args.threads} thread(s), median of {args.rounds} rounds of 100 steps")
    for name, values in times.items():
        print(f"  {name:26s} {statistics.median(values):7.1f} us/step   {statistics.median(values) / base:.2f}x")


if __name__ == "__main__":
    main()
