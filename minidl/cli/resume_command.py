"""``minidl resume CHECKPOINT``: continue a checkpointed run exactly where it stopped, then save the model."""

from __future__ import annotations

import argparse

from minidl.cli.distributed import add_distributed_options, joined, launch, launches, writes_files
from minidl.cli.options import add_training_settings, input_path, runtime
from minidl.cli.training import add_saving_options, fit_and_save, plan_outputs, resumed_output
from minidl.core.errors import ConfigError, SpecError
from minidl.workflow.files import load
from minidl.workflow.run import Run


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "resume",
        help="continue training from a checkpoint",
        description="Continue the run saved in CHECKPOINT: the next epochs are exactly those the original run "
        "would have trained (same batches, same random draws). The model is saved in the current folder as "
        "CHECKPOINT's name without -checkpoint (or with -trained); --every N writes on in CHECKPOINT itself. "
        "Any other existing file is replaced only with --force.",
    )
    parser.add_argument(
        "checkpoint_file", type=input_path, metavar="CHECKPOINT", help="a checkpoint written by minidl train --every"
    )
    add_training_settings(parser, "epochs", default="the run's plan")
    add_saving_options(parser)
    add_distributed_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with joined(args) as world:  # as a rank of a run, an error here stops the other ranks too, naming this one
        loaded = load(args.checkpoint_file)
        if loaded.kind == "model":  # "train it" would read as going on from its weights, which train does not
            raise SpecError(
                f"{args.checkpoint_file}: is a model file, not a checkpoint: it holds no optimizer state to go on "
                f"from exactly (minidl train --every N writes checkpoints; minidl train {args.checkpoint_file} "
                "trains its spec again from fresh weights)"
            )
        if loaded.kind != "checkpoint":
            raise SpecError(
                f"{args.checkpoint_file}: is a {loaded.kind} file, not a checkpoint; "
                f"train it with: minidl train {args.checkpoint_file}"
            )
        run = Run.from_file(loaded, runtime(args, world))
        if args.epochs is not None:
            run.change("epochs", args.epochs)
        trainer = run.trainer
        if trainer.done:
            if args.epochs is None:
                raise ConfigError(
                    f"{args.checkpoint_file}: the run has trained all the epochs it planned ({trainer.epoch}); "
                    f"pass --epochs with a total above {trainer.epoch} to train further"
                )
            raise ConfigError(
                f"--epochs {args.epochs}: {args.checkpoint_file} has already trained {trainer.epoch} epochs; "
                f"pass a total above {trainer.epoch} to train further"
            )
        outputs = plan_outputs(args, resumed_output(args.checkpoint_file), args.checkpoint_file, check=writes_files())
        if launches(args):
            return launch(args)
        fit_and_save(run, outputs)
    return 0
