"""One training step on a CUDA GPU: minidl eager and with CUDA graphs against torch.nn eager and
``torch.compile(mode="reduce-overhead")``, in float32, TF32 and bf16, with the achieved TFLOP/s.

The networks are 2 -> width x 4 -> 2 with ReLU (width 25: the report's net, at batch 100; widths 1024,
4096, 8192 at a batch of the width); a step is forward, MSE loss, backward, SGD (momentum 0.9) update
and zero-grad, as in ``bench_step.py``. bf16 is minidl's mixed precision (``Bf16Step``) against
torch's autocast; TF32 sets CUDA's matmul mode for both. Every side starts from the same weights and
data; rounds cycle through the sides so that noise hits all alike; each time is a median over rounds
(CUDA synchronised around each timed run of steps). TFLOP/s counts 6 x batch x (sum of in x out) per
step (forward, and both products of every backward). For width 25, minidl eager on one CPU core is
timed too (the report's comparison).

    python benchmarks/bench_gpu.py [--widths 25 1024 4096 8192] [--precisions float32 tf32 bf16]
                                   [--rounds 5] [--no-compile] [--output bench_gpu.md]

Needs a CUDA GPU; prints the GPU's name and writes the table (Markdown) to ``--output``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
from bench_step import LR, MOMENTUM, make_pair

import minidl
from minidl.workflow.fast_step import train_step
from minidl.workflow.graph_step import WARMUP_STEPS, GraphedStep
from minidl.workflow.mixed_precision import Bf16Step
from minidl.workflow.precision import PRECISIONS, apply_matmul_precision

Step = Callable[[], None]
SIDES = ("minidl eager", "minidl graphs", "torch.nn eager", "torch.compile reduce-overhead")


def sizes_of(width: int) -> list[int]:
    return [2, width, width, width, width, 2]


def flops(sizes: list[int], batch: int) -> int:
    return 6 * batch * sum(a * b for a, b in itertools.pairwise(sizes))


def minidl_step(model: minidl.Sequential, x: torch.Tensor, y: torch.Tensor, precision: str, graphs: bool) -> Step:
    loss, optimizer = minidl.MSELoss(), minidl.SGD(model.param(), lr=LR, momentum=MOMENTUM)
    eager = (
        Bf16Step(model, loss, optimizer)
        if precision == "bf16"
        else functools.partial(train_step, model, loss, optimizer)
    )
    if not graphs:
        return lambda: eager(x, y)
    step = GraphedStep(model, loss, optimizer, eager)
    step.prepare()
    for _ in range(WARMUP_STEPS + 1):  # warm-up steps, then the capture
        step(x, y)
    if step.fallback or not step.captures:
        raise SystemExit(f"minidl's CUDA graph fell back to eager: {step.fallback}")
    return lambda: step(x, y)


def torch_step(model: torch.nn.Sequential, x: torch.Tensor, y: torch.Tensor, precision: str, compiled: bool) -> Step:
    optimizer = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, foreach=True)

    def loss(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=precision == "bf16"):
            return torch.nn.functional.mse_loss(model(x).float(), y)

    forward = torch.compile(loss, mode="reduce-overhead") if compiled else loss

    def step() -> None:
        if compiled:
            torch.compiler.cudagraph_mark_step_begin()
        forward(x, y).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)

    return step


def time_steps(step: Step, steps: int, device: torch.device) -> float:
    """Seconds per step over ``steps`` steps, the device synchronised before and after."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return (time.perf_counter() - start) / steps


def bench(width: int, precision: str, rounds: int, compile_: bool) -> dict[str, float]:
    """Median seconds per step of each side for one width and precision."""
    gpu = torch.device("cuda")
    batch = 100 if width == 25 else width
    sizes = sizes_of(width)
    torch.manual_seed(0)
    x, y = torch.randn(batch, 2), torch.randn(batch, 2)
    apply_matmul_precision(precision, gpu)  # TF32 for both sides, or IEEE float32
    steps: dict[str, tuple[Step, torch.device]] = {}
    for side in SIDES:
        if side.startswith("torch.compile") and not compile_:
            continue
        torch.manual_seed(1)  # the same weights for every side
        ours, theirs = make_pair(sizes)
        xs, ys = x.to(gpu), y.to(gpu)
        if side.startswith("minidl"):
            steps[side] = (minidl_step(ours.to(device=gpu), xs, ys, precision, side.endswith("graphs")), gpu)
        else:
            steps[side] = (torch_step(theirs.to(gpu), xs, ys, precision, side.startswith("torch.compile")), gpu)
    if width == 25 and precision == "float32":
        torch.manual_seed(1)
        ours, _ = make_pair(sizes)
        steps["minidl eager, 1 CPU core"] = (minidl_step(ours, x, y, precision, False), torch.device("cpu"))
    n = max(3, min(200, int(2e12 / flops(sizes, batch))))  # about a second of steps at 2 TFLOP/s, 3 to 200
    times: dict[str, list[float]] = {side: [] for side in steps}
    for step, device in steps.values():
        time_steps(step, 3, device)  # warm: torch.compile records its CUDA graphs, allocators settle
    for r in range(rounds):
        order = list(steps.items()) if r % 2 == 0 else list(reversed(steps.items()))
        for side, (step, device) in order:
            times[side].append(time_steps(step, n, device))
    del steps
    gc.collect()
    torch.cuda.empty_cache()
    return {side: statistics.median(t) for side, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[25, 1024, 4096, 8192])
    parser.add_argument("--precisions", nargs="+", default=list(PRECISIONS), choices=PRECISIONS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-compile", action="store_true", help="leave out torch.compile (minutes of compiling)")
    parser.add_argument("--output", type=Path, default=Path("bench_gpu.md"), help="where to write the table")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("bench_gpu.py: needs a CUDA GPU, and torch.cuda.is_available() is False here: run it on a GPU machine")
    torch.set_num_threads(1)
    name = torch.cuda.get_device_name()
    header = f"{name}, torch {torch.__version__}, CUDA {torch.version.cuda}; median of {args.rounds} interleaved rounds"
    print(header, flush=True)
    with args.output.open("w") as table:  # written row by row: a run cut short by a time limit keeps its rows

        def write(line: str) -> None:
            table.write(line + "\n")
            table.flush()

        for line in (
            f"GPU: {header}",
            "",
            "| width | batch | precision | side | ms per step | TFLOP/s | vs torch.nn eager |",
            "|---:|---:|---|---|---:|---:|---:|",
        ):
            write(line)
        for width in args.widths:
            for precision in args.precisions:
                batch = 100 if width == 25 else width
                times = bench(width, precision, args.rounds, not args.no_compile)
                for side, seconds in times.items():
                    tflops = flops(sizes_of(width), batch) / seconds / 1e12
                    ratio = seconds / times["torch.nn eager"]
                    cells = [width, batch, precision, side, f"{seconds * 1e3:.3f}", f"{tflops:.2f}", f"{ratio:.2f}"]
                    line = "| " + " | ".join(map(str, cells)) + " |"
                    write(line)
                    print(line, flush=True)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
