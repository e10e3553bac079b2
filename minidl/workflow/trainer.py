"""The training loop: epochs of shuffled mini-batches, a per-epoch evaluation, history and events.

Interfaces drive training through one :class:`Trainer`: ``fit()`` runs to the planned number of
epochs, ``run_epoch()`` runs exactly one, and ``request_stop()`` (safe from another thread) makes
``fit`` return after the current epoch, so a caller can pause, stop and continue between epochs.
Each finished epoch produces an :class:`EpochMetrics` (plain floats, safe to hand to another thread)
that is appended to ``history`` and passed to every ``on_epoch`` callback. An exception from a
component (a layer's forward or backward, the loss, the optimizer or scheduler step) leaves as a
ComponentError naming the component's place, id and provider.
"""

from __future__ import annotations

import functools
import math
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import torch

from minidl.components.datasets.base import DataSplit
from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.components.schedulers import Scheduler
from minidl.core.errors import ConfigError, TrainingDiverged
from minidl.core.module import Module
from minidl.workflow.distributed import World, data_parallel
from minidl.workflow.failures import Watch, Watched
from minidl.workflow.fast_step import CompileFallback, train_step
from minidl.workflow.precision import check_data_parallel
from minidl.workflow.random_draws import seed_device_generator
from minidl.workflow.steps import choose_step
from minidl.workflow.training_limits import TRAINING_LIMITS


@dataclass(frozen=True)
class EpochMetrics:
    """What one epoch achieved, evaluated after it on the whole train and test sets (evaluation mode)."""

    epoch: int
    train_loss: float
    train_error: float
    test_loss: float
    test_error: float
    lr: float
    seconds: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    def __str__(self) -> str:
        """The one-line progress report that ``minidl train`` and ``Trainer.fit(verbose=True)`` print."""
        return (
            f"epoch {self.epoch:4d}  train loss {self.train_loss:.4f} error {self.train_error:6.2%}  "
            f"test loss {self.test_loss:.4f} error {self.test_error:6.2%}  lr {self.lr:.2e}  "
            f"{self.seconds * 1000:.0f} ms"
        )


EpochCallback = Callable[[EpochMetrics], None]


class Trainer:
    """Trains ``model`` on ``data`` with ``loss`` and ``optimizer`` (and an optional ``scheduler``).

    The scheduler is stepped with the epoch's training loss. Errors are the fraction of misclassified
    points (arg-max of the output against the label). ``compile=True`` runs the steps through a
    :class:`~minidl.workflow.fast_step.CompiledStep` (seconds to compile, then several times faster
    on small networks; equal to the eager steps up to rounding); ``None`` leaves the choice to the
    ``MINIDL_COMPILE`` environment variable (``1``: compile; unset or ``0``: eager). ``precision="bf16"``
    runs each step in mixed precision (``mixed_precision.py``); on a CUDA model ``graphs`` (default on)
    replays the steps as a CUDA graph (``graph_step.py``). The model's device is the run's: data moves there.
    """

    def __init__(
        self,
        model: Module,
        loss: Loss,
        optimizer: Optimizer,
        data: DataSplit,
        *,
        scheduler: Scheduler | None = None,
        epochs: int = 200,
        batch_size: int = 10,
        seed: int = 0,
        on_epoch: EpochCallback | None = None,
        compile: bool | None = None,
        precision: str = "float32",
        graphs: bool | None = None,
    ) -> None:
        for key, value in (("epochs", epochs), ("batch_size", batch_size), ("seed", seed)):
            problem = TRAINING_LIMITS[key].problem(value)
            if problem:
                raise ConfigError(f"Trainer: {key}: {problem}")
        dtype, device = model.placement()
        self.model, self.loss, self.optimizer, self.scheduler = model, loss, optimizer, scheduler
        self.epochs, self.batch_size, self.seed = epochs, batch_size, seed
        self._watch = Watch(self._components, "training")
        with self._watch:
            self.data = data.to(dtype=dtype, device=device)
            self._train_targets = _targets(self.data.train_y, loss, self.data.num_classes, dtype)
            self._test_targets = _targets(self.data.test_y, loss, self.data.num_classes, dtype)
        self.generator = torch.Generator().manual_seed(seed)
        self.history: list[EpochMetrics] = []
        self.callbacks: list[EpochCallback] = [on_epoch] if on_epoch else []
        self.diverged: TrainingDiverged | None = None
        self.precision = precision
        self.compiled_step = choose_step(model, loss, optimizer, compile=compile, precision=precision, graphs=graphs)
        """The step object that replaces the eager ``train_step`` (compiled, bf16, CUDA graph), or None."""
        self.world: World | None = None
        """The ranks training this model data-parallel (see :meth:`join`), or None: this process alone."""
        self._stop = threading.Event()

    @property
    def epoch(self) -> int:
        """Number of epochs completed."""
        return len(self.history)

    @property
    def done(self) -> bool:
        return self.epoch >= self.epochs

    @property
    def train_targets(self) -> torch.Tensor:
        """The training labels as the loss takes them: class indices, or one-hot rows (MSE)."""
        return self._train_targets

    def _components(self) -> Watched:
        """What a failure is blamed on, with the places the spec gives them."""
        return [
            (self.model, "module", "spec.model"),
            (self.loss, "loss", "spec.training.loss"),
            (self.optimizer, "optimizer", "spec.training.optimizer"),
            (self.scheduler, "scheduler", "spec.training.scheduler"),
        ]

    def join(self, world: World) -> None:
        """Step and evaluate data-parallel with the other ranks of ``world`` from now on: each rank backpropagates
        its slice of every batch and the ranks average their gradients; each rank scores a slice of a set.

        The Run joins its world's ranks here, once they agree on the run and hold rank 0's weights.
        """
        check_data_parallel(self.precision)
        self.world = world
        if self.compiled_step is not None:
            self.compiled_step = None
            warnings.warn(
                "minidl: the compiled or CUDA-graph step is off (it has no gradient all-reduce); data-parallel "
                "training runs eagerly",
                CompileFallback,
                3,
            )

    def request_stop(self) -> None:
        """Ask a running ``fit`` to return after the current epoch (thread-safe)."""
        self._stop.set()

    def fit(self, epochs: int | None = None, *, verbose: bool = False) -> list[EpochMetrics]:
        """Run up to ``epochs`` more epochs (default: until the planned total), stopping early on request.

        ``verbose=True`` prints one line per epoch (``str(metrics)``, what the ``minidl`` command prints).
        """
        self._stop.clear()
        remaining = self.epochs - self.epoch if epochs is None else epochs
        for _ in range(remaining):
            if self._stop.is_set():
                break
            metrics = self.run_epoch()
            if verbose:
                print(metrics, flush=True)
        return self.history

    def run_epoch(self) -> EpochMetrics:
        """Train one epoch over shuffled mini-batches, evaluate, step the scheduler and report."""
        if self.diverged is not None:
            raise self.diverged
        start = time.perf_counter()
        with self._watch:  # free until something raises: the batch loop runs as fast as without it
            self._train_one_epoch()
        scores = self.scores()
        train_loss = scores["train_loss"]
        if not math.isfinite(train_loss):
            self.diverged = TrainingDiverged(
                f"epoch {self.epoch + 1}: the training loss became {train_loss} (learning rate "
                f"{self.optimizer.lr:g}); training stopped. Lower the learning rate and start again."
            )
            raise self.diverged
        if self.scheduler is not None:
            with self._watch:
                self.scheduler.step(train_loss)
        metrics = EpochMetrics(
            epoch=self.epoch + 1,
            **scores,
            lr=self.optimizer.lr,
            seconds=time.perf_counter() - start,
        )
        self.history.append(metrics)
        for callback in self.callbacks:
            callback(metrics)
        return metrics

    def _train_one_epoch(self) -> None:
        model = self.model
        order = torch.randperm(self.data.train_x.shape[0], generator=self.generator).to(self.data.train_x.device)
        inputs = self.data.train_x[order].split(self.batch_size)
        targets = self._train_targets[order].split(self.batch_size)
        model.train()
        seed_device_generator(self.data.train_x.device, self.seed, self.optimizer.steps)
        step = self._step()
        for x, target in zip(inputs, targets):
            step(x, target)

    def _step(self) -> Callable[[torch.Tensor, torch.Tensor], None]:
        """This epoch's step: data-parallel with a world, the compiled one when asked for (it runs eagerly where it
        cannot apply), else eager."""
        if self.world is not None:
            return functools.partial(
                data_parallel.train_step, self.world, self.seed, self.model, self.loss, self.optimizer
            )
        if self.compiled_step is None:
            return functools.partial(train_step, self.model, self.loss, self.optimizer)
        self.compiled_step.prepare()
        return self.compiled_step

    def evaluate(self, x: torch.Tensor, targets: torch.Tensor, labels: torch.Tensor) -> tuple[float, float]:
        """Loss and error rate of the model on one set, in evaluation mode (with a world: each rank scores a slice)."""
        if self.world is not None:
            return data_parallel.evaluate(self.world, self.model, self._tally, x, targets, labels)
        value, wrong = self._tally(x, targets, labels)
        return float(value), int(wrong) / x.shape[0]

    def _tally(self, x: torch.Tensor, targets: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The mean loss and the number of misclassified rows of some rows, in evaluation mode (the model's modes are
        restored)."""
        with self.model.evaluating():
            output = self.model.forward(x)
        return self.loss.forward(output, targets), (output.argmax(1) != labels).sum()

    def scores(self) -> dict[str, float]:
        """Loss and error of the model as it is now on both sets (what ``minidl evaluate`` prints)."""
        with self._watch:
            train_loss, train_error = self.evaluate(self.data.train_x, self._train_targets, self.data.train_y)
            test_loss, test_error = self.evaluate(self.data.test_x, self._test_targets, self.data.test_y)
        return {"train_loss": train_loss, "train_error": train_error, "test_loss": test_loss, "test_error": test_error}

    # -- checkpoints ---------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The training state beyond the weights: optimizer, scheduler, history and random generators."""
        state: dict[str, Any] = {
            "optimizer": self.optimizer.state_dict(),
            "scheduler": None if self.scheduler is None else self.scheduler.state_dict(),
            "history": [m.as_dict() for m in self.history],
            "rng": {"shuffle": self.generator.get_state(), "torch": torch.get_rng_state()},
        }
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from ``state_dict()``: the next epoch is exactly the one the saved run would have run."""
        self.optimizer.load_state_dict(state["optimizer"])
        if (state["scheduler"] is None) != (self.scheduler is None):
            raise ConfigError("Trainer.load_state_dict: the checkpoint's scheduler does not match this trainer's")
        if self.scheduler is not None:
            self.scheduler.load_state_dict(state["scheduler"])
        self.continue_after([EpochMetrics(**m) for m in state["history"]], state["rng"])

    def continue_after(self, history: list[EpochMetrics], rng: dict[str, torch.Tensor]) -> None:
        """Take up a run after ``history``, its random generators as they were then (``shuffle``, ``torch``).

        The optimizer and scheduler must already hold their state of that moment.
        """
        self.history = list(history)
        self.generator.set_state(rng["shuffle"])
        torch.set_rng_state(rng["torch"])
        self.diverged = None


def _targets(labels: torch.Tensor, loss: Loss, num_classes: int, dtype: torch.dtype) -> torch.Tensor:
    """Labels in the form the loss wants: indices, or one-hot rows for losses like MSE."""
    if loss.target_format == "index":
        return labels
    one_hot = torch.zeros(labels.shape[0], num_classes, dtype=dtype, device=labels.device)
    return one_hot.scatter_(1, labels.unsqueeze(1), 1.0)
