"""``minidl evaluate FILE [--fresh N]``: a saved model's loss and error on its train and test sets, and its true error.

The train and test sets are rebuilt from the spec and seed. ``--fresh N`` also classifies N fresh
points drawn from the data set's distribution and prints their error rate with a 95 % Wilson interval:
the error the model really has, which a 1,000-point test set only estimates. A spec file has no
weights, so its scores are those of untrained weights drawn from its seed, and the output says so.
"""

from __future__ import annotations

import argparse
from typing import Any

from minidl import registry
from minidl.cli.options import (
    add_device_options,
    add_threads_option,
    input_path,
    positive_int,
    runtime,
    training_setting,
)
from minidl.cli.output import note, say_json
from minidl.core.errors import ConfigError, SpecError
from minidl.workflow.files import load
from minidl.workflow.fresh import SEED_OFFSET, FreshError, default_seed, fresh_error
from minidl.workflow.run import Run


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "evaluate",
        help="print a saved model's train/test loss and error (and its error on fresh points)",
        description="Load FILE, rebuild its data set from the spec and seed, and print the loss and error rate "
        "(fraction misclassified) on the train and test sets, in evaluation mode. A spec file has no weights: "
        "its scores are those of untrained weights drawn from its seed.",
    )
    parser.add_argument("file", type=input_path, metavar="FILE", help="a .minidl model, checkpoint or spec file")
    parser.add_argument(
        "--fresh",
        type=positive_int,
        metavar="N",
        help="also measure the error on N fresh points from the data set, with a 95%% Wilson interval",
    )
    parser.add_argument(
        "--fresh-seed",
        type=training_setting("seed"),  # a seed like the training seed
        metavar="S",
        help=f"seed of the fresh points (default: the training seed + {SEED_OFFSET} modulo 2**32, so not the "
        "train and test sets' own points; torch keeps a seed's low 32 bits)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_threads_option(parser)
    add_device_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.fresh_seed is not None and args.fresh is None:
        raise ConfigError(f"--fresh-seed {args.fresh_seed}: seeds the points of --fresh N; pass --fresh too")
    loaded = load(args.file)
    training = loaded.spec["training"]
    if training is None:
        raise SpecError(f"{args.file}: has no training setup, so no data set to evaluate on")
    scores = Run.from_file(loaded, runtime(args)).trainer.scores()
    result: dict[str, Any] = {"file": str(args.file), "kind": loaded.kind, **scores}
    fresh = None
    if args.fresh is not None:
        dataset = registry.create("dataset", training["dataset"]["component"], **training["dataset"]["config"])
        points_seed = default_seed(training["seed"]) if args.fresh_seed is None else args.fresh_seed
        try:
            fresh = fresh_error(loaded.model, dataset, args.fresh, points_seed)
        except ConfigError as error:
            raise ConfigError(f"{args.file}: --fresh: {error}") from None
        result["fresh"] = {
            "points": fresh.points,
            "errors": fresh.errors,
            "error": fresh.rate,
            "ci95": list(fresh.interval()),
            "seed": fresh.seed,
        }
    if args.json:
        say_json(result)
        return 0
    _print(result, fresh, training["seed"])
    return 0


def _print(result: dict[str, Any], fresh: FreshError | None, training_seed: int) -> None:
    if result["kind"] == "spec":
        note(
            f"{result['file']} is a spec file (no weights): these are the scores of untrained weights "
            f"drawn from seed {training_seed}"
        )
    print(f"{'':6}{'loss':>10}{'error':>10}")
    for split in ("train", "test"):
        print(f"{split:6}{result[f'{split}_loss']:10.4f}{result[f'{split}_error']:10.2%}")
    if fresh is not None:
        low, high = fresh.interval()
        print(
            f"{'fresh':6}{'':10}{fresh.rate:10.2%}  on {fresh.points:,} fresh points (seed {fresh.seed}): "
            f"95% interval {low:.2%} to {high:.2%}"
        )
