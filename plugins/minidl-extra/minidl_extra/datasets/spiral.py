"""Two interleaved spirals: a classic task a linear model cannot solve and a small network can."""

from __future__ import annotations

import math
from typing import Annotated

import torch

from minidl.plugin import Param, SampledDataset


class Spiral(SampledDataset):
    """Class ``c`` lies on the arm ``r * (cos(theta + c*pi), sin(theta + c*pi))`` with ``theta = 2*pi*turns*r``.

    ``r`` is uniform in [0, 1].

    Gaussian ``noise`` (standard deviation) is added to the points after labelling.
    """

    def __init__(
        self,
        n_train: Annotated[int, Param(ge=1, le=10_000_000, help="number of training points")] = 1000,
        n_test: Annotated[int, Param(ge=1, le=10_000_000, help="number of test points")] = 1000,
        noise: Annotated[
            float, Param(ge=0.0, le=10.0, help="standard deviation of the Gaussian noise added to the points")
        ] = 0.05,
        turns: Annotated[float, Param(gt=0.0, le=10.0, help="how many times each arm winds around the centre")] = 1.0,
    ) -> None:
        self.n_train = n_train
        self.n_test = n_test
        self.noise = noise
        self.turns = turns

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        labels = torch.randint(0, 2, (n,), generator=generator)
        radius = torch.rand(n, generator=generator)
        angle = radius * (2.0 * math.pi * self.turns) + labels * math.pi
        points = torch.stack((radius * angle.cos(), radius * angle.sin()), dim=1)
        points += self.noise * torch.randn(n, 2, generator=generator)
        return points, labels
