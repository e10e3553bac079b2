"""ReduceLROnPlateau's learning-rate sequence equals PyTorch's on scripted metric sequences (through minidl.testing).

The kit's check also continues a copy restored from the scheduler's and optimizer's ``state_dict`` half way.
"""

from __future__ import annotations

import math

import pytest
import torch

import minidl
from minidl.testing import check_scheduler

METRICS = {
    "falling-then-flat": [1.0 - 0.05 * i for i in range(10)] + [0.5] * 30 + [0.49995] * 10 + [0.3] * 20,
    "noisy": [1.0 + 0.1 * math.sin(3.7 * i) - 0.004 * i for i in range(80)],
    "rising": [0.1 * i for i in range(60)],
    "tiny-abs-steps": [1.0 - 0.00005 * i for i in range(60)],
}

CONFIGS = [
    dict(),
    dict(mode="min", factor=0.5, patience=3),
    dict(mode="min", factor=0.5, patience=2, threshold=0.01, threshold_mode="abs"),
    dict(mode="min", factor=0.3, patience=1, cooldown=3),
    dict(mode="min", factor=0.1, patience=0, min_lr=1e-3),
    dict(mode="max", factor=0.5, patience=2),
    dict(mode="max", factor=0.5, patience=2, threshold=0.05, threshold_mode="abs", cooldown=2, min_lr=0.01),
    dict(mode="min", factor=0.9, patience=1, eps=0.01),
]


@pytest.mark.parametrize("metrics", list(METRICS), ids=list(METRICS))
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()) or "defaults")
def test_lr_sequence_matches_torch(metrics: str, config: dict) -> None:
    check_scheduler(
        minidl.ReduceLROnPlateau,
        config,
        lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, **config),
        reference_optimizer=torch.optim.SGD,
        metrics=METRICS[metrics],
        epochs=len(METRICS[metrics]),
    )


def test_bad_configuration_is_named() -> None:
    opt = minidl.SGD([minidl.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(minidl.ConfigError, match=r"ReduceLROnPlateau: parameter 'mode': expected one of 'min', 'max'"):
        minidl.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(minidl.ConfigError, match=r"'factor'.*> 0 and < 1"):
        minidl.ReduceLROnPlateau(opt, factor=1.0)
