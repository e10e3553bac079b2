"""``StepLR``: multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

from __future__ import annotations

from typing import Annotated

from minidl.plugin import Optimizer, Param
from minidl_extra.schedulers.closed_form import ClosedFormScheduler


class StepLR(ClosedFormScheduler):
    """``lr = base_lr * gamma ** (epoch // step_size)`` (PyTorch's closed form)."""

    def __init__(
        self,
        optimizer: Optimizer,
        step_size: Annotated[int, Param(ge=1, help="epochs between two reductions")] = 30,
        gamma: Annotated[float, Param(gt=0.0, help="multiplier of the learning rate at each reduction")] = 0.1,
    ) -> None:
        super().__init__(optimizer)
        self.step_size = step_size
        self.gamma = gamma

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)
