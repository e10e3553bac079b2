"""The conformance kit (minidl.testing) passes minidl's own components and catches broken ones."""

from __future__ import annotations

import math
import re

import pytest
import torch

import minidl
from minidl.plugin import (
    Dataset,
    DataSplit,
    Elementwise,
    Initializer,
    Loss,
    Module,
    Parameter,
    ShapeError,
    fans,
    require_forward,
)
from minidl.testing import (
    check_call_order,
    check_config_roundtrip,
    check_dataset,
    check_finite_differences,
    check_grad_accumulation,
    check_initializer,
    check_loss,
    check_module,
    check_optimizer,
    check_reset_parameters,
    check_scheduler,
    check_train_eval,
    check_wrong_inputs,
)


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


def test_optimizer_check_catches_a_different_rule():
    """Adam's first step is about ``-lr * sign(g)`` whatever beta1 is; a different beta1 shows from step 2."""
    with pytest.raises(AssertionError, match=r"Adam: parameter 0 after step 2 vs Adam"):
        check_optimizer(minidl.Adam, {"lr": 0.05}, lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.8, 0.999)))


class ReplacingSGD(minidl.SGD):
    """Plain SGD that assigns new tensors: eagerly the same numbers, but nothing else holding the tensor sees them."""

    def step(self):
        for p in self.params:
            p.value = p.value - self.lr * p.grad


class NewListSGD(minidl.SGD):
    """Plain SGD that rebuilds its parameter list: the model it was given never changes again."""

    def step(self):
        self.params = [Parameter(p.value - self.lr * p.grad) for p in self.params]


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (ReplacingSGD, "ReplacingSGD.step replaced parameter 0's value tensor instead of updating it in place"),
        (NewListSGD, "NewListSGD.step replaced its list of parameters"),
    ],
)
def test_optimizer_check_catches_a_step_replacing_what_it_should_update(cls, message):
    # ReplacingSGD passed the kit, then minidl refused it; NewListSGD failed with only "differs at index ..."
    with pytest.raises(AssertionError, match=re.escape(message)):
        check_optimizer(cls, {"lr": 0.05}, lambda p: torch.optim.SGD(p, lr=0.05))


class ScalarOnlySGD(minidl.SGD):
    """Plain SGD written as the guide's Adagrad was: right eagerly, but a compiled step cannot run it."""

    def step(self):
        values, grads = self.values(), self.grads()
        torch._foreach_addcdiv_(values, grads, [torch.ones_like(v) for v in values], -self.lr)


def test_optimizer_check_catches_a_step_that_cannot_take_tensor_scalars():
    # minidl-extra's RMSprop and the guide's Adagrad passed the kit, then every compiled run fell back to eager
    with pytest.raises(AssertionError, match=r"check_tensor_scalars: ScalarOnlySGD\.step with lr and steps as 0-d"):
        check_optimizer(ScalarOnlySGD, {"lr": 0.05}, lambda p: torch.optim.SGD(p, lr=0.05))


def test_a_wrong_call_of_a_check_is_the_callers_mistake_not_the_components():
    # was "check_scheduler: ReduceLROnPlateau raised TypeError: check_scheduler() missing 1 required ..."
    with pytest.raises(TypeError, match=r"^check_scheduler: missing a required argument: 'reference_optimizer'$"):
        check_scheduler(minidl.ReduceLROnPlateau, {}, lambda o: None)


def test_scheduler_check_catches_a_different_schedule():
    with pytest.raises(AssertionError, match="learning rate after"):
        check_scheduler(
            minidl.ReduceLROnPlateau,
            {"patience": 2, "factor": 0.5},
            lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, patience=3, factor=0.5),
            reference_optimizer=torch.optim.SGD,
        )


class LayerNormPassingItsScale(Module):
    """Hands its 1-D scale to the initializer: passed every other check, then crashed at model build."""

    def __init__(self, width: int = 3) -> None:
        super().__init__()
        self.width = width
        self.weight = Parameter(torch.ones(width))
        self._x: torch.Tensor | None = None

    def reset_parameters(self, initializer) -> None:
        initializer.fill(self.weight.value, None)

    def forward(self, x):
        if x.shape[-1] != self.width:
            raise ShapeError(f"expected width {self.width}")
        self._x = x
        return x * self.weight.value

    def backward(self, g):
        require_forward(self, self._x)
        self.weight.grad.add_((g * self._x).reshape(-1, self.width).sum(0))
        return g * self.weight.value


class UncheckedLinear(minidl.Linear):
    """Leaves the wrong width to the matrix product: a raw RuntimeError instead of ShapeError."""

    def forward(self, x):
        self._input = x
        return torch.addmm(self.bias.value, x, self.weight.value.t())


def test_kit_catches_a_vector_handed_to_the_initializer():
    message = (
        r"check_reset_parameters: LayerNormPassingItsScale.init_parameters with the 'default' initializer raised "
        r"ShapeError: .*must pass initializer.fill only weights"
    )
    with pytest.raises(AssertionError, match=message):
        check_module(LayerNormPassingItsScale, input_shape=(4, 3))


def test_kit_asks_for_shape_error_on_a_wrong_width():
    message = (
        r"check_wrong_inputs: UncheckedLinear.forward on an input of shape \(4, 4\) \(the test's shape is \(4, 3\)\) "
        r"raised RuntimeError: .*raise minidl.ShapeError"
    )
    with pytest.raises(AssertionError, match=message):
        check_wrong_inputs(UncheckedLinear, {"in_features": 3, "out_features": 2}, (4, 3))


def test_kit_reports_a_module_that_mishandles_a_3d_input_as_a_kit_failure():
    with pytest.raises(
        AssertionError, match=r"^check_\w+: UncheckedLinear raised RuntimeError: .*\(input shape \(2, 3, 4\)\)"
    ):
        check_module(UncheckedLinear, {"in_features": 4, "out_features": 2}, input_shape=(2, 3, 4))


def test_kit_asks_a_module_with_weights_to_refuse_another_width():
    class AnyWidthScale(LayerNormPassingItsScale):
        def reset_parameters(self, initializer) -> None:
            self.weight.value.fill_(1.0)

        def forward(self, x):
            self._x = x
            return x * self.weight.value[0]

    with pytest.raises(AssertionError, match="accepted an input of width 4, but its width is 3"):
        check_wrong_inputs(AnyWidthScale, {}, (5, 3))
    check_wrong_inputs(AnyWidthScale, {}, (5, 3), fixed_width=False)


class Scaled(Elementwise):
    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def function(self, x):
        return self.alpha * x

    def derivative(self, x, out):
        return torch.full_like(x, self.alpha)


class ScaleKeptElsewhere(Elementwise):
    """Keeps its declared value under another name: get_config cannot find it."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self._alpha = alpha

    def function(self, x):
        return self._alpha * x


class ConfigCapturedWhenBuilt(Scaled):
    """Reports the configuration it was built with, not the one it runs with (minidl's own mistake, once)."""

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__(alpha)
        self._built = {"alpha": alpha}

    def get_config(self):
        return dict(self._built)


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (ScaleKeptElsewhere, r"check_config_roundtrip: ScaleKeptElsewhere raised ConfigError: .*not an attribute"),
        (ConfigCapturedWhenBuilt, r"reports alpha=2.0 after set_config\(alpha=3.0\): keep each declared value"),
    ],
)
def test_kit_catches_configuration_that_is_not_the_objects(cls: type[Module], message: str) -> None:
    check_config_roundtrip(Scaled(alpha=2.0), {"alpha": 2.0})
    with pytest.raises(AssertionError, match=message):
        check_config_roundtrip(cls(alpha=2.0), {"alpha": 2.0})


class HalfGradientMSE(minidl.MSELoss):
    def backward(self):
        return super().backward() / 2


class MSEWithoutShapeCheck(minidl.MSELoss):
    def forward(self, prediction, target):
        diff = prediction - target[: len(prediction)]
        self._scaled_diff = diff.mul(2.0 / diff.numel())
        return diff.square().mean()


class MSEWithoutCallOrder(minidl.MSELoss):
    def backward(self):
        return self._scaled_diff * 1.0


class SummedSquares(minidl.MSELoss):
    """A sum, not a mean, over rows: consistent with its gradient, but wrong for batches split by rows."""

    def forward(self, prediction, target):
        diff = prediction - target
        self._scaled_diff = diff.mul(2.0 / prediction.shape[1])
        return diff.square().sum() / prediction.shape[1]


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (HalfGradientMSE, "HalfGradientMSE: gradient vs finite differences"),
        (MSEWithoutShapeCheck, r"MSEWithoutShapeCheck.forward accepted a target of shape \(7, 3\).*minidl.ShapeError"),
        (MSEWithoutCallOrder, r"MSEWithoutCallOrder.backward before forward raised TypeError.*CallOrderError"),
        (SummedSquares, r"SummedSquares: the loss from the batch's parts, weighted by rows \(data-parallel"),
    ],
)
def test_kit_catches_broken_losses(cls: type[Loss], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_loss(cls, reference=None if cls is SummedSquares else torch.nn.MSELoss)


class NarrowXavier(minidl.XavierNormal):
    """Forgets fan_out in the spread."""

    def fill(self, weight, bias):
        weight.normal_(0.0, self.gain / math.sqrt(fans(weight)[0]))
        if bias is not None:
            bias.zero_()


class PrivateGenerator(Initializer):
    """Draws from a generator of its own: the trainer's seed cannot reproduce its draws."""

    generator = torch.Generator().manual_seed(1)

    def fill(self, weight, bias):
        weight.copy_(torch.randn(weight.shape, generator=self.generator, dtype=weight.dtype))
        if bias is not None:
            bias.zero_()


class IndexingInit(Initializer):
    """``weight.shape[1]`` on a vector: an IndexError instead of a clear refusal."""

    def fill(self, weight, bias):
        weight.uniform_(-1 / weight.shape[1], 1 / weight.shape[1])
        if bias is not None:
            bias.zero_()


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (
            NarrowXavier,
            r"NarrowXavier on a \(600, 400\) weight: standard deviation 0.05.* against the reference's 0.04",
        ),
        (PrivateGenerator, "the same seed gave different weights"),
        (IndexingInit, r"IndexingInit.fill on a 1-D weight raised IndexError.*minidl.ShapeError"),
    ],
)
def test_kit_catches_broken_initializers(cls: type[Initializer], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_initializer(cls, reference=torch.nn.init.xavier_normal_)


class GlobalRandomData(minidl.Circle):
    """Draws from the global generator after seeding it: the same seed works, but training's randomness moves."""

    def load(self, seed):
        torch.manual_seed(seed)
        x = torch.rand(self.n_train + self.n_test, 2)
        y = (x.sum(1) > 1).long()
        return DataSplit(x[: self.n_train], y[: self.n_train], x[self.n_train :], y[self.n_train :], 2)


class SeedlessData(Dataset):
    def load(self, seed):
        x = torch.linspace(0, 1, 20).reshape(10, 2)
        return DataSplit(x, torch.zeros(10, dtype=torch.long), x + 1, torch.ones(10, dtype=torch.long), 2)


class OutOfRangeLabels(SeedlessData):
    def load(self, seed):
        x = torch.rand(10, 2, generator=torch.Generator().manual_seed(seed))
        return DataSplit(x, torch.full((10,), 2), x + 1, torch.zeros(10, dtype=torch.long), 2)


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (GlobalRandomData, "GlobalRandomData.load changed torch's global random state"),
        (SeedlessData, r"SeedlessData.load\(1\) gave the same training points as load\(0\)"),
        (OutOfRangeLabels, r"check_dataset: OutOfRangeLabels raised ShapeError: DataSplit: train labels must be"),
    ],
)
def test_kit_catches_broken_datasets(cls: type[Dataset], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_dataset(cls)


class Heavyball:
    """An author's own reference optimizer (torch has no such one): SGD with momentum, written from the formula."""

    def __init__(self, params, lr):
        self.params, self.param_groups = list(params), [{"lr": lr}]
        self.velocity = [torch.zeros_like(p) for p in self.params]

    def step(self):
        with torch.no_grad():
            for p, v in zip(self.params, self.velocity):
                v.mul_(0.9).add_(p.grad)
                p.sub_(self.param_groups[0]["lr"] * v)


def test_optimizer_check_takes_the_authors_own_reference():
    check_optimizer(minidl.SGD, {"lr": 0.05, "momentum": 0.9}, lambda p: Heavyball(p, lr=0.05))
    with pytest.raises(AssertionError, match=r"without torch\.optim's interface: a param_groups list"):
        check_optimizer(minidl.SGD, {"lr": 0.05}, lambda p: object())


def test_every_check_reports_a_raw_error_as_its_own_failure():
    with pytest.raises(AssertionError, match=r"check_reset_parameters: LayerNormPassingItsScale"):
        check_reset_parameters(LayerNormPassingItsScale)
