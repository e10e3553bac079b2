"""What ``train`` and ``resume`` share: the progress display, periodic checkpoints, the final save.

Metrics go to stdout, one line per epoch (pipe-friendly); the live progress bar goes to stderr.
Every file is written atomically by ``minidl.save`` / ``Trainer.save_checkpoint``, so Ctrl-C leaves
either the previous file or the new one, never half of one.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

import minidl
from minidl.cli.options import positive_int
from minidl.workflow.files.format import EXTENSION
from minidl.workflow.trainer import EpochMetrics, Trainer

CHECKPOINT_SUFFIX = "-checkpoint"


def add_saving_options(parser: argparse.ArgumentParser) -> None:
    """``--output``, ``--every`` and ``--checkpoint``, the options of every command that trains."""
    parser.add_argument(
        "--output", type=Path, help="where to save the trained model (default: derived from the input name)"
    )
    parser.add_argument("--every", type=positive_int, metavar="N", help="save a checkpoint every N epochs")
    parser.add_argument(
        "--checkpoint", type=Path, help=f"checkpoint file for --every (default: OUTPUT with {CHECKPOINT_SUFFIX})"
    )


def checkpoint_path(output: Path) -> Path:
    """``model.minidl`` -> ``model-checkpoint.minidl``."""
    return output.with_name(output.name.removesuffix(EXTENSION) + CHECKPOINT_SUFFIX + EXTENSION)


def derived_output(source: Path, suffix: str) -> Path:
    """The model's default path: ``<input stem><suffix>.minidl`` beside the input."""
    return source.with_name(source.name.removesuffix(EXTENSION) + suffix + EXTENSION)


def resumed_output(checkpoint: Path) -> Path:
    """``run-checkpoint.minidl`` -> ``run.minidl``; any other name gets ``-trained`` (never the checkpoint itself)."""
    stem = checkpoint.name.removesuffix(EXTENSION)
    if stem.endswith(CHECKPOINT_SUFFIX) and stem != CHECKPOINT_SUFFIX:
        return checkpoint.with_name(stem.removesuffix(CHECKPOINT_SUFFIX) + EXTENSION)
    return derived_output(checkpoint, "-trained")


def print_epoch(m: EpochMetrics) -> None:
    print(
        f"epoch {m.epoch:4d}  train loss {m.train_loss:.4f} error {m.train_error:6.2%}  "
        f"test loss {m.test_loss:.4f} error {m.test_error:6.2%}  lr {m.lr:.2e}  {m.seconds * 1000:.0f} ms",
        flush=True,
    )


def fit_and_save(trainer: Trainer, output: Path, every: int | None, checkpoint: Path | None) -> None:
    """Train to the planned epoch count with a progress bar, checkpointing every ``every`` epochs, then save."""
    checkpoint = checkpoint or checkpoint_path(output)
    columns = (TextColumn("epoch"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("epoch", total=trainer.epochs, completed=trainer.epoch)

        def on_epoch(m: EpochMetrics) -> None:
            print_epoch(m)
            progress.update(task, completed=m.epoch)
            if every is not None and m.epoch % every == 0:
                trainer.save_checkpoint(checkpoint)

        trainer.callbacks.append(on_epoch)
        try:
            trainer.fit()
        finally:
            trainer.callbacks.remove(on_epoch)
    minidl.save(trainer.model, output, training=trainer.spec["training"])
    last = trainer.history[-1]
    print(f"saved {output} (epoch {last.epoch}: test error {last.test_error:.2%}, train error {last.train_error:.2%})")
