"""The XOR task: the label says whether the two coordinates have different signs (not linearly separable)."""

from __future__ import annotations

from typing import Annotated

import torch

from minidl.plugin import Param, SampledDataset


class Xor(SampledDataset):
    """Points uniform in ``[-1, 1]^2``; label 1 where ``x0 * x1 < 0``; Gaussian ``noise`` added after labelling."""

    def __init__(
        self,
        n_train: Annotated[int, Param(ge=1, le=10_000_000, help="number of training points")] = 1000,
        n_test: Annotated[int, Param(ge=1, le=10_000_000, help="number of test points")] = 1000,
        noise: Annotated[
            float, Param(ge=0.0, le=10.0, help="standard deviation of the Gaussian noise added to the points")
        ] = 0.05,
    ) -> None:
        self.n_train = n_train
        self.n_test = n_test
        self.noise = noise

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        clean = torch.rand(n, 2, generator=generator) * 2.0 - 1.0
        labels = (clean[:, 0] * clean[:, 1] < 0).long()
        return clean + self.noise * torch.randn(n, 2, generator=generator), labels
