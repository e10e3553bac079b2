"""Long fuzzing runs of ``minidl.load``: python benchmarks/fuzz_files.py [--cases N] [--seed S].

Mutates a model file, a checkpoint and a spec file (byte damage and structural replacements; see
tests/workflow/files/fuzzing.py) and prints how many cases ended in each outcome. Any exception other
than SpecError stops the run with the mutant's bytes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import minidl
from tests.workflow.files.fuzzing import run
from tests.workflow.files.helpers import save_checkpoint, save_model, tiny_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        minidl.save_spec(tiny_spec(), root / "s.minidl")
        seeds = {
            "model": save_model(root / "m.minidl", dropout=True).read_bytes(),
            "checkpoint": save_checkpoint(root / "c.minidl").read_bytes(),
            "spec": (root / "s.minidl").read_bytes(),
        }
        start = time.perf_counter()
        outcomes = run(seeds, args.cases, root, seed=args.seed)
        seconds = time.perf_counter() - start
    print(f"{sum(outcomes.values())} cases in {seconds:.1f} s (seed {args.seed}); only SpecError escaped")
    for outcome, count in outcomes.most_common():
        print(f"  {count:8d}  {outcome}")


if __name__ == "__main__":
    main()
