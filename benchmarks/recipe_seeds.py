"""The default recipe's final-epoch error over a range of seeds (held-out seeds check a tuned recipe).

The recipe was tuned on seeds 0-9 (the seeds ``minidl experiments`` uses); running it on other seeds
shows how much of its score is the tuning's luck.

    python benchmarks/recipe_seeds.py [--first 10] [--count 10] [--jobs 2]
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics

from minidl.workflow.experiments.runner import init_worker, run_trial, spec_key
from minidl.workflow.recipe import default_spec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=10)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    args = parser.parse_args()
    key = spec_key(default_spec())
    seeds = range(args.first, args.first + args.count)
    with multiprocessing.get_context("spawn").Pool(args.jobs, initializer=init_worker) as pool:
        trials = [trial for _, trial in pool.map(run_trial, [(key, s) for s in seeds])]
    for name in ("test_error", "train_error"):
        values = [100 * t.final(name) for t in trials]
        print(
            f"{name}: {statistics.mean(values):.2f} +/- {statistics.stdev(values):.2f} %  "
            f"per seed {[round(v, 1) for v in values]}"
        )
    print(f"seeds {seeds.start}..{seeds.stop - 1}, final epoch of {len(trials[0].curves['test_error'])}")


if __name__ == "__main__":
    main()
