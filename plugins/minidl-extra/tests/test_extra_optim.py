"""AdamW and RMSprop follow torch.optim step for step (float64, 1e-10 over 60 steps) through minidl.testing."""

from __future__ import annotations

import pytest
import torch
from minidl_extra import AdamW, RMSprop

from minidl import ConfigError, Parameter
from minidl.testing import check_optimizer

ADAMW = [{}, {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.0}]
RMSPROP = [
    {},
    {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.05},
    {"lr": 0.005, "momentum": 0.9},
    {"lr": 0.005, "centered": True},
    {"lr": 0.002, "momentum": 0.5, "centered": True, "weight_decay": 0.01, "eps": 1e-4},
]


@pytest.mark.parametrize("config", ADAMW, ids=str)
def test_adamw_matches_torch(config):
    check_optimizer(AdamW, config, lambda params: torch.optim.AdamW(params, **config), steps=60)


@pytest.mark.parametrize("config", RMSPROP, ids=str)
def test_rmsprop_matches_torch(config):
    check_optimizer(RMSprop, config, lambda params: torch.optim.RMSprop(params, **config), steps=60)


def test_adamw_decay_is_decoupled_from_the_gradient():
    """With a zero gradient Adam's moments stay zero, so the only change is ``w * (1 - lr * weight_decay)``."""
    p = Parameter(torch.full((3,), 2.0, dtype=torch.float64))
    AdamW([p], lr=0.1, weight_decay=0.5).step()
    assert torch.equal(p.value, torch.full((3,), 2.0 * (1 - 0.1 * 0.5), dtype=torch.float64))


def test_rmsprop_allocates_only_the_buffers_its_options_use():
    optimizer = RMSprop([Parameter(torch.ones(2))])
    optimizer.step()
    assert optimizer.state["square_avg"] is not None
    assert optimizer.state["grad_avg"] is None and optimizer.state["momentum_buffer"] is None


def test_bad_optimizer_configuration_names_the_parameter():
    with pytest.raises(ConfigError, match=r"parameter 'betas': expected tuple\[float, float\] >= 0 and < 1"):
        AdamW([Parameter(torch.ones(1))], betas=(0.9, 1.0))
    with pytest.raises(ConfigError, match=r"parameter 'alpha'"):
        RMSprop([Parameter(torch.ones(1))], alpha=1.0)
