"""Regenerate the example files in specs/: python specs/make_examples.py [--skip-trained]

- ``<activation>_<dropout>_<setup>.minidl``: the report's network variants as spec files (no weights;
  loading one builds a freshly initialised network from its seed): ReLU or Tanh, with or without
  dropout, trained with MSE + SGD or cross-entropy + Adam.
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
from minidl.workflow.recipe import report_network

HERE = Path(__file__).resolve().parent
SETUPS: dict[str, dict[str, Any]] = {
    "mse_sgd": {"loss": {"component": "MSELoss"}, "optimizer": {"component": "SGD", "config": {"lr": 0.05}}},
    "ce_adam": {"loss": {"component": "CrossEntropyLoss"}, "optimizer": {"component": "Adam", "config": {"lr": 1e-3}}},
}


def variant(activation: str, dropout: bool, setup: str) -> dict[str, Any]:
    layers = report_network(activation)
    if dropout:
        layers = [
            x
            for layer in layers
            for x in (
                [layer, {"component": "Dropout", "config": {"p": 0.1}}] if layer["component"] == activation else [layer]
            )
        ]
    spec = minidl.default_spec()
    spec["model"]["layers"] = layers
    spec["training"].update(SETUPS[setup])
    return spec


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
        trainer = minidl.build_trainer(minidl.default_spec())
        trainer.fit()
        trainer.save_checkpoint(HERE / "circle_trained.minidl")
        last = trainer.history[-1]
        print(
            f"wrote specs/circle_trained.minidl: {last.epoch} epochs, test error {last.test_error:.2%}, "
            f"train error {last.train_error:.2%}"
        )


if __name__ == "__main__":
    sys.exit(main())
