"""The report's task: points uniform in [0,1]^2, label 1 inside the disk at (0.5, 0.5) of area 1/2."""

from __future__ import annotations

import math
from typing import Annotated

import torch

from minidl.core.config import Param
from minidl.components.datasets.base import DataSplit, Dataset

RADIUS = 1.0 / math.sqrt(2.0 * math.pi)


class Circle(Dataset):
    """Two classes of equal expected size: the disk of radius ``1/sqrt(2*pi)`` has area exactly 1/2."""

    def __init__(
        self,
        n_train: Annotated[int, Param(ge=1, le=10_000_000, help="number of training points")] = 1000,
        n_test: Annotated[int, Param(ge=1, le=10_000_000, help="number of test points")] = 1000,
    ) -> None:
        self.n_train = n_train
        self.n_test = n_test

    def load(self, seed: int) -> DataSplit:
        generator = torch.Generator().manual_seed(seed)
        train_x, test_x = (torch.rand(n, 2, generator=generator) for n in (self.n_train, self.n_test))
        return DataSplit(train_x, self.label(train_x), test_x, self.label(test_x), num_classes=2)

    @staticmethod
    def label(x: torch.Tensor) -> torch.Tensor:
        """1 inside the disk, 0 outside."""
        return ((x - 0.5).square().sum(1) < RADIUS**2).long()
