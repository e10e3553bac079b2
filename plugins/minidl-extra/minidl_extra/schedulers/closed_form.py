"""Schedules that are a function of the epoch: the learning rate after ``t`` steps is ``lr_at(t)``.

Computing the rate from the epoch (PyTorch's closed form) rather than by repeated multiplication
keeps a resumed run exactly on the schedule: the checkpointed state is ``base_lr`` and ``last_epoch``.
"""

from __future__ import annotations

from minidl.plugin import Optimizer, Scheduler


class ClosedFormScheduler(Scheduler):
    """Base class: subclasses write ``lr_at(epoch)``; ``step(metric)`` ignores the metric."""

    state_keys = ("base_lr", "last_epoch")

    def __init__(self, optimizer: Optimizer) -> None:
        super().__init__(optimizer)
        self.base_lr = optimizer.lr
        self.last_epoch = 0

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError

    def step(self, metric: float | None = None) -> None:
        """Advance one epoch and set the optimizer's learning rate; ``metric`` is accepted and ignored."""
        self.last_epoch += 1
        self.optimizer.set_config(lr=self.lr_at(self.last_epoch))
