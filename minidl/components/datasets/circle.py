"""The report's task: points uniform in [0,1]^2, label 1 inside the disk at (0.5, 0.5) of area 1/2."""

from __future__ import annotations

import math
from typing import Annotated

import torch

from minidl.components.datasets.base import SampledDataset
from minidl.core.config import Param

RADIUS = 1.0 / math.sqrt(2.0 * math.pi)


class Circle(SampledDataset):
    """Two classes of equal expected size: the disk of radius ``1/sqrt(2*pi)`` has area exactly 1/2."""

    def __init__(
        self,
        n_train: Annotated[int, Param(ge=1, le=10_000_000, help="number of training points")] = 1000,
        n_test: Annotated[int, Param(ge=1, le=10_000_000, help="number of test points")] = 1000,
    ) -> None:
        self.n_train = n_train
        self.n_test = n_test

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.rand(n, 2, generator=generator)
        return x, ((x - 0.5).square().sum(1) < RADIUS**2).long()
