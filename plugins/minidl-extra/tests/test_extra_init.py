"""Orthogonal and Xavier-uniform initialisation: the same draws as torch.nn.init, and the promised properties."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_extra import Orthogonal, XavierUniform

from minidl import ConfigError, Linear
from minidl.testing import check_initializer


@pytest.mark.parametrize("gain", [1.0, 5.0 / 3.0])
def test_initializers_pass_the_kit(gain):
    """In-place fills of many shapes (convolution-like ones too), seeded draws, torch's statistics."""
    check_initializer(
        Orthogonal, {"gain": gain}, reference=lambda w: torch.nn.init.orthogonal_(w, gain), zero_bias=True
    )
    check_initializer(
        XavierUniform,
        {"gain": gain},
        reference=lambda w: torch.nn.init.xavier_uniform_(w, gain),
        bound=lambda fan_in, fan_out: gain * math.sqrt(6.0 / (fan_in + fan_out)),
        zero_bias=True,
    )


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 6)], ids=str)
@pytest.mark.parametrize("gain", [1.0, 5.0 / 3.0])
def test_orthogonal_is_torchs_draw_and_orthogonal_times_gain(shape, gain):
    ours, theirs = torch.empty(shape, dtype=torch.float64), torch.empty(shape, dtype=torch.float64)
    bias = torch.ones(shape[0], dtype=torch.float64)
    torch.manual_seed(7)
    Orthogonal(gain=gain).fill(ours, bias)
    torch.manual_seed(7)
    torch.nn.init.orthogonal_(theirs, gain=gain)
    torch.testing.assert_close(ours, theirs, atol=1e-12, rtol=0)
    rows, cols = shape
    gram = ours @ ours.t() if rows <= cols else ours.t() @ ours  # the smaller side is orthonormal
    torch.testing.assert_close(gram, gain**2 * torch.eye(min(rows, cols), dtype=torch.float64), atol=1e-12, rtol=0)
    assert torch.equal(bias, torch.zeros_like(bias))


@pytest.mark.parametrize("gain", [1.0, math.sqrt(2.0)])
def test_xavier_uniform_is_torchs_draw_with_the_right_bounds_and_spread(gain):
    fan_out, fan_in = 300, 200
    ours, theirs = torch.empty(fan_out, fan_in, dtype=torch.float64), torch.empty(fan_out, fan_in, dtype=torch.float64)
    torch.manual_seed(3)
    XavierUniform(gain=gain).fill(ours, None)
    torch.manual_seed(3)
    torch.nn.init.xavier_uniform_(theirs, gain=gain)
    assert torch.equal(ours, theirs)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    assert float(ours.abs().max()) <= bound and float(ours.abs().max()) > 0.99 * bound
    assert float(ours.std()) == pytest.approx(gain * math.sqrt(2.0 / (fan_in + fan_out)), rel=0.02)
    assert abs(float(ours.mean())) < 0.01 * bound


def test_initializers_drive_a_layer_and_refuse_a_bad_gain():
    layer = Linear(6, 4).init_parameters(Orthogonal(gain=2.0))
    torch.testing.assert_close(layer.weight.value @ layer.weight.value.t(), 4.0 * torch.eye(4), atol=1e-5, rtol=0)
    assert torch.equal(layer.bias.value, torch.zeros(4))
    with pytest.raises(ConfigError, match=r"parameter 'gain': expected float > 0"):
        XavierUniform(gain=0.0)
