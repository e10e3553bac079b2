"""minidl-extra's layers against their torch.nn counterparts (float64, 1e-10) through minidl.testing."""

from __future__ import annotations

import pytest
import torch
from minidl_extra import ELU, GELU, BatchNorm1d, LeakyReLU, Sigmoid, SiLU

from minidl import ConfigError, ShapeError
from minidl.testing import check_against_reference, check_module

ACTIVATIONS = [
    pytest.param(LeakyReLU, {"negative_slope": 0.2}, lambda: torch.nn.LeakyReLU(0.2), id="LeakyReLU-0.2"),
    pytest.param(LeakyReLU, {}, torch.nn.LeakyReLU, id="LeakyReLU"),
    pytest.param(Sigmoid, {}, torch.nn.Sigmoid, id="Sigmoid"),
    pytest.param(GELU, {}, torch.nn.GELU, id="GELU"),
    pytest.param(SiLU, {}, torch.nn.SiLU, id="SiLU"),
    pytest.param(ELU, {"alpha": 0.7}, lambda: torch.nn.ELU(0.7), id="ELU-0.7"),
    pytest.param(ELU, {}, torch.nn.ELU, id="ELU"),
]
SHAPES = [(1, 3), (5, 4), (2, 3, 4)]  # batch of one; a plain batch; more than two dimensions


@pytest.mark.parametrize(("cls", "config", "reference"), ACTIVATIONS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
def test_activation_conforms_and_matches_torch(cls, config, reference, shape):
    check_module(cls, config, input_shape=shape, reference=reference)


@pytest.mark.parametrize(("cls", "config", "reference"), ACTIVATIONS)
def test_activation_derivative_at_zero_is_torchs(cls, config, reference):
    """At the kink (x = 0) the subgradient chosen must be PyTorch's, not just any."""
    x = torch.tensor([[-1.0, 0.0, 2.0]], dtype=torch.float64)
    check_against_reference(cls(**config).double(), reference().double(), x)


@pytest.mark.parametrize(("batch", "features", "momentum"), [(2, 1, 0.1), (5, 3, 0.3), (6, 4, 1.0), (3, 5, 0.0)])
def test_batchnorm_conforms_and_matches_torch_in_train_and_eval(batch, features, momentum):
    check_module(
        BatchNorm1d,
        {"num_features": features, "momentum": momentum, "eps": 1e-3},
        input_shape=(batch, features),
        reference=lambda: torch.nn.BatchNorm1d(features, eps=1e-3, momentum=momentum),
    )


def test_batchnorm_running_statistics_follow_torch_over_many_batches():
    generator = torch.Generator().manual_seed(0)
    ours, theirs = BatchNorm1d(4, momentum=0.2).double(), torch.nn.BatchNorm1d(4, momentum=0.2).double()
    for _ in range(20):
        x = torch.randn(8, 4, generator=generator, dtype=torch.float64) * 3.0 + 1.5
        with torch.no_grad():
            ours.forward(x)
            theirs(x)
    torch.testing.assert_close(ours.running_mean, theirs.running_mean, atol=1e-12, rtol=0)
    torch.testing.assert_close(ours.running_var, theirs.running_var, atol=1e-12, rtol=0)
    assert not torch.allclose(ours.running_mean, torch.zeros(4, dtype=torch.float64))
    x = torch.randn(1, 4, generator=generator, dtype=torch.float64)
    ours.eval()
    theirs.eval()
    check_against_reference(ours, theirs, x)  # batch of one in eval mode: running statistics only


def test_batchnorm_eval_output_of_a_point_does_not_depend_on_its_batch():
    layer = BatchNorm1d(3).double()
    with torch.no_grad():
        layer.forward(torch.randn(10, 3, dtype=torch.float64))
        layer.eval()
        batch = torch.randn(6, 3, dtype=torch.float64)
        assert torch.equal(layer.forward(batch)[:1], layer.forward(batch[:1]))


def test_batchnorm_buffers_are_moved_and_listed():
    layer = BatchNorm1d(3)
    assert [name for name, _ in layer.named_buffers()] == ["running_mean", "running_var"]
    layer.double()
    assert layer.running_mean.dtype == layer.running_var.dtype == layer.weight.value.dtype == torch.float64
    assert [p.value.shape for p in layer.param()] == [(3,), (3,)]


def test_batchnorm_reset_restores_identity_and_fresh_statistics():
    layer = BatchNorm1d(2)
    with torch.no_grad():
        layer.forward(torch.randn(4, 2) + 3.0)
        layer.weight.value.fill_(2.0)
    layer.init_parameters("xavier")  # a weight-matrix initializer must not touch BatchNorm's vectors
    assert torch.equal(layer.weight.value, torch.ones(2)) and torch.equal(layer.bias.value, torch.zeros(2))
    assert torch.equal(layer.running_mean, torch.zeros(2)) and torch.equal(layer.running_var, torch.ones(2))


def test_batchnorm_rejects_what_it_cannot_normalise():
    with pytest.raises(ShapeError, match="at least 2 points"):
        BatchNorm1d(3).forward(torch.randn(1, 3))
    with pytest.raises(ShapeError, match=r"expected input of shape \(batch, 3\), got \(4, 2\)"):
        BatchNorm1d(3).forward(torch.randn(4, 2))


@pytest.mark.parametrize(
    ("cls", "config", "message"),
    [
        (BatchNorm1d, {"num_features": 3, "eps": 0.0}, r"parameter 'eps': expected float > 0"),
        (BatchNorm1d, {"num_features": 3, "momentum": 1.5}, r"parameter 'momentum': expected float >= 0 and <= 1"),
        (BatchNorm1d, {"num_features": 0}, r"parameter 'num_features': expected int >= 1"),
        (LeakyReLU, {"negative_slope": -0.1}, r"parameter 'negative_slope': expected float >= 0 and < 1"),
        (LeakyReLU, {"negative_slope": "small"}, r"parameter 'negative_slope': expected float"),
        (ELU, {"alpha": -1.0}, r"parameter 'alpha': expected float >= 0"),
    ],
)
def test_bad_configuration_is_refused_by_the_declared_bounds(cls, config, message):
    with pytest.raises(ConfigError, match=message):
        cls(**config)


def test_layers_work_with_autograd_off_and_in_float32():
    with torch.set_grad_enabled(False):
        for layer in (BatchNorm1d(3), LeakyReLU(), Sigmoid(), GELU(), SiLU(), ELU()):
            out = layer.forward(torch.randn(4, 3))
            grad = layer.backward(torch.ones_like(out))
            assert out.dtype == grad.dtype == torch.float32 and not out.requires_grad
