"""The report's task: points uniform in [0,1]^2, label 1 inside the disk at (0.5, 0.5) of area 1/2."""

from __future__ import annotations

import math
from typing import Annotated

import torch

from minidl.components.datasets.base import LABEL_NOISE, N_TEST, N_TRAIN, PooledDataset

RADIUS = 1.0 / math.sqrt(2.0 * math.pi)


class Circle(PooledDataset):
    """Two classes of equal expected size: the disk of radius ``1/sqrt(2*pi)`` has area exactly 1/2.

    With the defaults (no label noise) the points and labels are the report's, the same for a seed
    as before the pool and the noise existed.
    """

    def __init__(
        self,
        n_train: Annotated[int, N_TRAIN] = 1000,
        n_test: Annotated[int, N_TEST] = 1000,
        label_noise: Annotated[float, LABEL_NOISE] = 0.0,
    ) -> None:
        self.n_train = n_train
        self.n_test = n_test
        self.label_noise = label_noise

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.rand(n, 2, generator=generator)
        return x, ((x - 0.5).square().sum(1) < RADIUS**2).long()
