"""Training speed inside minidl-tui against the same training without any UI, in one process, interleaved.

Each round trains the same seeded spec twice: once by calling ``Trainer.run_epoch`` in a plain loop,
once in the headless app (``App.run_test``: the real screen, worker thread, throttled messages and
rendering, no terminal output), timed from the start key to the worker's end. Rounds alternate so
machine noise hits both alike. Prints epochs per second of each (median over rounds) and the ratio
TUI / plain: the goal is at least 0.8.

    python benchmarks/bench_tui.py [--rounds 3] [--epochs 200] [--size 120x40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import torch

from minidl.tui.app import make_app
from minidl.tui.config import TuiConfig
from minidl.workflow.recipe import default_spec
from minidl.workflow.run import build_trainer


def plain(epochs: int) -> float:
    """Epochs per second of ``run_epoch`` in a loop."""
    trainer = build_trainer(default_spec(epochs=epochs))
    start = time.perf_counter()
    for _ in range(epochs):
        trainer.run_epoch()
    return epochs / (time.perf_counter() - start)


async def in_tui(epochs: int, size: tuple[int, int]) -> float:
    """Epochs per second in the headless app, from pressing space to the worker's end."""
    # an empty recovery folder: a network rescued by an earlier session would be offered in a dialog first;
    # the fastest pace: a person's default (TuiConfig.pace) waits between epochs on purpose
    config = TuiConfig(recovery_folder=Path(tempfile.mkdtemp()), pace=None)
    app = make_app(spec=default_spec(epochs=epochs), config=config)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        start = time.perf_counter()
        await pilot.press("space")
        await app.workers.wait_for_complete()
        seconds = time.perf_counter() - start
        await pilot.pause()
        assert len(app.main.history) == epochs, app.main.history
    return epochs / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--epochs", type=int, default=200, help="the default recipe's 200: long enough to amortise start-up"
    )
    parser.add_argument("--size", default="120x40", help="terminal size of the headless app, WxH")
    parser.add_argument(
        "--threads", type=int, default=0, help="torch intra-op threads for both sides (0: torch's default)"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    size = tuple(int(n) for n in args.size.split("x"))
    plain(2)  # warm up torch
    plains, tuis = [], []
    threads = torch.get_num_threads()
    for _ in range(args.rounds):
        torch.set_num_threads(threads)  # the app may lower it for its run (TuiConfig.torch_threads)
        plains.append(plain(args.epochs))
        tuis.append(asyncio.run(in_tui(args.epochs, size)))  # type: ignore[arg-type]
        tui_threads = torch.get_num_threads()
    p, t = statistics.median(plains), statistics.median(tuis)
    print(
        f"default recipe, {args.epochs} epochs x {args.rounds} rounds, app at {args.size}, "
        f"plain loop with {threads} torch thread(s)"
    )
    print(f"plain loop   {p:7.2f} epochs/s   (rounds: {', '.join(f'{x:.1f}' for x in plains)})")
    print(
        f"minidl-tui   {t:7.2f} epochs/s   with {tui_threads} torch thread(s)   "
        f"(rounds: {', '.join(f'{x:.1f}' for x in tuis)})"
    )
    print(f"ratio tui/plain: {t / p:.2f}")


if __name__ == "__main__":
    main()
