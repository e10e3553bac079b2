"""Regenerate the example files in specs/: python specs/make_examples.py [--skip-trained]

- ``<activation>_<dropout>_<setup>.minidl``: the report's setups as spec files (no weights; loading
  one builds a freshly initialised network from its seed, and ``minidl train`` trains it): the
  2 -> 25 -> 25 -> 25 -> 2 network with ReLU or Tanh, with or without Dropout(p=0.1) after each hidden
  activation, default init, trained with MSE + SGD lr 0.05 or cross-entropy + Adam lr 1e-3, batch 10,
  no scheduler, 200 epochs on 1,000/1,000 circle points, seed 0. They are built by the study's own
  ``report_spec`` (``minidl experiments``), so ``relu_plain_*`` are exactly the README's report rows.
- ``circle_trained.minidl``: a checkpoint of the default recipe (``minidl.default_spec()``) trained to
  the end at seed 0, with its training setup and history. Rerun this script when the recipe changes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import torch

import minidl
from minidl.cli.experiments.study import ADAM, SGD, Settings, report_spec

HERE = Path(__file__).resolve().parent
SETUPS: dict[str, tuple[str, dict[str, Any]]] = {"mse_sgd": ("MSELoss", SGD), "ce_adam": ("CrossEntropyLoss", ADAM)}
DROPOUT = 0.1


def variant(activation: str, dropout: bool, setup: str) -> dict[str, Any]:
    """One of the report's setups as a spec: ``variant("ReLU", False, "mse_sgd")``."""
    loss, optimizer = SETUPS[setup]
    return report_spec(Settings(), activation, loss=loss, optimizer=optimizer, dropout=DROPOUT if dropout else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-trained", action="store_true", help="only the spec files (training takes a few seconds)"
    )
    args = parser.parse_args()
    for activation in ("ReLU", "Tanh"):
        for dropout in (False, True):
            for setup in SETUPS:
                name = f"{activation.lower()}_{'dropout' if dropout else 'plain'}_{setup}.minidl"
                minidl.save_spec(variant(activation, dropout, setup), HERE / name)
                print(f"wrote specs/{name}")
    if not args.skip_trained:
        torch.set_num_threads(1)
        run = minidl.Run(minidl.default_spec())
        run.fit()
        run.save_checkpoint(HERE / "circle_trained.minidl")
        last = run.history[-1]
        print(
            f"wrote specs/circle_trained.minidl: {last.epoch} epochs, test error {last.test_error:.2%}, "
            f"train error {last.train_error:.2%}"
        )


if __name__ == "__main__":
    sys.exit(main())
