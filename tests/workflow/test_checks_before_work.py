"""Checks before work: numbers that cannot fit their dtype and jobs that cannot fit in memory are refused first."""

from __future__ import annotations

import math

import pytest
import torch

import minidl
from minidl.core.errors import ComponentError, ResourceError
from minidl.workflow import memory
from minidl.workflow.spec import normalize
from tests.faulty_plugin import small_spec

MiB = 2**20


def linear(inputs: int, outputs: int) -> dict:
    return {"component": "Linear", "config": {"in_features": inputs, "out_features": outputs}}


def with_optimizer(name: str, **config: float) -> dict:
    return small_spec(optimizer={"component": name, "config": config})


@pytest.mark.parametrize(
    "spec,message",
    [
        (with_optimizer("SGD", lr=1e39), r"spec.training.optimizer.config.lr: expected a finite number within float32"),
        (with_optimizer("Adam", weight_decay=1e300), r"spec.training.optimizer.config.weight_decay: .* got 1e\+300"),
        (with_optimizer("SGD", lr=math.inf), r"spec.training.optimizer.config.lr: .* got inf"),
        (
            small_spec() | {"model": {"layers": [linear(99999999999999999999999, 2)]}},
            r"spec.model.layers\[0\].config.in_features: expected an int that fits int64, got 9{23}$",
        ),
    ],
    ids=["sgd-lr-1e39", "weight-decay-1e300", "lr-inf", "in-features-1e23"],
)
def test_numbers_that_do_not_fit_are_refused_with_their_place(spec: dict, message: str) -> None:
    with pytest.raises(minidl.ConfigError, match=message):
        normalize(spec)


def test_a_float64_model_takes_numbers_beyond_float32() -> None:
    spec = with_optimizer("SGD", lr=1e39)
    spec["model"]["dtype"] = "float64"
    assert normalize(spec)["training"]["optimizer"]["config"]["lr"] == 1e39
    minidl.build_trainer(spec)  # and its update fits float64


def test_an_update_that_overflows_the_dtype_is_refused_before_the_model_is_built() -> None:
    """Adam's lr 1e38 fits float32, but its first step, lr / (1 - beta1), does not."""
    with pytest.raises(
        ComponentError,
        match=r"^spec.training.optimizer \(minidl:Adam from minidl .*\): a trial step in float32, before training, "
        r"raised RuntimeError: value cannot be converted to type float without overflow",
    ):
        minidl.build_trainer(with_optimizer("Adam", lr=1e38))


def test_the_trial_step_leaves_the_run_as_it_was() -> None:
    """Building a trainer draws the same weights and data and trains the same as before the check existed."""
    a, b = minidl.build_trainer(small_spec()), minidl.build_trainer(small_spec())
    torch.manual_seed(0)
    expected_draw = torch.rand(3)
    torch.manual_seed(0)
    minidl.build_trainer(small_spec(), model=a.model)
    assert torch.equal(torch.rand(3), expected_draw)
    assert [m.train_loss for m in a.fit()] == [m.train_loss for m in b.fit()]


@pytest.fixture
def free_memory(monkeypatch: pytest.MonkeyPatch):
    """Pretend this much memory is free."""

    def set_free(size: int | None) -> None:
        monkeypatch.setattr(memory, "available_bytes", lambda: size)

    return set_free


def wide_spec(width: int) -> dict:
    return small_spec() | {"model": {"layers": [linear(2, width), linear(width, 2)]}}


def test_a_network_too_big_for_memory_is_refused_before_allocating(free_memory, monkeypatch) -> None:
    free_memory(8 * MiB)
    monkeypatch.setattr("minidl.workflow.run.fresh_model", lambda *a: pytest.fail("the model was built"))
    spec = wide_spec(1_000_000)  # (2 + 1 + 2) * 1,000,000 + 2 float32s: 19.1 MiB
    with pytest.raises(
        ResourceError, match=r"^spec.model: needs at least 19.1 MiB of memory \(weights 19.1 MiB\), but only 8.0 MiB"
    ):
        minidl.build_model(spec)
    with pytest.raises(ResourceError, match=r"^spec: needs at least 38.1 MiB .*\(weights 19.1 MiB, gradients 19.1 MiB"):
        minidl.build_trainer(spec)


def test_what_fits_is_never_refused(free_memory) -> None:
    spec = wide_spec(1000)
    weights = (2 * 1000 + 1000 + 1000 * 2 + 2) * 4
    free_memory(weights)
    minidl.build_model(spec)  # exactly what it needs
    free_memory(weights - 1)
    with pytest.raises(ResourceError):
        minidl.build_model(spec)
    free_memory(None)  # the system does not say: nothing is refused
    minidl.build_trainer(spec)


def test_a_data_set_too_big_for_memory_is_refused_before_loading(free_memory) -> None:
    spec = small_spec(dataset={"component": "circle", "config": {"n_train": 10_000_000, "n_test": 10_000_000}})
    free_memory(100 * MiB)
    with pytest.raises(ResourceError, match=r"^spec: needs at least .*data 305.2 MiB\), but only 100.0 MiB"):
        minidl.build_trainer(spec)  # 20 million points of two float32 features and an int64 label


def test_a_network_no_machine_can_hold_is_refused() -> None:
    """The real free memory, read from the system: 64 TiB of weights fit nowhere."""
    with pytest.raises(ResourceError, match=r"^spec.model: needs at least 64.0 TiB of memory"):
        minidl.build_model({"model": {"layers": [linear(2**22, 2**22)]}})
