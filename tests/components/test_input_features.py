"""InputFeatures: the Playground's feature column as a module, checked against autograd and through files."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

import minidl
from minidl import registry
from minidl.components.modules.input_features import FEATURES
from minidl.testing import check_module

NAMES = [f.name for f in FEATURES]


class TorchFeatures(torch.nn.Module):
    """The same map written with torch ops, for autograd to differentiate."""

    def __init__(self, chosen: list[str]) -> None:
        super().__init__()
        self.chosen = chosen

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = x[:, 0], x[:, 1]
        every = {
            "x1": a,
            "x2": b,
            "x1_squared": a**2,
            "x2_squared": b**2,
            "x1_times_x2": a * b,
            "sin_x1": torch.sin(a),
            "sin_x2": torch.sin(b),
        }
        return torch.stack([every[name] for name in self.chosen], 1)


SELECTIONS = [
    pytest.param(NAMES, id="all"),
    pytest.param(["x1", "x2"], id="default"),
    pytest.param(["sin_x2"], id="one"),
    pytest.param(["x2", "x1_times_x2", "sin_x1"], id="mixed"),
    pytest.param(["x1_squared", "x2_squared"], id="squares"),
]


def config_for(chosen: list[str]) -> dict[str, bool]:
    return {name: name in chosen for name in NAMES}


@pytest.mark.parametrize("chosen", SELECTIONS)
@pytest.mark.parametrize("batch", [1, 6])
def test_conforms_and_matches_autograd(chosen: list[str], batch: int) -> None:
    """Forward, input gradient (float64, 1e-10) and finite differences, through the conformance kit."""
    check_module(
        minidl.InputFeatures, config_for(chosen), input_shape=(batch, 2), reference=lambda: TorchFeatures(chosen)
    )


def test_exact_values_in_the_documented_order() -> None:
    every = minidl.InputFeatures(**dict.fromkeys(NAMES, True)).double()
    out = every.forward(torch.tensor([[0.5, 2.0]], dtype=torch.float64))
    assert out.tolist() == [[0.5, 2.0, 0.25, 4.0, 1.0, math.sin(0.5), math.sin(2.0)]]
    grad = every.backward(torch.ones(1, 7, dtype=torch.float64))
    # d/dx1: 1 + 2*x1 + x2 + cos(x1); d/dx2: 1 + 2*x2 + x1 + cos(x2)
    assert grad.tolist() == [[1 + 1.0 + 2.0 + math.cos(0.5), 1 + 4.0 + 0.5 + math.cos(2.0)]]


def test_columns_follow_the_fixed_order_whatever_the_keyword_order() -> None:
    layer = minidl.InputFeatures(sin_x2=True, x1=False, x1_times_x2=True)
    assert [f.name for f in layer.features] == ["x2", "x1_times_x2", "sin_x2"] and layer.out_features == 3
    assert layer.forward(torch.tensor([[3.0, 0.0]])).tolist() == [[0.0, 0.0, 0.0]]


def test_default_is_the_identity() -> None:
    x = torch.randn(5, 2)
    assert torch.equal(minidl.InputFeatures().forward(x), x)


@pytest.mark.parametrize("shape", [(4, 3), (4, 1), (4,), (2, 2, 2)])
def test_wrong_input_width_is_a_shape_error(shape: tuple[int, ...]) -> None:
    with pytest.raises(minidl.ShapeError, match=r"InputFeatures: expected input of shape \(batch, 2\).*got"):
        minidl.InputFeatures().forward(torch.zeros(shape))


def test_choosing_nothing_is_refused() -> None:
    with pytest.raises(minidl.ConfigError, match="choose at least one feature"):
        minidl.InputFeatures(x1=False, x2=False)


def test_registered_as_a_builtin_with_one_toggle_per_feature() -> None:
    assert registry.provider("module", "InputFeatures")["distribution"] == "minidl"
    fields = registry.fields("module", "InputFeatures")
    assert [f.name for f in fields] == NAMES
    assert all(f.type == "bool" and not f.required for f in fields)
    assert [f.default for f in fields] == [True, True, False, False, False, False, False]
    assert fields[4].help == "feed x1·x2 to the next layer"
    with pytest.raises(minidl.ConfigError, match=r"sin_x1.*expected bool, got 'yes'"):
        registry.create("module", "InputFeatures", sin_x1="yes")


def features_spec(epochs: int = 2) -> dict:
    spec = minidl.default_spec(epochs=epochs, batch_size=20)
    spec["training"]["dataset"]["config"] = {"n_train": 60, "n_test": 20}
    spec["model"]["layers"] = [
        {"component": "InputFeatures", "config": {"x1_squared": True, "x2_squared": True}},
        {"component": "Linear", "config": {"in_features": 4, "out_features": 6}},
        {"component": "Tanh"},
        {"component": "Linear", "config": {"in_features": 6, "out_features": 2}},
    ]
    return spec


def test_a_network_with_features_trains_saves_and_loads(tmp_path: Path) -> None:
    run = minidl.Run(features_spec())
    run.fit()
    path = tmp_path / "features.minidl"
    run.save(path)
    loaded = minidl.load(path)
    first = loaded.spec["model"]["layers"][0]
    assert first["component"] == "minidl:InputFeatures" and first["config"] == config_for(
        ["x1", "x2", "x1_squared", "x2_squared"]
    )
    x = run.trainer.data.test_x
    assert torch.equal(loaded.model.eval().forward(x), run.trainer.model.eval().forward(x))


def test_a_next_layer_of_the_wrong_width_is_named() -> None:
    spec = features_spec()
    spec["model"]["layers"][1]["config"]["in_features"] = 2
    with pytest.raises(minidl.ConfigError, match=r"spec\.model\.layers\[1\]: Linear\(2 -> 6\)"):
        minidl.build_trainer(spec)
