"""The compiled step equals the eager one, follows learning-rate changes without recompiling, resumes exactly,
and where it cannot apply, runs eagerly after one warning that names the component and the reason.

Compiling costs seconds, so the tests that compile share few graphs (TorchInductor caches them on disk).
Tolerances, compiled against eager (fused loops and reductions round differently): 1e-12 in float64,
1e-5 in float32; random numbers (Dropout) are drawn from torch's generator exactly as eagerly.
"""

from __future__ import annotations

import warnings

import pytest
import torch

import minidl
from minidl.testing import assert_close
from minidl.workflow.fast_step import INDUCTOR_OPTIONS, CompiledStep, CompileFallback, train_step


def recipe(**scheduler) -> dict:
    """The default recipe, float64, 230 training points (the last batch of 30 runs eagerly), lr changing often."""
    spec = minidl.default_spec(epochs=6, seed=2)
    spec["model"]["dtype"] = "float64"
    spec["training"]["dataset"]["config"] = {"n_train": 230, "n_test": 100}
    spec["training"]["scheduler"]["config"] = {"factor": 0.5, "patience": 0, "threshold": 0.3, **scheduler}
    return spec


@pytest.fixture(autouse=True)
def _fallback_is_an_error():
    """A test that compiles must not fall back silently; the fallback tests catch the warning themselves."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallback)
        yield


def test_compiled_trainer_follows_the_eager_one() -> None:
    eager = minidl.build_trainer(recipe())
    eager.fit()
    fast = minidl.build_trainer(recipe(), compile=True)
    fast.fit()
    step = fast.compiled_step
    assert step.fallback is None and step.compilations == 1, "lr changes and Adam's steps must not recompile"
    assert len({m.lr for m in eager.history}) > 3, "the scheduler should have changed the learning rate"
    assert [m.lr for m in fast.history] == [m.lr for m in eager.history]
    for m, n in zip(fast.history, eager.history):
        assert m.train_loss == pytest.approx(n.train_loss, rel=1e-12, abs=1e-12)
    for i, (a, b) in enumerate(zip(fast.model.param(), eager.model.param())):
        assert_close(a.value, b.value, f"parameter {i} after 6 epochs", atol=1e-12, rtol=1e-12)
        assert not a.grad.any(), "gradients stay zero between steps"
    assert fast.optimizer.steps == eager.optimizer.steps == 6 * 5


def test_compiled_training_resumes_exactly() -> None:
    straight = minidl.build_trainer(recipe(), compile=True)
    straight.fit(3)
    state = straight.state_dict()
    weights = [p.value.clone() for p in straight.model.param()]
    straight.fit()
    resumed = minidl.build_trainer(recipe(), compile=True)
    for p, w in zip(resumed.model.param(), weights):
        p.value.copy_(w)
    resumed.load_state_dict(state)
    resumed.fit()
    assert [m.train_loss for m in resumed.history] == [m.train_loss for m in straight.history]
    for a, b in zip(resumed.model.param(), straight.model.param()):
        assert torch.equal(a.value, b.value)


def train_side_by_side(eager: tuple, compiled: CompiledStep, xs, ys, between_epochs=None) -> None:
    """Epochs (``xs[epoch]``: the batches) on both sides; the generator is seeded alike before each step (Dropout).

    ``between_epochs(epoch, optimizer)`` is applied to both optimizers before each epoch."""
    for epoch, (batches, targets) in enumerate(zip(xs, ys)):
        if between_epochs is not None:
            for optimizer in (eager[2], compiled.optimizer):
                between_epochs(epoch, optimizer)
        compiled.prepare()
        for i, (x, y) in enumerate(zip(batches, targets)):
            torch.manual_seed(100 * epoch + i)
            train_step(*eager, x, y)
            torch.manual_seed(100 * epoch + i)
            compiled(x, y)


def test_float32_dropout_sgd_and_a_changed_configuration() -> None:
    """Same dropout masks, same trajectory; a new momentum between epochs (as the TUI applies it) recompiles."""

    def build() -> tuple:
        torch.manual_seed(0)
        model = minidl.Sequential(minidl.Linear(2, 16), minidl.ReLU(), minidl.Dropout(0.2), minidl.Linear(16, 2))
        return model, minidl.MSELoss(), minidl.SGD(model.param(), lr=0.05, momentum=0.9)

    def new_momentum(epoch: int, optimizer: minidl.Optimizer) -> None:
        if epoch == 1:
            optimizer.set_config(momentum=0.5)

    eager, fast = build(), build()
    compiled = CompiledStep(*fast)
    train_side_by_side(eager, compiled, torch.rand(2, 8, 20, 2), torch.rand(2, 8, 20, 2), new_momentum)
    assert compiled.compilations == 2 and compiled.fallback is None
    for i, (a, b) in enumerate(zip(fast[0].param(), eager[0].param())):
        torch.testing.assert_close(a.value, b.value, atol=1e-5, rtol=1e-5, msg=lambda m, i=i: f"parameter {i}: {m}")


def test_a_batch_of_one() -> None:
    """Products with one row compile to fused loops (not BLAS calls): the same trajectory, float64."""
    torch.manual_seed(0)
    builds = [minidl.Sequential(minidl.Linear(2, 5), minidl.Tanh(), minidl.Linear(5, 2)).double() for _ in range(2)]
    for a, b in zip(builds[1].param(), builds[0].param()):
        a.value.copy_(b.value)
    eager, fast = ((m, minidl.MSELoss(), minidl.Adam(m.param(), lr=0.01)) for m in builds)
    compiled = CompiledStep(*fast)
    data = torch.rand(2, 10, 1, 2, dtype=torch.float64)
    train_side_by_side(eager, compiled, data, data.flip(-1))
    assert compiled.compilations == 1
    for i, (a, b) in enumerate(zip(fast[0].param(), eager[0].param())):
        assert_close(a.value, b.value, f"parameter {i}", atol=1e-12, rtol=1e-12)


# -- where it cannot apply ---------------------------------------------------------------------------
class Clip(minidl.Module):
    """Branches in Python on a tensor's value: a trace cannot follow."""

    def forward(self, x):
        self.big = bool(x.abs().max() > 100)
        return x

    def backward(self, grad_output):
        return grad_output


class Counting(minidl.Elementwise):
    """Keeps a Python counter: a trace would run it once."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def function(self, x):
        self.calls += 1
        return x * 2

    def derivative(self, x, out):
        return torch.full_like(x, 2.0)


class Rebinding(minidl.Module):
    """Replaces its buffer instead of updating it in place."""

    buffer_names = ("seen",)

    def __init__(self) -> None:
        super().__init__()
        self.seen = torch.zeros(())

    def forward(self, x):
        self.seen = self.seen + 1
        return x

    def backward(self, grad_output):
        return grad_output


def run_both(extra: minidl.Module, steps: int = 3) -> CompiledStep:
    """Train twice, eagerly and through CompiledStep, and require bitwise equal weights (the fallback is eager)."""
    models = []
    for _ in range(2):
        torch.manual_seed(0)
        models.append(minidl.Sequential(minidl.Linear(2, 3), extra, minidl.Linear(3, 2)))
    parts = [(m, minidl.MSELoss(), minidl.SGD(m.param(), lr=0.1)) for m in models]
    compiled = CompiledStep(*parts[1])
    compiled.prepare()
    x, y = torch.rand(4, 2), torch.rand(4, 2)
    tensors = [p.value for p in models[1].param()]
    for _ in range(steps):
        train_step(*parts[0], x, y)
        compiled(x, y)
    for a, b, t in zip(models[0].param(), models[1].param(), tensors):
        assert torch.equal(a.value, b.value)
        assert b.value is t, "tracing works on a copy: the live components keep their tensors"
    return compiled


def fallbacks(caught) -> list:
    """The CompileFallback warnings among those caught (compiling may also raise torch's own deprecations)."""
    return [w for w in caught if issubclass(w.category, CompileFallback)]


@pytest.mark.parametrize(
    ("module", "message"),
    [
        (Clip(), r"Clip: reads a tensor.s value in Python"),
        (Counting(), r"Counting changes 'calls' in Python during a step"),
        (Rebinding(), r"Rebinding replaces its tensor 'seen' during a step"),
    ],
    ids=["tensor value in Python", "Python state", "rebound buffer"],
)
def test_an_untraceable_component_runs_eagerly_after_one_warning(module, message) -> None:
    with pytest.warns(CompileFallback, match=message) as caught:
        compiled = run_both(module)
    assert len(fallbacks(caught)) == 1 and compiled.fallback is not None and compiled.compilations == 0


def test_an_optimizer_on_part_of_the_model_runs_eagerly() -> None:
    model = minidl.Sequential(minidl.Linear(2, 3), minidl.Linear(3, 2))
    compiled = CompiledStep(model, minidl.MSELoss(), minidl.SGD(model[0].param(), lr=0.1))
    compiled.prepare()
    with pytest.warns(CompileFallback, match="SGD does not update exactly the model's parameters"):
        for _ in range(2):
            compiled(torch.rand(4, 2), torch.rand(4, 2))


def test_a_mistake_in_the_batch_raises_the_eager_error_not_a_fallback() -> None:
    model = minidl.Sequential(minidl.Linear(2, 3))
    compiled = CompiledStep(model, minidl.MSELoss(), minidl.SGD(model.param(), lr=0.1))
    compiled.prepare()
    compiled(torch.rand(4, 2), torch.rand(4, 3))  # the eager first step
    with pytest.raises(minidl.ShapeError, match="MSELoss: target shape"):
        compiled(torch.rand(4, 2), torch.rand(4, 2))
    assert compiled.fallback is None


def test_no_cpp_compiler_runs_eagerly(monkeypatch) -> None:
    monkeypatch.setitem(INDUCTOR_OPTIONS, "cpp.cxx", ("/nonexistent/c++",))
    monkeypatch.setitem(INDUCTOR_OPTIONS, "fx_graph_cache", False)
    with pytest.warns(CompileFallback, match="the compiled step is off") as caught:
        compiled = run_both(minidl.ReLU())
    (warning,) = fallbacks(caught)
    assert "C++ compiler" in str(warning.message) and compiled.compilations == 0


@pytest.mark.parametrize(("value", "compiled"), [(None, False), ("0", False), ("1", True)])
def test_the_environment_chooses_when_the_caller_does_not(monkeypatch, value, compiled) -> None:
    if value is None:
        monkeypatch.delenv("MINIDL_COMPILE", raising=False)
    else:
        monkeypatch.setenv("MINIDL_COMPILE", value)
    assert (minidl.build_trainer(recipe()).compiled_step is not None) is compiled
    assert minidl.build_trainer(recipe(), compile=False).compiled_step is None


def test_a_bad_environment_value_is_a_one_line_error(monkeypatch) -> None:
    monkeypatch.setenv("MINIDL_COMPILE", "yes")
    with pytest.raises(minidl.ConfigError, match=r"^MINIDL_COMPILE: expected 0 or 1, got 'yes'$"):
        minidl.build_trainer(recipe())
