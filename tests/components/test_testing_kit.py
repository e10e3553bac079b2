"""The conformance kit (minidl.testing) passes minidl's own components and catches broken ones."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.core.module import require_forward
from minidl.testing import (
    check_call_order,
    check_finite_differences,
    check_grad_accumulation,
    check_module,
    check_optimizer,
    check_scheduler,
    check_train_eval,
)


@pytest.mark.parametrize(
    ("cls", "config", "reference", "modes"),
    [
        (minidl.Linear, {"in_features": 3, "out_features": 2}, lambda: torch.nn.Linear(3, 2), ("train", "eval")),
        (
            minidl.Linear,
            {"in_features": 3, "out_features": 2, "bias": False},
            lambda: torch.nn.Linear(3, 2, bias=False),
            ("train", "eval"),
        ),
        (minidl.ReLU, {}, torch.nn.ReLU, ("train", "eval")),
        (minidl.Tanh, {}, torch.nn.Tanh, ("train", "eval")),
        (minidl.Dropout, {"p": 0.3}, lambda: torch.nn.Dropout(0.3), ("eval",)),  # torch draws other masks in training
    ],
    ids=["Linear", "Linear-nobias", "ReLU", "Tanh", "Dropout"],
)
def test_builtin_modules_conform(cls, config, reference, modes):
    check_module(cls, config, input_shape=(4, 3), reference=reference, reference_modes=modes)


def test_sequential_of_builtins_conforms_against_torch_sequential():
    """Dotted names (``0.weight``) map a Sequential's parameters onto torch.nn.Sequential's."""
    x = torch.randn(5, 3, dtype=torch.float64)
    model = minidl.Sequential(minidl.Linear(3, 4), minidl.Tanh(), minidl.Linear(4, 2)).double()
    reference = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).double()
    check_finite_differences(model, x)
    minidl.testing.check_against_reference(model, reference, x)


def test_kit_leaves_the_callers_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_module(minidl.Tanh, input_shape=(2, 2))
    assert torch.equal(torch.rand(3), expected)


class WrongTanh(minidl.Tanh):
    """Forgets the square in ``1 - tanh(x)^2``."""

    def derivative(self, x, out):
        return 1 - out


class LinearWithoutBiasGradient(minidl.Linear):
    """Computes the input gradient right but never accumulates the bias gradient."""

    def backward(self, grad_output):
        require_forward(self, self._input)
        self.weight.grad.addmm_(grad_output.t(), self._input)
        return grad_output.mm(self.weight.value)


class OverwritingLinear(minidl.Linear):
    """Assigns the weight gradient instead of accumulating it."""

    def backward(self, grad_output):
        self.weight.grad.copy_(grad_output.t().mm(self._input))
        self.bias.grad.add_(grad_output.sum(0))
        return grad_output.mm(self.weight.value)


class NoisyEvalDropout(minidl.Dropout):
    """Keeps dropping in evaluation mode."""

    def forward(self, x):
        self._mask = mask = torch.empty_like(x).bernoulli_(1.0 - self.p).div_(1.0 - self.p)
        return x * mask


class UnguardedTanh(minidl.Tanh):
    """Fails with a TypeError instead of CallOrderError when backward comes first."""

    def backward(self, grad_output):
        return grad_output * (1 - self._output * self._output)


def test_kit_catches_a_wrong_derivative_by_finite_differences():
    with pytest.raises(AssertionError, match=r"WrongTanh \(train mode\): input gradient vs finite differences"):
        check_module(WrongTanh, input_shape=(4, 3))


def test_kit_catches_a_wrong_derivative_against_the_reference():
    module = WrongTanh().double()
    with pytest.raises(AssertionError, match="input gradient"):
        minidl.testing.check_against_reference(module, torch.nn.Tanh(), torch.randn(4, 3, dtype=torch.float64))


def test_kit_catches_a_missing_parameter_gradient():
    with pytest.raises(AssertionError, match="gradient of parameter 'bias' vs finite differences"):
        check_module(LinearWithoutBiasGradient, {"in_features": 3, "out_features": 2}, input_shape=(4, 3))


def test_kit_catches_gradients_that_do_not_accumulate():
    module = OverwritingLinear(3, 2).double()
    with pytest.raises(AssertionError, match="must accumulate"):
        check_grad_accumulation(module, torch.randn(4, 3, dtype=torch.float64))


def test_kit_catches_randomness_in_eval_mode():
    with pytest.raises(AssertionError, match="eval mode gave different outputs"):
        check_train_eval(NoisyEvalDropout(0.5), torch.randn(4, 3))


def test_kit_catches_backward_before_forward_without_call_order_error():
    with pytest.raises(AssertionError, match=r"expected minidl\.CallOrderError"):
        check_call_order(UnguardedTanh, {}, (4, 3))


def test_optimizer_trajectories_match_torch():
    check_optimizer(
        minidl.Adam, {"lr": 0.05, "weight_decay": 0.1}, lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=0.1)
    )
    check_optimizer(
        minidl.SGD,
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    )


def test_optimizer_check_catches_a_different_rule():
    """Adam's first step is about ``-lr * sign(g)`` whatever beta1 is; a different beta1 shows from step 2."""
    with pytest.raises(AssertionError, match=r"Adam: parameter 0 after step 2 vs Adam"):
        check_optimizer(minidl.Adam, {"lr": 0.05}, lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.999)))


def test_scheduler_learning_rates_match_torch():
    config = {"patience": 2, "factor": 0.5, "cooldown": 1}
    check_scheduler(
        minidl.ReduceLROnPlateau,
        config,
        lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, **config),
        reference_optimizer=torch.optim.SGD,
    )


def test_scheduler_check_catches_a_different_schedule():
    with pytest.raises(AssertionError, match="learning rate after"):
        check_scheduler(
            minidl.ReduceLROnPlateau,
            {"patience": 2, "factor": 0.5},
            lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, patience=3, factor=0.5),
            reference_optimizer=torch.optim.SGD,
        )
