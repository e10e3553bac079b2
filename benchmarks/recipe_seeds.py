"""The default recipe's final-epoch error over a range of seeds (held-out seeds check a tuned recipe).

The recipe was tuned on seeds 0-9 (the seeds ``minidl experiments`` uses); running it on other seeds
shows how much of its score is the tuning's luck. ``--fresh N`` also measures each trained model's
true error on N fresh points from the data set (``minidl evaluate --fresh``'s measure and default seed),
which the 1,000-point test set only estimates.

    python benchmarks/recipe_seeds.py [--first 10] [--count 10] [--jobs 2] [--fresh 1000000] [--precision bf16]
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import statistics

from minidl import registry
from minidl.cli.experiments.runner import ONE_THREAD, init_worker
from minidl.cli.experiments.study import with_seed
from minidl.workflow.fresh import default_seed, fresh_error
from minidl.workflow.recipe import default_spec
from minidl.workflow.run import Run
from minidl.workflow.spec import normalize


def train(job: tuple[int, int, str]) -> dict[str, float]:
    """Train the recipe from one seed: its final train and test error, and its error on ``fresh`` points (if any)."""
    seed, fresh, precision = job
    spec = normalize(with_seed(default_spec(), seed))
    run = Run(spec, runtime=dataclasses.replace(ONE_THREAD, precision=precision))
    run.fit()
    last = run.history[-1]
    result = {"train_error": last.train_error, "test_error": last.test_error}
    if fresh:
        dataset = spec["training"]["dataset"]
        data = registry.create("dataset", dataset["component"], **dataset["config"])
        result["fresh_error"] = fresh_error(run.model, data, fresh, default_seed(seed)).rate
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--first", type=int, default=10)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--fresh", type=int, default=0, metavar="N", help="also measure each model on N fresh points")
    parser.add_argument("--precision", default="float32", help="the runs' precision: float32 or bf16 (CPU)")
    args = parser.parse_args()
    seeds = range(args.first, args.first + args.count)
    with multiprocessing.get_context("spawn").Pool(args.jobs, initializer=init_worker) as pool:
        results = pool.map(train, [(s, args.fresh, args.precision) for s in seeds])
    for name in ("test_error", "train_error", "fresh_error")[: 3 if args.fresh else 2]:
        values = [100 * r[name] for r in results]
        print(
            f"{name}: {statistics.mean(values):.2f} +/- {statistics.stdev(values):.2f} %  "
            f"per seed {[round(v, 2) for v in values]}"
        )
    print(
        f"seeds {seeds.start}..{seeds.stop - 1}, final epoch, precision {args.precision}"
        + (f", {args.fresh:,} fresh points each" * bool(args.fresh))
    )


if __name__ == "__main__":
    main()
