"""One training step: minidl eager and compiled against torch.nn + autograd + torch.optim and jax.jit, in one process.

A step is: forward, MSE loss, backward, SGD (momentum 0.9) update, zero the gradients; the jax.jit side
is ``jax.value_and_grad`` of the same loss plus the same update, jitted as one function with the weights
and momentum buffers donated (updated in place, as a JAX training loop would write it). Every side
starts from the same weights and data. Rounds cycle through the sides (the order alternates) so that
machine noise hits all alike; each number is a median over rounds, each ratio the median of the
per-round ratios, with its spread (lowest and highest round). Also reports memory growth over many
minidl steps (Python heap and process RSS).

    python benchmarks/bench_step.py [--rounds 30] [--steps 200] [--threads N] [--batches 1 10 100] [--no-wide]

The jax.jit column needs JAX, which minidl never depends on: ``pip install jax jaxlib`` (CPU build);
without it the column is skipped. ``--threads 1`` also limits XLA to one thread.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable

import torch

import minidl
from minidl.workflow.fast_step import CompiledStep, train_step

LR, MOMENTUM = 0.01, 0.9
REPORT_NET = [2, 25, 25, 25, 2]


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


def minidl_eager(model: minidl.Sequential, x: torch.Tensor, y: torch.Tensor) -> Callable[[], None]:
    loss, optimizer = minidl.MSELoss(), minidl.SGD(model.param(), lr=LR, momentum=MOMENTUM)
    return lambda: train_step(model, loss, optimizer, x, y)


def minidl_compiled(model: minidl.Sequential, x: torch.Tensor, y: torch.Tensor) -> Callable[[], None]:
    """The Trainer's ``compile=True`` path; the first two calls (eager first step, then trace and compile) are timed."""
    step = CompiledStep(model, minidl.MSELoss(), minidl.SGD(model.param(), lr=LR, momentum=MOMENTUM))
    step.prepare()
    start = time.perf_counter()
    step(x, y)
    step(x, y)
    print(f"    (compiled step ready in {time.perf_counter() - start:.1f} s)", flush=True)
    if step.fallback:
        raise SystemExit(f"the compiled step fell back to eager: {step.fallback}")
    return lambda: step(x, y)


def torch_nn(model: torch.nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> Callable[[], None]:
    loss, optimizer = torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def step() -> None:
        optimizer.zero_grad()
        loss(model(x), y).backward()
        optimizer.step()

    return step


def jax_jit(model: minidl.Sequential, x: torch.Tensor, y: torch.Tensor) -> Callable[[], None] | None:
    """``jax.jit`` of value_and_grad + the same SGD momentum update (buffers donated); None without JAX."""
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    layers = [m for m in model if isinstance(m, minidl.Linear)]
    params = [(jnp.asarray(m.weight.value.numpy()), jnp.asarray(m.bias.value.numpy())) for m in layers]
    state = {"params": params, "buffers": jax.tree_util.tree_map(jnp.zeros_like, params)}
    jx, jy = jnp.asarray(x.numpy()), jnp.asarray(y.numpy())

    def loss(params, x, y):
        for i, (w, b) in enumerate(params):
            x = x @ w.T + b
            if i < len(params) - 1:
                x = jax.nn.relu(x)
        return jnp.mean((x - y) ** 2)

    @functools.partial(jax.jit, donate_argnums=(0, 1))  # update weights and buffers in place: ~20% faster
    def update(params, buffers, x, y):
        value, grads = jax.value_and_grad(loss)(params, x, y)
        buffers = jax.tree_util.tree_map(lambda b, g: MOMENTUM * b + g, buffers, grads)
        params = jax.tree_util.tree_map(lambda p, b: p - LR * b, params, buffers)
        return value, params, buffers

    def step() -> None:
        _, state["params"], state["buffers"] = update(state["params"], state["buffers"], jx, jy)

    step.sync = lambda: jax.block_until_ready(state["params"])  # type: ignore[attr-defined]
    return step


def time_steps(step: Callable[[], None], steps: int) -> float:
    start = time.perf_counter()
    for _ in range(steps):
        step()
    getattr(step, "sync", lambda: None)()  # jax dispatches asynchronously: wait for the last step
    return (time.perf_counter() - start) / steps


def bench(sizes: list[int], batch: int, rounds: int, steps: int, compiled: bool) -> dict[str, list[float]]:
    """Per-round seconds per step of every side."""
    torch.manual_seed(0)
    x, y = torch.rand(batch, sizes[0]), torch.rand(batch, sizes[-1])
    ours, ref = make_pair(sizes)
    sides: dict[str, Callable[[], None] | None] = {
        "minidl": minidl_eager(ours, x, y),
        "torch.nn": torch_nn(ref, x, y),
    }
    if compiled:
        fast_model, _ = make_pair(sizes)
        for a, b in zip(fast_model.param(), ours.param()):
            a.value.copy_(b.value)
        sides["jax.jit"] = jax_jit(ours, x, y)
        sides["compiled"] = minidl_compiled(fast_model, x, y)
    live = {k: v for k, v in sides.items() if v is not None}
    for step in live.values():  # warm up every side
        time_steps(step, 20)
    times: dict[str, list[float]] = {k: [] for k in live}
    order = list(live)
    for r in range(rounds):
        for name in order if r % 2 == 0 else order[::-1]:
            times[name].append(time_steps(live[name], steps))
    return times


def ratio(times: dict[str, list[float]], a: str, b: str) -> str:
    """Median of the per-round ratios a/b, with the lowest and highest round."""
    rounds = sorted(x / y for x, y in zip(times[a], times[b]))
    return f"{statistics.median(rounds):.2f} ({rounds[0]:.2f}-{rounds[-1]:.2f})"


def memory_growth(make: Callable[..., Callable[[], None]], steps: int = 20000) -> tuple[int, int]:
    """Python-heap bytes and RSS kilobytes gained over ``steps`` minidl steps after a warm-up."""
    ours, _ = make_pair(REPORT_NET)
    step = make(ours, torch.rand(100, 2), torch.rand(100, 2))
    for _ in range(1000):
        step()
    tracemalloc.start()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    base, _ = tracemalloc.get_traced_memory()
    for _ in range(steps):
        step()
    now, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return now - base, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--threads", type=int, help="torch intra-op threads for both sides (default: torch's)")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 10, 100], help="batch sizes on the report net")
    parser.add_argument("--no-wide", action="store_true", help="skip the 2-1024-1024-1024-2 network")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
        if args.threads == 1:  # read by XLA when JAX is first imported
            flags = os.environ.get("XLA_FLAGS", "")
            os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    torch.set_grad_enabled(True)
    cases = [(f"report net 2-25-25-25-2, batch {b}", REPORT_NET, b, True) for b in args.batches]
    if not args.no_wide:
        cases.append(("wide net 2-1024-1024-1024-2, batch 100", [2, 1024, 1024, 1024, 2], 100, False))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; median of {args.rounds} interleaved rounds")
    print("us per step (median); ratios: median of the per-round ratios (lowest-highest round)")
    for name, sizes, batch, compiled in cases:
        print(name, flush=True)
        steps = args.steps if sizes[1] < 1000 else max(args.steps // 10, 5)
        times = bench(sizes, batch, args.rounds, steps, compiled)
        print("    " + "  ".join(f"{k} {statistics.median(v) * 1e6:.1f}" for k, v in times.items()))
        print(f"    torch.nn / minidl eager: {ratio(times, 'torch.nn', 'minidl')}")
        if "compiled" in times:
            print(f"    minidl eager / compiled: {ratio(times, 'minidl', 'compiled')}")
        if "jax.jit" in times:
            print(f"    compiled / jax.jit: {ratio(times, 'compiled', 'jax.jit')}  (target <= 1)")
        elif compiled:
            print("    jax.jit: not installed (pip install jax jaxlib), column skipped")
    for name, make in (("eager", minidl_eager), ("compiled", minidl_compiled)):
        heap, rss = memory_growth(make)
        print(f"memory growth over 20000 {name} steps (report net, batch 100): Python heap {heap} B, max RSS {rss} KiB")


if __name__ == "__main__":
    main()
