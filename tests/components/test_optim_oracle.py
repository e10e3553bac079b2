"""SGD and Adam parameter trajectories equal torch.optim's to 1e-10 over 60 steps (float64), through minidl.testing.

The kit's check also halves the learning rate half way and continues a copy restored from ``state_dict``.
"""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.testing import check_optimizer

SGD_CASES = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, dampening=0.3),
    dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
    dict(lr=0.05, momentum=0.9, weight_decay=1e-2, nesterov=True),
    dict(lr=0.1, weight_decay=0.1),
]


@pytest.mark.parametrize("config", SGD_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_sgd(config: dict) -> None:
    check_optimizer(minidl.SGD, config, lambda p: torch.optim.SGD(p, **config), steps=60)


ADAM_CASES = [
    dict(lr=1e-3),
    dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=1e-2, weight_decay=1e-2),
    dict(lr=5e-3, betas=(0.0, 0.5), weight_decay=0.1),
]


@pytest.mark.parametrize("config", ADAM_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_adam(config: dict) -> None:
    check_optimizer(minidl.Adam, config, lambda p: torch.optim.Adam(p, **config), steps=60)


def test_lr_is_live_configuration_changed_by_set_config() -> None:
    opt = minidl.SGD([minidl.Parameter(torch.zeros(2))], lr=0.1)
    assert opt.lr == 0.1
    opt.set_config(lr=0.5)
    assert opt.lr == 0.5 and opt.get_config()["lr"] == 0.5 and repr(opt).startswith("SGD(lr=0.5,")
    with pytest.raises(minidl.ConfigError, match=r"^SGD: parameter 'lr': expected float >= 0, got -1.0"):
        opt.set_config(lr=-1.0)
    assert opt.lr == 0.5
    opt.lr = -1.0  # a plain assignment is the object's value too: refused where it would be saved
    with pytest.raises(minidl.ConfigError, match=r"^SGD\.lr: expected float >= 0, got -1.0"):
        opt.state_dict()
    with pytest.raises(minidl.ConfigError, match=r"SGD: parameter 'lr'.*>= 0"):
        minidl.SGD([minidl.Parameter(torch.zeros(2))], lr=-0.1)
    with pytest.raises(minidl.ConfigError, match=r"Adam: parameter 'betas'"):
        minidl.Adam([minidl.Parameter(torch.zeros(2))], betas=(0.9, 1.5))
