"""A model's true error: its error rate on fresh points from its data set's distribution, with a 95 % interval.

A fixed test set of 1,000 points measures an error near 1 % with a standard error of about 0.3 points,
so one lucky or unlucky test set says little; many fresh points drawn from the same distribution
measure the error the model really has. Only data sets that can draw points (``SampledDataset``) can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from minidl.components.datasets.base import Dataset, SampledDataset
from minidl.core.errors import ConfigError
from minidl.core.module import Module

Z95 = 1.959963984540054
"""The standard normal quantile of 0.975: a two-sided 95 % interval."""

CHUNK = 65536
"""Points are drawn and classified this many at a time, so a million cost a few MB, not a few hundred."""

SEED_OFFSET = 2**31
"""The default fresh seed is the training seed plus this, modulo 2**32: never the train and test sets' stream.

torch's CPU generator keeps only a seed's low 32 bits (seeds 7 and 7 + 2**32 draw the same points), so
the offset must change those bits.
"""


@dataclass(frozen=True)
class FreshError:
    """``errors`` misclassified among ``points`` fresh points drawn from a generator seeded with ``seed``."""

    errors: int
    points: int
    seed: int

    @property
    def rate(self) -> float:
        return self.errors / self.points

    def interval(self, z: float = Z95) -> tuple[float, float]:
        """The Wilson score interval (95 % by default): sound near 0 errors, where rate ± z·se is not."""
        return wilson_interval(self.errors, self.points, z)


def wilson_interval(errors: int, points: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's interval for a binomial proportion: ``(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)``."""
    if points < 1 or not 0 <= errors <= points:
        raise ConfigError(f"wilson_interval: expected 0 <= errors <= points and points >= 1, got {errors}/{points}")
    p, n, z2 = errors / points, points, z * z
    centre = p + z2 / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    scale = 1 + z2 / n
    return max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale)


def fresh_error(model: Module, dataset: Dataset, points: int, seed: int) -> FreshError:
    """Classify ``points`` fresh points drawn from ``dataset`` (seeded by ``seed``) in evaluation mode; count errors."""
    if not isinstance(dataset, SampledDataset):
        raise ConfigError(
            f"data set {type(dataset).__name__} cannot draw fresh points (only a minidl.SampledDataset, "
            "with a sample(n, generator) method, can)"
        )
    if points < 1:
        raise ConfigError(f"fresh points: expected at least 1, got {points}")
    generator = torch.Generator().manual_seed(seed)
    dtype, device = model.placement()
    errors = 0
    with model.evaluating():
        for start in range(0, points, CHUNK):
            x, y = dataset.sample(min(CHUNK, points - start), generator)
            output = model.forward(x.to(dtype=dtype, device=device))
            errors += int((output.argmax(1) != y.to(device)).sum())
    return FreshError(errors, points, seed)


def default_seed(training_seed: int) -> int:
    """The fresh draw's seed when none is given: a stream that is not the train and test sets' own."""
    return (training_seed + SEED_OFFSET) % 2**32
