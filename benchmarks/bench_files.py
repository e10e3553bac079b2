"""Save and load a ~50M-parameter model: minidl's .minidl files against torch.save / torch.load(weights_only=True).

    python benchmarks/bench_files.py [--repeats 3] [--width 2500] [--layers 8]

Each measurement runs in a fresh subprocess (so peak memory is that operation's alone), and the four
operations are interleaved, repeat after repeat. Peak memory is the growth of the process's maximum
resident set during the operation (ru_maxrss), next to the size of the weights. minidl.load builds a
whole model (gradient buffers are allocated only on first use); torch.load returns the tensors only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    import torch
    import minidl
    torch.set_num_threads(1)
    op, path, width, layers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if op.startswith("save"):
        torch.manual_seed(0)
        model = minidl.Sequential(*[minidl.Linear(width, width) for _ in range(layers)])
        tensors = {f"layers.{i}.{n}": p.value for i, m in enumerate(model) for n, p in m.named_parameters()}
    base = rss()
    start = time.perf_counter()
    if op == "save_minidl":
        minidl.save(model, path)
    elif op == "save_torch":
        torch.save(tensors, path)
    elif op == "load_minidl":
        model = minidl.load(path).model
    else:
        tensors = torch.load(path, weights_only=True)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_growth": rss() - base}))
    """
)

OPS = ("save_minidl", "save_torch", "load_minidl", "load_torch")


def run(op: str, path: Path, width: int, layers: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, op, str(path), str(width), str(layers)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--width", type=int, default=2500)
    parser.add_argument("--layers", type=int, default=8)
    args = parser.parse_args()
    params = args.layers * (args.width * args.width + args.width)
    weights_mb = params * 4 / 1e6
    results: dict[str, list[dict[str, float]]] = {op: [] for op in OPS}
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:
        paths = {"minidl": Path(folder) / "model.minidl", "torch": Path(folder) / "model.pt"}
        for _ in range(args.repeats):
            for op in OPS:
                results[op].append(run(op, paths[op.split("_")[1]], args.width, args.layers))
        sizes = {k: p.stat().st_size / 1e6 for k, p in paths.items()}
    print(
        f"{params / 1e6:.1f}M parameters, {weights_mb:.0f} MB of float32 weights; files: "
        f".minidl {sizes['minidl']:.1f} MB, .pt {sizes['torch']:.1f} MB; median of {args.repeats}, one thread"
    )
    median = {op: statistics.median(r["seconds"] for r in results[op]) for op in OPS}
    for op in OPS:
        peak = statistics.median(r["peak_growth"] for r in results[op]) / 1e6
        print(f"  {op:12s} {median[op]:7.3f} s   peak memory growth {peak:7.0f} MB ({peak / weights_mb:.2f} x weights)")
    print(f"  save: minidl / torch = {median['save_minidl'] / median['save_torch']:.2f}")
    print(f"  load: minidl / torch = {median['load_minidl'] / median['load_torch']:.2f}")


if __name__ == "__main__":
    main()
