"""Initializers: their draws against torch.nn.init's and their formulas (through minidl.testing); the gain helper."""

from __future__ import annotations

import math

import pytest
import torch

import minidl
from minidl.testing import check_initializer


def test_default_is_torchs_linear_init() -> None:
    """nn.Linear's kaiming_uniform_(a=sqrt 5): uniform in +-1/sqrt(fan_in), the bias too."""
    check_initializer(
        minidl.DefaultInit,
        reference=lambda w: torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5)),
        std=lambda fan_in, fan_out: 1 / math.sqrt(3 * fan_in),
        bound=lambda fan_in, fan_out: 1 / math.sqrt(fan_in),
    )


@pytest.mark.parametrize("activation", ["none", "tanh", "relu"])
def test_xavier_normal(activation: str) -> None:
    g = minidl.gain(activation)
    check_initializer(
        minidl.XavierNormal,
        {"gain": g},
        reference=lambda w: torch.nn.init.xavier_normal_(w, gain=g),
        std=lambda fan_in, fan_out: g * math.sqrt(2 / (fan_in + fan_out)),
        zero_bias=True,
    )


@pytest.mark.parametrize("activation", ["none", "tanh", "relu"])
def test_he_normal(activation: str) -> None:
    g = minidl.gain(activation)
    nonlinearity = "linear" if activation == "none" else activation  # torch's calculate_gain has the same three
    check_initializer(
        minidl.HeNormal,
        {"gain": g},
        reference=lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity=nonlinearity),
        std=lambda fan_in, fan_out: g / math.sqrt(fan_in),
        zero_bias=True,
    )


def test_a_vector_is_refused_with_a_clear_message() -> None:
    """A module must not hand a 1-D parameter to an initializer; if one does, the message says what to do."""
    for cls in minidl.DefaultInit, minidl.XavierNormal, minidl.HeNormal:
        with pytest.raises(minidl.ShapeError, match=r"got shape \(4,\): a module sets vectors such as a norm's"):
            cls().fill(torch.empty(4), None)


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
