"""``minidl train``: train the default recipe (or a spec file), printing each epoch's metrics."""

from __future__ import annotations

import argparse

from minidl.workflow.recipe import default_spec
from minidl.workflow.spec import build_trainer
from minidl.workflow.trainer import EpochMetrics


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("train", help="train a model and print train/test loss and error per epoch")
    parser.add_argument("--epochs", type=int, help="number of epochs (default: the recipe's)")
    parser.add_argument("--seed", type=int, help="random seed (default: the recipe's)")
    parser.add_argument("--batch-size", type=int, help="mini-batch size (default: the recipe's)")
    parser.set_defaults(run=run)


def print_epoch(m: EpochMetrics) -> None:
    print(
        f"epoch {m.epoch:4d}  train loss {m.train_loss:.4f} error {m.train_error:6.2%}  "
        f"test loss {m.test_loss:.4f} error {m.test_error:6.2%}  lr {m.lr:.2e}  {m.seconds * 1000:.0f} ms"
    )


def run(args: argparse.Namespace) -> int:
    overrides = {k: v for k, v in (("epochs", args.epochs), ("seed", args.seed), ("batch_size", args.batch_size)) if v is not None}
    trainer = build_trainer(default_spec(**overrides))
    trainer.callbacks.append(print_epoch)
    trainer.fit()
    return 0
