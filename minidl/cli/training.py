"""What ``train`` and ``resume`` share: where files go, checked before the first epoch; progress; saving.

Files: a command writes its files in the current folder unless ``--output``/``--checkpoint`` say
otherwise, and replaces an existing file only with ``--force`` (``resume`` writing on in the
checkpoint it continues is not a replacement). Every path is checked before the first epoch, so a
path that cannot be written costs no training. Every file written is reported on stdout, also when
the command is interrupted; writes are atomic (``workflow/files/atomic.py``), so a stop at any
moment leaves the previous file or the new one, never half of one, and no temporary file.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from minidl.cli import interrupts
from minidl.cli.options import add_device_options, add_threads_option, output_path, positive_int
from minidl.cli.output import ProgressBar, say
from minidl.cli.output_path import exists, where
from minidl.core.errors import ConfigError
from minidl.workflow.files import EXTENSION
from minidl.workflow.files.held_signals import HeldSignals
from minidl.workflow.run import Run
from minidl.workflow.trainer import EpochMetrics

CHECKPOINT_SUFFIX = "-checkpoint"


def add_saving_options(parser: argparse.ArgumentParser) -> None:
    """``--output``, ``--every``, ``--checkpoint``, ``--force``, ``--threads``, ``--device``...: options of the commands
    that train."""
    parser.add_argument(
        "--output", type=output_path, metavar="FILE", help="where to save the trained model (default: see above)"
    )
    parser.add_argument(
        "--every", type=positive_int, metavar="N", help="save a checkpoint every N epochs and after the last"
    )
    parser.add_argument(
        "--checkpoint",
        type=output_path,
        metavar="FILE",
        help=f"the checkpoint file for --every (default: the model's name with {CHECKPOINT_SUFFIX})",
    )
    parser.add_argument("--force", action="store_true", help="replace files that already exist")
    add_threads_option(parser)
    add_device_options(parser)


def checkpoint_path(output: Path) -> Path:
    """``model.minidl`` -> ``model-checkpoint.minidl``."""
    return output.with_name(output.name.removesuffix(EXTENSION) + CHECKPOINT_SUFFIX + EXTENSION)


def derived_output(source: Path, suffix: str) -> Path:
    """The model's default path: ``<input stem><suffix>.minidl`` in the current folder."""
    return Path(source.name.removesuffix(EXTENSION) + suffix + EXTENSION)


def resumed_output(checkpoint: Path) -> Path:
    """``run-checkpoint.minidl`` -> ``run.minidl``; any other name gets ``-trained`` (never the checkpoint itself)."""
    stem = checkpoint.name.removesuffix(EXTENSION)
    if stem.endswith(CHECKPOINT_SUFFIX) and stem != CHECKPOINT_SUFFIX:
        return Path(stem.removesuffix(CHECKPOINT_SUFFIX) + EXTENSION)
    return derived_output(checkpoint, "-trained")


@dataclass(frozen=True)
class Outputs:
    """The files a training command will write, checked; ``replaced`` are those that exist now."""

    model: Path
    checkpoint: Path | None  # written every ``every`` epochs; None without --every
    every: int | None
    replaced: frozenset[Path]


def plan_outputs(
    args: argparse.Namespace, model: Path, continuing: Path | None = None, *, check: bool = True
) -> Outputs:
    """Check ``--output`` (default ``model``) and, with ``--every``, ``--checkpoint`` before any training.

    ``continuing`` is the checkpoint ``resume`` started from: the default checkpoint, written on freely.
    ``check=False`` plans without looking at the files (a rank that does not write them).
    """
    if args.checkpoint is not None and args.every is None:
        raise ConfigError(f"--checkpoint {args.checkpoint}: checkpoints are written only with --every N")
    model_path = args.output or model
    targets = [(model_path, "--output", args.output is not None)]
    checkpoint = None
    if args.every is not None:
        checkpoint = args.checkpoint or continuing or checkpoint_path(model_path)
        if _same_file(checkpoint, model_path):
            raise ConfigError(f"--output and the checkpoint are both {model_path}: name another with --checkpoint")
        if continuing is None or not _same_file(checkpoint, continuing):  # writing on in it replaces nothing
            targets.append((checkpoint, "--checkpoint", args.checkpoint is not None))
    there = [(path, option, named) for path, option, named in targets if check and exists(path, option, named)]
    if there and not args.force:
        raise ConfigError(
            " and ".join(where(*target) for target in there)
            + ": already there; pass --force to replace, or "
            + " and ".join(option for _, option, _ in there)
            + " to write elsewhere"
        )
    return Outputs(model_path, checkpoint, args.every, frozenset(path for path, _, _ in there))


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def fit_and_save(run: Run, outputs: Outputs) -> None:
    """Train to the planned epoch count with a progress bar, writing the checkpoint every few epochs and after the last
    (so that a finished run can be resumed for more epochs exactly), then save.

    A signal stops training at once but lets a save finish first (``HeldSignals``), so that the
    files reported are exactly those on disk. A run with a world trains data-parallel as one of its
    ranks: rank 0 alone shows progress and writes the files (the others' stdout goes nowhere).
    """
    with interrupts.stoppable():  # from here on a signal unwinds, so that the files written can be reported
        _fit(run, outputs)
        last = run.history[-1]
        scores = f"epoch {last.epoch}: test error {last.test_error:.2%}, train error {last.train_error:.2%}"
        with HeldSignals():
            run.save(outputs.model)
            say(_saved("model", outputs.model, outputs, scores))


def _fit(run: Run, outputs: Outputs) -> None:
    trainer = run.trainer
    saved: EpochMetrics | None = None  # the epoch in the checkpoint file, once one is written
    with ProgressBar("epoch", trainer.epochs, trainer.epoch, shown=run.leads) as progress:

        def on_epoch(m: EpochMetrics) -> None:
            nonlocal saved
            progress.say(str(m))
            progress.update(m.epoch)
            due = outputs.every is not None and (m.epoch % outputs.every == 0 or m.epoch == trainer.epochs)
            if outputs.checkpoint is not None and due:
                with HeldSignals():
                    run.save_checkpoint(outputs.checkpoint)
                    saved = m
            interrupts.check()

        trainer.callbacks.append(on_epoch)
        try:
            run.fit()
        finally:
            trainer.callbacks.remove(on_epoch)
            if saved is not None:
                progress.say(_saved("checkpoint", outputs.checkpoint, outputs, f"epoch {saved.epoch}"))


def _saved(kind: str, path: Path | None, outputs: Outputs, what: str) -> str:
    return f"saved {kind} {path} ({what}" + ("; replaced the file that was there)" if path in outputs.replaced else ")")
