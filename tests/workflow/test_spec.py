"""Specs: validation names the place of every mistake; building checks the network fits the data."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.workflow.spec import normalize


def test_default_spec_normalises_to_qualified_ids_and_full_configs() -> None:
    spec = normalize(minidl.default_spec())
    assert spec["model"]["layers"][0] == {
        "component": "minidl:Linear",
        "config": {"in_features": 2, "out_features": 25, "bias": True},
    }
    assert spec["training"]["optimizer"]["component"] == "minidl:Adam"
    assert spec["training"]["optimizer"]["config"]["eps"] == 1e-8  # defaults filled in
    assert normalize(spec) == spec


@pytest.mark.parametrize(
    "edit,message",
    [
        (
            lambda s: s["model"]["layers"].append({"component": "Dropout", "config": {"p": 1.5}}),
            r"spec.model.layers\[7\].config.p: expected float >= 0 and < 1, got 1.5",
        ),
        (
            lambda s: s["model"]["layers"][2].update(component="Lienar"),
            r"spec.model.layers\[2\].component: unknown module 'Lienar'",
        ),
        (
            lambda s: s["model"]["layers"][0]["config"].update(width=3),
            r"spec.model.layers\[0\].config: unknown parameter 'width' for Linear",
        ),
        (
            lambda s: s["model"]["layers"][0]["config"].pop("in_features"),
            r"spec.model.layers\[0\].config: missing required parameter 'in_features'",
        ),
        (lambda s: s["training"].update(epochs=0), r"spec.training.epochs: expected an int in \[1, "),
        (lambda s: s["training"].update(batch_size="10"), r"spec.training.batch_size: expected an int"),
        (
            lambda s: s["training"]["optimizer"]["config"].update(lr=-1),
            r"spec.training.optimizer.config.lr: expected float >= 0, got -1",
        ),
        (lambda s: s["model"].update(dtype="float16"), r"spec.model.dtype: expected one of float32, float64"),
        (lambda s: s.update(extra=1), r"spec: unknown key 'extra'"),
        (lambda s: s["training"].pop("loss"), r"spec.training: missing key 'loss'"),
    ],
)
def test_mistakes_are_located(edit, message: str) -> None:
    spec = minidl.default_spec()
    edit(spec)
    with pytest.raises(minidl.MinidlError, match=message):
        normalize(spec)


def test_network_that_does_not_fit_the_data_is_refused_with_the_layer() -> None:
    spec = minidl.default_spec()
    spec["model"]["layers"][0]["config"]["in_features"] = 3
    with pytest.raises(minidl.ConfigError, match=r"spec.model.layers\[0\]: Linear\(3 -> 25\).*has 2 features"):
        minidl.build_trainer(spec)
    spec = minidl.default_spec()  # a middle layer: it said "got (2, 5) (data set minidl:circle has 2 features)"
    spec["model"]["layers"][2]["config"]["in_features"] = 4
    with pytest.raises(
        minidl.ConfigError, match=r"layers\[2\]: Linear\(4 -> 25\).*\(layers\[1\] gives 25 values per point\)$"
    ):
        minidl.build_trainer(spec)
    spec = minidl.default_spec()
    spec["model"]["layers"][-1]["config"]["out_features"] = 3
    with pytest.raises(
        minidl.ConfigError, match=r"outputs \(3,\) values per point, but data set minidl:circle has 2 classes"
    ):
        minidl.build_trainer(spec)


def test_build_model_is_seeded_and_typed() -> None:
    spec = minidl.default_spec()
    spec["model"]["dtype"] = "float64"
    spec["model"]["init"] = {"component": "xavier", "config": {"gain": minidl.gain("relu")}}
    a, b = minidl.build_model(spec, seed=5), minidl.build_model(spec, seed=5)
    assert all(torch.equal(p.value, q.value) and p.value.dtype == torch.float64 for p, q in zip(a.param(), b.param()))


def test_circle_data_is_reproducible_and_balanced() -> None:
    a, b = minidl.Circle(n_train=20000, n_test=10).load(1), minidl.Circle(n_train=20000, n_test=10).load(1)
    assert torch.equal(a.train_x, b.train_x) and torch.equal(a.train_y, b.train_y)
    assert not torch.equal(a.train_x, minidl.Circle(n_train=20000, n_test=10).load(2).train_x)
    assert a.train_x.min() >= 0 and a.train_x.max() < 1
    assert a.train_y.double().mean().item() == pytest.approx(0.5, abs=0.015)  # the disk has area 1/2
    inside = ((a.train_x - 0.5) ** 2).sum(1) < 1 / (2 * torch.pi)
    assert torch.equal(inside.long(), a.train_y)
