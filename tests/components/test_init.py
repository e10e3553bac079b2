"""Initializers: empirical mean and standard deviation match their formulas; the gain helper."""

from __future__ import annotations

import math

import pytest
import torch

import minidl

FAN_OUT, FAN_IN = 800, 600  # 480,000 samples: the sample std is within ~0.3 % of the truth


def weights_after(method: str, gain: float | None) -> tuple[torch.Tensor, torch.Tensor]:
    layer = minidl.Linear(FAN_IN, FAN_OUT).double()
    layer.init_parameters(method, gain)
    return layer.weight.value, layer.bias.value


def test_default_is_uniform_in_one_over_sqrt_fan_in() -> None:
    weight, bias = weights_after("default", None)
    bound = 1 / math.sqrt(FAN_IN)
    assert weight.abs().max() <= bound and bias.abs().max() <= bound
    assert abs(weight.mean()) < 0.01 * bound
    assert weight.std().item() == pytest.approx(bound / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize("activation", ["none", "tanh", "relu"])
def test_xavier_normal(activation: str) -> None:
    g = minidl.gain(activation)
    weight, bias = weights_after("xavier", g)
    std = g * math.sqrt(2 / (FAN_IN + FAN_OUT))
    assert abs(weight.mean()) < 0.01 * std
    assert weight.std().item() == pytest.approx(std, rel=0.01)
    assert torch.count_nonzero(bias) == 0


@pytest.mark.parametrize("activation", ["none", "tanh", "relu"])
def test_he_normal(activation: str) -> None:
    g = minidl.gain(activation)
    weight, bias = weights_after("he", g)
    std = g / math.sqrt(FAN_IN)
    assert abs(weight.mean()) < 0.01 * std
    assert weight.std().item() == pytest.approx(std, rel=0.01)
    assert torch.count_nonzero(bias) == 0


def test_gain_values() -> None:
    assert minidl.gain("none") == 1.0 == minidl.gain("linear")
    assert minidl.gain("tanh") == pytest.approx(5 / 3)
    assert minidl.gain("relu") == pytest.approx(math.sqrt(2))
    with pytest.raises(minidl.ConfigError, match="unknown activation 'swish'"):
        minidl.gain("swish")


def test_init_parameters_reaches_every_sub_module() -> None:
    model = minidl.Sequential(minidl.Linear(3, 4), minidl.ReLU(), minidl.Sequential(minidl.Linear(4, 5)))
    model.init_parameters("he", 2.0)
    assert all(torch.count_nonzero(p.value) == 0 for p in model.param() if p.value.dim() == 1)


def test_unknown_init_method_is_named() -> None:
    with pytest.raises(minidl.ConfigError, match=r"unknown init method 'glorot'.*default, xavier, he"):
        minidl.Linear(2, 2).init_parameters("glorot")
    with pytest.raises(minidl.ConfigError, match=r"'default' method takes no gain \(use 'xavier' or 'he'\)"):
        minidl.Linear(2, 2).init_parameters("default", 2.0)
    with pytest.raises(minidl.ConfigError, match="pass gain to the initializer object"):
        minidl.Linear(2, 2).init_parameters(minidl.HeNormal(), 2.0)
    with pytest.raises(minidl.ConfigError, match="expected an init method name or an initializer object, got int"):
        minidl.Linear(2, 2).init_parameters(3)


def test_init_parameters_remembers_the_initializer_on_every_module_it_reached() -> None:
    inner = minidl.Linear(4, 5)
    assert type(inner.initializer) is minidl.DefaultInit  # its constructor drew the default
    model = minidl.Sequential(minidl.Linear(3, 4), minidl.ReLU(), minidl.Sequential(inner))
    model.init_parameters("xavier", 2.0)
    assert all(type(m.initializer) is minidl.XavierNormal for m in model.modules())
    assert inner.initializer.get_config() == {"gain": 2.0}
    he = minidl.HeNormal()
    inner.init_parameters(he)
    assert inner.initializer is he and type(model[0].initializer) is minidl.XavierNormal
