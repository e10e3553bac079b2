"""``minidl evaluate FILE``: the loss and error of a saved model on its spec's train and test sets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import minidl
from minidl.cli.options import add_threads_option
from minidl.core.errors import SpecError


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "evaluate",
        help="print a saved model's train/test loss and error",
        description="Load FILE (a model or checkpoint), rebuild its data set from the spec and seed, and print "
        "the loss and error rate (fraction misclassified) on the train and test sets, in evaluation mode.",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="a .minidl model or checkpoint file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    add_threads_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    loaded = minidl.load(args.file)
    if loaded.spec["training"] is None:
        raise SpecError(f"{args.file}: has no training setup, so no data set to evaluate on")
    scores = loaded.make_trainer().scores()
    if args.json:
        print(json.dumps(scores, indent=2))
        return 0
    print(f"{'':6}{'loss':>10}{'error':>10}")
    for split in ("train", "test"):
        print(f"{split:6}{scores[f'{split}_loss']:10.4f}{scores[f'{split}_error']:10.2%}")
    return 0
