"""``minidl train [FILE]``: train the default recipe or the spec in FILE, then save the model."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from minidl.cli.distributed import add_distributed_options, joined, launch, launches, writes_files
from minidl.cli.options import add_training_settings, input_path, positive_number, runtime
from minidl.cli.training import add_saving_options, derived_output, fit_and_save, plan_outputs
from minidl.core.errors import SpecError
from minidl.workflow.files import load
from minidl.workflow.recipe import default_spec
from minidl.workflow.run import Run

DEFAULT_OUTPUT = Path("default-recipe.minidl")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "train",
        help="train a model and print train/test loss and error per epoch",
        description="Train the spec in FILE (a .minidl spec or model file; its spec is trained from fresh weights "
        "drawn from the seed) or, without FILE, minidl's default recipe; then save the model, by default as "
        "FILE's name with -trained (or default-recipe.minidl) in the current folder. An existing file is replaced "
        "only with --force; every path is checked before the first epoch. Epoch lines, and a line for every file "
        "written, go to stdout; the progress bar (in a terminal) and errors go to stderr.",
    )
    parser.add_argument(
        "file",
        nargs="?",
        type=input_path,
        metavar="FILE",
        help="a .minidl spec or model file (default: the default recipe)",
    )
    add_training_settings(parser, "epochs", "batch_size", "seed", default="the spec's")
    parser.add_argument("--lr", type=positive_number, help="the optimizer's learning rate (default: the spec's)")
    add_saving_options(parser)
    add_distributed_options(parser)
    parser.set_defaults(run=run)


def spec_of(file: Path | None) -> dict[str, Any]:
    """The spec to train: the default recipe, or the one in ``file`` (which must have a training setup)."""
    if file is None:
        return default_spec()
    loaded = load(file)
    if loaded.kind == "checkpoint":
        raise SpecError(f"{file}: is a checkpoint; continue it with: minidl resume {file}")
    if loaded.spec["training"] is None:
        raise SpecError(f"{file}: has no training setup (dataset, loss, optimizer, epochs, ...) to train with")
    return loaded.spec


def with_overrides(spec: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The spec with the command line's epochs, batch size, seed and learning rate."""
    training = spec["training"]
    for key in ("epochs", "batch_size", "seed"):
        if getattr(args, key) is not None:
            training[key] = getattr(args, key)
    if args.lr is not None:
        training["optimizer"] = {
            **training["optimizer"],
            "config": {**training["optimizer"].get("config", {}), "lr": args.lr},
        }
    return spec


def run(args: argparse.Namespace) -> int:
    with joined(args) as world:  # as a rank of a run, an error here stops the other ranks too, naming this one
        spec = with_overrides(spec_of(args.file), args)
        default = derived_output(args.file, "-trained") if args.file else DEFAULT_OUTPUT
        outputs = plan_outputs(args, default, check=writes_files())
        chosen = runtime(args, world)  # the device and precision checked here, before any rank starts
        if launches(args):
            return launch(args)
        fit_and_save(Run(spec, runtime=chosen), outputs)
    return 0
