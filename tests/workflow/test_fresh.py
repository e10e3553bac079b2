"""The error on fresh points: every point of every chunk counted, and a Wilson interval that covers."""

from __future__ import annotations

import math

import pytest
import torch

import minidl
from minidl.workflow.fresh import CHUNK, default_seed, fresh_error, wilson_interval


def test_wilson_interval_closed_forms() -> None:
    z = 1.959963984540054
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(z * z / (10 + z * z))  # no errors: the upper end is z²/(n + z²)
    low, high = wilson_interval(50, 100)
    assert (low + high) / 2 == pytest.approx(0.5) and high - low == pytest.approx(
        2 * z * math.sqrt(0.25 / 100 + z * z / 40_000) / (1 + z * z / 100)
    )
    low, high = wilson_interval(13_300, 1_000_000)
    assert low < 0.0133 < high and high - low == pytest.approx(2 * z * math.sqrt(0.0133 * 0.9867 / 1e6), rel=1e-3)
    with pytest.raises(minidl.ConfigError, match="0 <= errors <= points"):
        wilson_interval(3, 2)


def test_wilson_interval_covers_the_true_rate_95_percent_of_the_time() -> None:
    """4,000 seeded binomial draws at p = 1 %, n = 1,000 (the circle's regime): coverage within 4 standard errors."""
    generator = torch.Generator().manual_seed(0)
    p, n, draws = 0.01, 1000, 4000
    errors = torch.binomial(torch.full((draws,), float(n)), torch.full((draws,), p), generator=generator)
    covered = sum(low <= p <= high for low, high in (wilson_interval(int(k), n) for k in errors))
    assert abs(covered / draws - 0.95) < 4 * math.sqrt(0.95 * 0.05 / draws)


def test_fresh_error_counts_every_point_across_chunks() -> None:
    model = minidl.Sequential(minidl.Linear(2, 4), minidl.Tanh(), minidl.Linear(4, 2)).train()
    circle = minidl.Circle()
    points = CHUNK + 5
    result = fresh_error(model, circle, points, seed=9)
    generator = torch.Generator().manual_seed(9)
    draws = [circle.sample(CHUNK, generator), circle.sample(5, generator)]
    expected = sum(int((model(x).argmax(1) != y).sum()) for x, y in draws)
    assert (result.errors, result.points, result.seed) == (expected, points, 9)
    assert model.training  # the mode it had
    assert fresh_error(model, circle, points, seed=10).errors != expected  # another seed, other points


def test_fresh_error_needs_a_data_set_that_can_draw() -> None:
    class Fixed(minidl.Dataset):
        """A data set read from somewhere: no distribution to draw from."""

    model = minidl.Sequential(minidl.Linear(2, 2))
    with pytest.raises(minidl.ConfigError, match=r"data set Fixed cannot draw fresh points \(only a minidl.Sampled"):
        fresh_error(model, Fixed(), 10, seed=0)


def test_the_default_seed_draws_other_points_than_the_training_seed() -> None:
    """torch's CPU generator keeps a seed's low 32 bits: the default must change them."""
    assert default_seed(0) == 2**31 and default_seed(2**31 + 5) == 5 and default_seed(2**32 + 7) == 2**31 + 7
    circle = minidl.Circle()
    for seed in (0, 7, 2**32 + 7, 2**63 - 1):
        training = circle.sample(100, torch.Generator().manual_seed(seed))[0]
        fresh = circle.sample(100, torch.Generator().manual_seed(default_seed(seed)))[0]
        assert not torch.equal(training, fresh), seed
