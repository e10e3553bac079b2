"""What the inside views' data (minidl.tui.probes) costs the training worker, at the default width and a wide one.

Part 1, per report: unit maps of the last hidden layer (thumbnails, and one enlarged map's grid), its
weights, the gradient norms, and the whole ``probe`` the worker would call, each timed on the trainer's
live model between epochs (median of interleaved repeats), beside one epoch and the decision-boundary
grid the worker already computes per report. The gradient probe's cost is also given per epoch, for a
view that would record it after every epoch.

Part 2, in the app: the headless-speed benchmark (benchmarks/bench_tui.py: the real app, worker thread
and rendering), whose worker probes the gradient norms at every report, against the same app with the
probe switched off and the plain loop, rounds interleaved.

    python benchmarks/bench_probes.py [--threads 1] [--repeats 200] [--rounds 3] [--skip-app]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import torch
from bench_tui import in_tui, plain

import minidl.tui.training as worker_loop
from minidl.tui.boundary import decision_codes, view_box
from minidl.tui.probes import GRADIENT_POINTS, gradient_norms, layer_weights, probe, unit_maps
from minidl.workflow.recipe import default_spec, report_network
from minidl.workflow.run import build_trainer
from minidl.workflow.trainer import Trainer

THUMBNAIL, ENLARGED, BOUNDARY = 12, 40, 48  # grid sides: a unit's thumbnail, one enlarged unit, the boundary map


def trainer_of(width: int) -> Trainer:
    spec = default_spec()
    spec["model"]["layers"] = report_network(width=width)
    trainer = build_trainer(spec)
    trainer.run_epoch()  # gradients allocated, weights moved off their initial values
    return trainer


def median_ms(tasks: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median milliseconds of each task, the tasks interleaved in every repeat so noise hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(repeats):
        for name, task in tasks.items():
            start = time.perf_counter()
            task()
            times[name].append((time.perf_counter() - start) * 1e3)
    return {name: statistics.median(values) for name, values in times.items()}


def per_report(width: int, repeats: int) -> None:
    trainer = trainer_of(width)
    model, data = trainer.model, trainer.data
    hidden = len(model) - 2  # the last hidden layer's activation
    box = view_box(data.train_x)
    x, targets = data.train_x[:GRADIENT_POINTS], trainer.train_targets[:GRADIENT_POINTS]
    tasks: dict[str, Callable[[], object]] = {
        "one epoch (for scale)": trainer.run_epoch,
        f"boundary grid {BOUNDARY}x{BOUNDARY} (today)": lambda: decision_codes(
            model, BOUNDARY, data.num_classes, data.train_x.dtype, box
        ),
        f"(a) unit maps {THUMBNAIL}x{THUMBNAIL}, all {width} units": lambda: unit_maps(model, hidden, THUMBNAIL, box),
        f"(a) unit maps {ENLARGED}x{ENLARGED}, all {width} units": lambda: unit_maps(model, hidden, ENLARGED, box),
        "(b) weights": lambda: layer_weights(model, hidden),
        f"(c) gradient norms, {GRADIENT_POINTS} points": lambda: gradient_norms(model, trainer.loss, x, targets),
        f"probe(): (a) {THUMBNAIL}x{THUMBNAIL} + (b) + (c)": lambda: probe(trainer, hidden, THUMBNAIL),
    }
    trainer.epochs = 10**6  # the timed epochs must not run out
    ms = median_ms(tasks, repeats)
    epoch = ms["one epoch (for scale)"]
    print(f"\n2 -> {width} x 3 -> 2 (ReLU), default recipe, {torch.get_num_threads()} thread(s), median of {repeats}")
    for name, value in ms.items():
        print(f"  {name:44s} {value:8.3f} ms   {value / epoch:6.1%} of an epoch")


def in_app(rounds: int, epochs: int, size: tuple[int, int]) -> None:
    """Epochs/s of the plain loop, the app as it is (a probe per report), and the app without probes."""
    original = worker_loop.inside_probe
    spent: list[float] = []  # seconds of each probe the workers ran

    def timed_probe(session, layer):
        start = time.perf_counter()
        try:
            return original(session, layer)
        finally:
            spent.append(time.perf_counter() - start)

    def app(probing: bool) -> float:
        worker_loop.inside_probe = timed_probe if probing else (lambda session, layer: None)
        try:
            return asyncio.run(in_tui(epochs, size))
        finally:
            worker_loop.inside_probe = original

    threads = torch.get_num_threads()
    plains, bare, probed = [], [], []
    for round_ in range(rounds):
        torch.set_num_threads(threads)  # the app may lower it for its run
        plains.append(plain(epochs))
        for probing in (True, False) if round_ % 2 else (False, True):  # neither always follows the plain loop
            (probed if probing else bare).append(app(probing))
    p, a, q = (statistics.median(v) for v in (plains, bare, probed))
    print(f"\nin the app: default recipe, {epochs} epochs x {rounds} rounds, app at {size[0]}x{size[1]}")
    print(f"  plain loop            {p:7.2f} epochs/s   (rounds: {', '.join(f'{v:.1f}' for v in plains)})")
    print(f"  app without probes    {a:7.2f} epochs/s   (rounds: {', '.join(f'{v:.1f}' for v in bare)})")
    print(f"  app (probe/report)    {q:7.2f} epochs/s   (rounds: {', '.join(f'{v:.1f}' for v in probed)})")
    print(f"  ratios: app/plain {q / p:.2f}, without probes/plain {a / p:.2f}, app/without probes {q / a:.2f}")
    share = sum(spent) / sum(epochs / v for v in probed)
    print(
        f"  the probes themselves: {len(spent) / rounds:.0f} per run, median {statistics.median(spent) * 1e3:.2f} ms, "
        f"{share:.2%} of the probed runs' time (the slowdown they can cause; the ratios above are noisier)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads (the app uses cores - 1)")
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--widths", default="25,256")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--skip-app", action="store_true", help="part 1 only")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for width in (int(w) for w in args.widths.split(",")):
        per_report(width, args.repeats)
    if not args.skip_app:
        in_app(args.rounds, args.epochs, tuple(int(n) for n in args.size.split("x")))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
