"""``CosineAnnealingLR``: half a cosine wave from the base learning rate down to ``eta_min`` over ``T_max`` epochs."""

from __future__ import annotations

import math
from typing import Annotated

from minidl.plugin import Optimizer, Param
from minidl_extra.schedulers.closed_form import ClosedFormScheduler


class CosineAnnealingLR(ClosedFormScheduler):
    """``lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``.

    PyTorch's closed form: after ``T_max`` epochs the rate climbs back."""

    def __init__(
        self,
        optimizer: Optimizer,
        T_max: Annotated[int, Param(ge=1, help="epochs from the base rate down to eta_min")] = 100,
        eta_min: Annotated[float, Param(ge=0.0, help="lowest learning rate")] = 0.0,
    ) -> None:
        super().__init__(optimizer)
        self.T_max = T_max
        self.eta_min = eta_min

    def lr_at(self, epoch: int) -> float:
        return self.eta_min + (self.base_lr - self.eta_min) * (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
