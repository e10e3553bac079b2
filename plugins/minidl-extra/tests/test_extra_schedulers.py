"""StepLR and CosineAnnealingLR give torch.optim.lr_scheduler's learning rates, epoch by epoch."""

from __future__ import annotations

import pytest
import torch
from minidl_extra import CosineAnnealingLR, StepLR

from minidl import SGD, ConfigError, Parameter
from minidl.testing import check_scheduler


@pytest.mark.parametrize(
    "config", [{"step_size": 1}, {"step_size": 3, "gamma": 0.5}, {"step_size": 7, "gamma": 0.9}], ids=str
)
def test_step_lr_matches_torch(config):
    check_scheduler(
        StepLR,
        config,
        lambda o: torch.optim.lr_scheduler.StepLR(o, **config),
        reference_optimizer=torch.optim.SGD,
        epochs=40,
    )


@pytest.mark.parametrize(
    "config", [{"T_max": 10}, {"T_max": 7, "eta_min": 0.01}, {"T_max": 1, "eta_min": 0.05}], ids=str
)
def test_cosine_annealing_matches_torch_including_after_t_max(config):
    check_scheduler(
        CosineAnnealingLR,
        config,
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, **config),
        reference_optimizer=torch.optim.SGD,
        epochs=3 * config["T_max"] + 5,
        atol=1e-10,
    )


def test_schedules_ignore_the_metric_and_reach_their_targets():
    step = StepLR(SGD([Parameter(torch.ones(1))], lr=1.0), step_size=2, gamma=0.5)
    cosine = CosineAnnealingLR(SGD([Parameter(torch.ones(1))], lr=1.0), T_max=4, eta_min=0.1)
    for metric in (5.0, -1.0, float("nan"), 0.0):
        step.step(metric)
        cosine.step(metric)
    assert step.optimizer.lr == 0.25
    assert cosine.optimizer.lr == pytest.approx(0.1, abs=1e-15)


def test_bad_scheduler_configuration_is_refused():
    optimizer = SGD([Parameter(torch.ones(1))], lr=0.1)
    with pytest.raises(ConfigError, match=r"parameter 'step_size': expected int >= 1"):
        StepLR(optimizer, step_size=0)
    with pytest.raises(ConfigError, match=r"parameter 'T_max'"):
        CosineAnnealingLR(optimizer, T_max=2.5)
