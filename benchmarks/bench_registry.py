"""What the registry costs: discovering and loading every plugin once, and lookups after that.

Cold: a fresh interpreter imports minidl and makes the first registry call (entry points, plugin
imports, hooks), compared in the same run with a fresh interpreter that imports torch alone, so the
ratio is independent of machine speed. Warm: rebuilding in-process, and one ``create`` lookup.

    python benchmarks/bench_registry.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from minidl import registry

COLD = "import time; t = time.perf_counter(); {body}; print(time.perf_counter() - t)"


def cold(body: str) -> float:
    out = subprocess.run([sys.executable, "-c", COLD.format(body=body)], capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    torch_only, with_registry = [], []
    for _ in range(args.repeat):  # interleaved
        torch_only.append(cold("import torch"))
        with_registry.append(cold("import minidl; minidl.registry.names('module')"))
    rebuild = []
    for _ in range(args.repeat):
        registry.reload()
        start = time.perf_counter()
        registry.names("module")
        rebuild.append(time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(1000):
        registry.create("module", "Dropout", p=0.1)
    lookup = (time.perf_counter() - start) / 1000
    plugins = ", ".join(f"{i.distribution} ({i.status})" for i in registry.plugins())
    print(f"distributions: {plugins}; {sum(len(registry.names(k)) for k in registry.KINDS)} components")
    print(f"cold start, import torch:                     {statistics.median(torch_only) * 1e3:7.1f} ms")
    print(f"cold start, import minidl + build registry:   {statistics.median(with_registry) * 1e3:7.1f} ms")
    print(f"rebuild registry in-process (entry points+hooks): {statistics.median(rebuild) * 1e3:7.2f} ms")
    print(f"registry.create('module', 'Dropout', p=0.1):  {lookup * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
