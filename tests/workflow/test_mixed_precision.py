"""bf16 mixed precision on the CPU: float32 master weights, gradients and optimizer state, bf16 arithmetic.

The oracle is the same network under PyTorch's autograd with its weights rounded to bf16 (what the
step computes on) and the loss in float32: the float32 gradients the optimizer receives must equal
autograd's gradients of that network to bf16 rounding, and the update must be exactly the optimizer's
float32 update of those gradients.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import minidl
from minidl.workflow.mixed_precision import COMPUTE_DTYPE, Bf16Step
from tests.workflow.files.helpers import tiny_spec


def network() -> minidl.Sequential:
    torch.manual_seed(0)
    return minidl.Sequential(
        minidl.Linear(2, 16), minidl.Tanh(), minidl.Linear(16, 16), minidl.ReLU(), minidl.Linear(16, 3)
    )


def test_gradients_are_autograds_on_the_bf16_network_and_everything_kept_stays_float32() -> None:
    model = network()
    x, target = torch.randn(32, 2), torch.randint(0, 3, (32,))
    weights = [p.value.clone() for p in model.param()]
    optimizer = minidl.SGD(model.param(), lr=1.0)
    grads = []
    optimizer.step = lambda: grads.extend(p.grad.clone() for p in model.param())  # see what the update receives
    Bf16Step(model, minidl.CrossEntropyLoss(), optimizer)(x, target)

    leaves = [w.to(COMPUTE_DTYPE).requires_grad_() for w in weights]
    w1, b1, w2, b2, w3, b3 = leaves
    h = torch.tanh(F.linear(x.to(COMPUTE_DTYPE), w1, b1))
    out = F.linear(torch.relu(F.linear(h, w2, b2)), w3, b3)
    F.cross_entropy(out.float(), target).backward()
    for grad, leaf in zip(grads, leaves):
        assert grad.dtype == torch.float32
        torch.testing.assert_close(grad, leaf.grad.float(), rtol=2e-2, atol=2e-3)
    assert {p.value.dtype for p in model.param()} | {p.grad.dtype for p in model.param()} == {torch.float32}
    assert all(torch.equal(p.value, w) for p, w in zip(model.param(), weights))  # the step above updated nothing
    assert model[0]._input.dtype == COMPUTE_DTYPE  # what the forward multiplied


def test_the_update_is_the_float32_optimizer_on_the_float32_gradients() -> None:
    """Adam's state and the master weights stay float32; the weights move by the update of the received gradients."""
    model, reference = network(), network()
    loss = minidl.MSELoss()
    optimizer = minidl.Adam(model.param(), lr=0.01)
    x, target = torch.randn(32, 2), torch.randn(32, 3)
    step = Bf16Step(model, loss, optimizer)
    captured = []
    real_step = optimizer.step

    def spy() -> None:
        captured.append([p.grad.clone() for p in model.param()])
        real_step()

    optimizer.step = spy
    for _ in range(3):
        step(x, target)
    expected = minidl.Adam(reference.param(), lr=0.01)
    for grads in captured:
        for p, g in zip(reference.param(), grads):
            p.grad.copy_(g)
        expected.step()
        expected.zero_grad()
    assert all(torch.equal(a.value, b.value) for a, b in zip(model.param(), reference.param()))
    assert {t.dtype for ts in optimizer.state.values() for t in ts} == {torch.float32}
    assert all(not p.grad.any() for p in model.param())  # zero between steps, as after train_step


def test_bf16_trains_the_recipe_close_to_float32() -> None:
    errors = {}
    for precision in ("float32", "bf16"):
        run = minidl.Run(tiny_spec(epochs=30), runtime=minidl.Runtime(precision=precision))
        run.fit()
        errors[precision] = run.history[-1].test_error
    assert errors["bf16"] <= errors["float32"] + 0.03, errors


def test_a_bf16_checkpoint_resumes_bit_for_bit(tmp_path: Path) -> None:
    runtime = minidl.Runtime(precision="bf16")
    whole = minidl.Run(tiny_spec(epochs=4, dropout=True), runtime=runtime)
    whole.fit()
    half = minidl.Run(tiny_spec(epochs=4, dropout=True), runtime=runtime)
    half.fit(2)
    half.save_checkpoint(tmp_path / "half.minidl")
    resumed = minidl.resume(tmp_path / "half.minidl", runtime)
    resumed.fit()
    assert all(torch.equal(a.value, b.value) for a, b in zip(whole.model.param(), resumed.model.param()))
    assert resumed.model.placement() == (torch.float32, torch.device("cpu"))


@pytest.mark.parametrize("in_place", [True, False], ids=["updated", "replaced"])
def test_buffers_train_in_bf16_and_come_back_float32(in_place: bool) -> None:
    """A module's running statistics (``buffer_names``) are float32 between steps and keep what the step did to them,
    whether it updated them in place or assigned new tensors."""

    class Running(minidl.Module):
        buffer_names = ("seen",)

        def __init__(self) -> None:
            super().__init__()
            self.seen = torch.zeros(3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if in_place:
                self.seen.lerp_(x.mean(0), 0.5)  # the input's dtype: both bf16 inside a step
            else:
                self.seen = self.seen * 0.5 + x.mean(0) * 0.5
            return x

        def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
            return grad_output

    model = minidl.Sequential(minidl.Linear(2, 3), Running())
    seen = model[1].seen
    step = Bf16Step(model, minidl.MSELoss(), minidl.SGD(model.param(), lr=0.1))
    step(torch.ones(4, 2), torch.zeros(4, 3))
    assert model[1].seen is seen and seen.dtype == torch.float32 and seen.any()


@pytest.mark.parametrize(
    "runtime,message",
    [
        (dict(precision="bf16", compile=True), "compile: the compiled step is float32 only"),
        (dict(precision="tf32"), "precision 'tf32': TF32 matmuls exist on CUDA GPUs only, this run is on cpu"),
        (dict(precision="half"), "precision 'half': expected one of float32, tf32, bf16"),
        (dict(graphs=True), "graphs: CUDA graphs need a CUDA device, this run is on cpu"),
    ],
)
def test_a_precision_the_run_cannot_do_is_one_line(runtime: dict, message: str) -> None:
    with pytest.raises(minidl.ConfigError) as caught:
        minidl.Run(tiny_spec(), runtime=minidl.Runtime(**runtime))
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_bf16_with_a_float64_spec_is_one_line() -> None:
    with pytest.raises(minidl.ConfigError, match=r"^precision 'bf16': the model is float64 \(spec.model.dtype\)"):
        minidl.Run(tiny_spec(dtype="float64"), runtime=minidl.Runtime(precision="bf16"))


def test_a_gradient_assigned_instead_of_accumulated_reaches_the_optimizer() -> None:
    class Scale(minidl.Module):
        """``y = w * x``; its backward assigns the gradient (the protocol says accumulate: equal from zero)."""

        def __init__(self) -> None:
            super().__init__()
            self.w = minidl.Parameter(torch.ones(3))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self._x = x
            return x * self.w.value

        def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
            self.w.grad = (grad_output * self._x).sum(0)
            return grad_output * self.w.value

    model = minidl.Sequential(minidl.Linear(2, 3), Scale())
    received = []
    optimizer = minidl.SGD(model.param(), lr=0.1)
    optimizer.step = lambda: received.append(model[1].w.grad.clone())
    Bf16Step(model, minidl.MSELoss(), optimizer)(torch.ones(4, 2), torch.zeros(4, 3))
    assert received[0].dtype == torch.float32 and received[0].any()
