"""The inside views' data: unit maps, weights, gradient norms: exact on hand-made networks, no trace in the run."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import pytest
import torch

import minidl
from minidl.components.datasets import DataSplit
from minidl.tui.probes import gradient_norms, layer_weights, probe, signed_codes, unit_maps
from tests.tui.conftest import small_spec


def hand_made() -> minidl.Sequential:
    """features (x1, x2, x1*x2) -> Linear: unit 0 = x1, unit 1 = 0.32 - 2 x1 x2 -> ReLU."""
    linear = minidl.Linear(3, 2).double()
    linear.weight.value.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, -2.0]]))
    linear.bias.value.copy_(torch.tensor([0.0, 0.32]))
    return minidl.Sequential(minidl.InputFeatures(x1_times_x2=True), linear, minidl.ReLU())


def test_unit_maps_of_the_features_layer_are_the_features_over_the_square() -> None:
    # a 2 x 2 grid over [0,1]^2: cell centres (0.25, 0.75), (0.75, 0.75) on the top row, then y = 0.25
    maps = unit_maps(hand_made(), 0, 2)
    assert maps.layer == 0 and maps.scale == 0.75 and maps.codes.dtype == torch.int16
    # codes round(15 * value / 0.75): x1, x2 and x1*x2 (0.1875, 0.5625 / 0.0625, 0.1875)
    assert maps.codes.tolist() == [[[5, 15], [5, 15]], [[15, 15], [5, 5]], [[4, 11], [1, 4]]]


def test_unit_maps_of_a_hidden_layer_share_one_signed_scale() -> None:
    model = hand_made()
    linear = unit_maps(model, 1, 2)
    assert linear.scale == pytest.approx(0.805)  # |0.32 - 2 * 0.5625|
    # unit 1 = 0.32 - 2 x1 x2 = -0.055, -0.805 / 0.195, -0.055, times 15 / 0.805
    assert linear.codes.tolist() == [[[5, 14], [5, 14]], [[-1, -15], [4, -1]]]
    relu = unit_maps(model, 2, 2)
    assert relu.scale == 0.75 and relu.codes.tolist() == [[[5, 15], [5, 15]], [[0, 0], [4, 0]]]
    assert model.training  # the mode it had


def test_unit_maps_cover_the_box_given() -> None:
    model = minidl.Sequential(minidl.InputFeatures(x1=False))  # unit 0 = y
    maps = unit_maps(model, 0, 4, (-2.0, 2.0, -1.0, 3.0))
    assert maps.scale == 2.5 and maps.codes[0, :, 0].tolist() == [15, 9, 3, -3]  # y = 2.5, 1.5, 0.5, -0.5


def test_weights_of_the_layer_feeding_the_selected_units() -> None:
    model = hand_made()
    model[1].weight.value.copy_(torch.tensor([[3.0, -4.0, 0.0], [0.0, 1.5, 0.0]]))
    weights = layer_weights(model, 2)  # the ReLU: its units are fed by the Linear before it
    assert weights is not None and weights.layer == 1 and weights.scale == 4.0
    assert weights.codes.tolist() == [[11, -15, 0], [0, 6, 0]]  # round(15 * w / 4)
    assert weights.strength.tolist() == [5.0, 1.5]
    assert weights.values.data_ptr() != model[1].weight.value.data_ptr()  # a copy, safe to send to the UI
    model[1].weight.value.zero_()
    assert weights.values[0].tolist() == [3.0, -4.0, 0.0]
    assert layer_weights(model, 0) is None  # nothing but the features before it


def test_a_layer_out_of_range_is_refused_in_one_line() -> None:
    with pytest.raises(minidl.ConfigError, match=r"^layer 3: the network has 3 layers, numbered 0 to 2$"):
        unit_maps(hand_made(), 3, 2)


def test_signed_codes_place_nan_and_infinities() -> None:
    values = torch.tensor([math.nan, math.inf, -math.inf, 1.0, -0.5, 0.0])
    assert signed_codes(values, 1.0).tolist() == [0, 15, -15, 15, -8, 0]
    assert signed_codes(torch.zeros(3), 0.0).tolist() == [0, 0, 0]


def test_gradient_norm_of_a_single_layer_by_hand() -> None:
    """MSE on one point x = (1, 2), target (1, 0), zero weights: dL/dout = (-1, 0), so |dW| = |x| and |db| = 1."""
    model = minidl.Sequential(minidl.Linear(2, 2).double())
    for p in model.param():
        p.value.zero_()
    x, target = torch.tensor([[1.0, 2.0]], dtype=torch.float64), torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    norms = gradient_norms(model, minidl.MSELoss(), x, target)
    assert norms.layers == (0,) and norms.norms == pytest.approx((math.sqrt(6.0),), abs=1e-15)


def test_gradient_norms_match_autograd_per_layer() -> None:
    model = minidl.Sequential(
        minidl.InputFeatures(sin_x1=True),
        minidl.Linear(3, 5),
        minidl.Tanh(),
        minidl.Dropout(0.5),
        minidl.Linear(5, 2, bias=False),
    ).double()
    x = torch.randn(30, 2, dtype=torch.float64)
    labels = torch.randint(0, 2, (30,))
    norms = gradient_norms(model, minidl.CrossEntropyLoss(), x, labels)
    first, second = model[1], model[4]
    w1, b1, w2 = (t.clone().requires_grad_(True) for t in (first.weight.value, first.bias.value, second.weight.value))
    with torch.enable_grad():
        features = torch.stack([x[:, 0], x[:, 1], x[:, 0].sin()], 1)
        logits = torch.tanh(features @ w1.T + b1) @ w2.T  # Dropout is the identity: evaluation mode
        torch.nn.functional.cross_entropy(logits, labels).backward()
    expected = (torch.cat([w1.grad.flatten(), b1.grad]).norm().item(), w2.grad.norm().item())
    assert norms.layers == (1, 4) and norms.norms == pytest.approx(expected, rel=1e-12)


def test_gradient_probe_puts_the_models_gradients_back() -> None:
    model = hand_made()
    marked = [torch.full_like(p.value, 7.0) for p in model.param()]
    for p, grad in zip(model.param(), marked):
        p.grad = grad
    x, target = torch.rand(4, 2, dtype=torch.float64), torch.rand(4, 2, dtype=torch.float64)
    gradient_norms(model, minidl.MSELoss(), x, target)
    assert all(p.grad is grad and bool((grad == 7.0).all()) for p, grad in zip(model.param(), marked))


def run_state(trainer: minidl.Trainer) -> dict[str, Any]:
    """What a checkpoint holds (the epochs' wall-clock seconds aside), and the weights."""
    state = trainer.state_dict()
    state["history"] = [{k: v for k, v in m.items() if k != "seconds"} for m in state["history"]]
    state["weights"] = [p.value.clone() for p in trainer.model.param()]
    return state


def assert_same(a: Any, b: Any, where: str = "state") -> None:
    if isinstance(a, torch.Tensor):
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def dropout_features_spec() -> dict[str, Any]:
    spec = small_spec(epochs=4)
    spec["model"]["layers"] = [
        {"component": "InputFeatures", "config": {"x1_squared": True, "x2_squared": True}},
        {"component": "Linear", "config": {"in_features": 4, "out_features": 8}},
        {"component": "ReLU"},
        {"component": "Dropout", "config": {"p": 0.3}},  # draws from torch's global generator in training
        {"component": "Linear", "config": {"in_features": 8, "out_features": 2}},
    ]
    return spec


def test_probing_between_epochs_changes_nothing_a_run_or_its_checkpoint_holds() -> None:
    spec = dropout_features_spec()
    plain = minidl.build_trainer(spec)
    plain.fit()
    expected = run_state(plain)
    probed = minidl.build_trainer(spec)
    seen = []
    for _ in range(4):
        probed.run_epoch()
        for layer in (None, 0, 2, 3):
            seen.append(probe(probed, layer, 6))
    assert_same(run_state(probed), expected)
    assert [p.epoch for p in seen[::4]] == [1, 2, 3, 4] and seen[-1].gradients.layers == (1, 4)
    assert seen[-1].weights.layer == 1 and seen[-1].units.codes.shape == (8, 6, 6)


def test_probe_without_a_selection_or_without_2d_data() -> None:
    trainer = minidl.build_trainer(small_spec())
    bare = probe(trainer, None, 6)
    assert bare.units is None and bare.weights is None and bare.gradients.layers == (0, 2, 4, 6)
    data = trainer.data
    wide = replace(data, train_x=torch.cat([data.train_x, data.train_x], 1), test_x=torch.cat([data.test_x] * 2, 1))
    model = minidl.Sequential(minidl.Linear(4, 3), minidl.ReLU(), minidl.Linear(3, 2))
    four = minidl.Trainer(model, minidl.CrossEntropyLoss(), minidl.SGD(model.param()), DataSplit(**vars(wide)))
    result = probe(four, 1, 6)
    assert result.units is None and result.weights.values.shape == (3, 4)
