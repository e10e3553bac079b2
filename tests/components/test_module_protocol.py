"""The module protocol beyond the maths: pairs, accumulation, modes, dtype, repr, bad input."""

from __future__ import annotations

import pytest
import torch

import minidl


def net() -> minidl.Sequential:
    return minidl.Sequential(minidl.Linear(2, 5), minidl.ReLU(), minidl.Dropout(0.2), minidl.Linear(5, 2))


def test_param_returns_named_value_grad_pairs() -> None:
    model = net()
    pairs = model.param()
    assert len(pairs) == 4 and minidl.ReLU().param() == []
    for pair in pairs:
        value, grad = pair
        assert value is pair.value and grad is pair.grad and value.shape == grad.shape


def test_two_backward_calls_accumulate_until_zero_grad() -> None:
    model = net().eval()
    x = torch.randn(4, 2)
    model.forward(x)
    model.backward(torch.ones(4, 2))
    once = [p.grad.clone() for p in model.param()]
    model.forward(x)
    model.backward(torch.ones(4, 2))
    for pair, g in zip(model.param(), once):
        torch.testing.assert_close(pair.grad, 2 * g)
    model.zero_grad()
    assert all(torch.count_nonzero(p.grad) == 0 for p in model.param())


def test_dropout_mask_scaling_and_gradient() -> None:
    drop = minidl.Dropout(0.25)
    x = torch.ones(200, 200, dtype=torch.float64)
    y = drop.forward(x)
    kept = y != 0
    assert torch.all(y[kept] == 1 / 0.75)
    assert kept.double().mean().item() == pytest.approx(0.75, abs=0.01)
    grad = drop.backward(torch.full_like(x, 3.0))
    assert torch.equal(grad != 0, kept) and torch.all(grad[kept] == 3 / 0.75)


def test_dropout_is_identity_in_eval_mode() -> None:
    model = net()
    model.eval()
    assert not any(m.training for m in model.modules())
    x = torch.randn(8, 2)
    torch.testing.assert_close(model(x), model(x))
    model.train()
    assert all(m.training for m in model.modules())


@pytest.mark.parametrize("p", [-0.1, 1.0, 2.0])
def test_dropout_rejects_p_outside_unit_interval(p: float) -> None:
    with pytest.raises(minidl.ConfigError, match=r"Dropout: parameter 'p': expected float >= 0 and < 1"):
        minidl.Dropout(p)


def test_wrong_input_width_names_the_layer() -> None:
    with pytest.raises(
        minidl.ShapeError, match=r"Linear\(2 -> 5\): expected input of shape \(batch, 2\), got \(4, 3\)"
    ):
        net().forward(torch.randn(4, 3))


def test_backward_before_forward() -> None:
    for module in (minidl.Linear(2, 2), minidl.ReLU(), minidl.Tanh(), minidl.Dropout()):
        with pytest.raises(minidl.CallOrderError, match=f"{type(module).__name__}.backward called before forward"):
            module.backward(torch.ones(1, 2))
    for loss in (minidl.MSELoss(), minidl.CrossEntropyLoss()):
        with pytest.raises(minidl.CallOrderError, match="before forward"):
            loss.backward()


def test_loss_target_shape_errors() -> None:
    with pytest.raises(
        minidl.ShapeError, match=r"MSELoss: target shape \(3,\) does not match prediction shape \(3, 2\)"
    ):
        minidl.MSELoss()(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(
        minidl.ShapeError, match=r"CrossEntropyLoss: expected prediction \(batch, classes\) and target \(batch,\)"
    ):
        minidl.CrossEntropyLoss()(torch.zeros(3, 2), torch.zeros(3, 2, dtype=torch.long))
    with pytest.raises(minidl.ShapeError, match="integer class indices"):
        minidl.CrossEntropyLoss()(torch.zeros(3, 2), torch.zeros(3))


def test_bad_constructor_arguments() -> None:
    with pytest.raises(minidl.ConfigError, match=r"Linear: parameter 'in_features': expected int >= 1, got 0"):
        minidl.Linear(0, 3)
    with pytest.raises(minidl.ConfigError, match=r"Linear: parameter 'out_features': expected int >= 1, got 2.5"):
        minidl.Linear(2, 2.5)
    with pytest.raises(minidl.ConfigError, match=r"Linear: missing a required argument: 'out_features'"):
        minidl.Linear(2)
    with pytest.raises(minidl.ConfigError, match="SGD: got an empty parameter list"):
        minidl.SGD([], lr=0.1)
    with pytest.raises(minidl.ConfigError, match="nesterov=True needs momentum > 0"):
        minidl.SGD(net().param(), lr=0.1, nesterov=True)


def test_to_moves_parameters_and_the_optimizer_follows() -> None:
    model = net()
    optimizer = minidl.SGD(model.param(), lr=0.1, momentum=0.9)
    model.to(dtype=torch.float64)
    assert all(p.value.dtype == torch.float64 and p.grad.dtype == torch.float64 for p in model.param())
    x = torch.randn(3, 2, dtype=torch.float64)
    model.backward(torch.ones(3, 2, dtype=torch.float64) + 0 * model(x))
    before = model.param()[0].value.clone()
    optimizer.step()
    assert not torch.equal(before, model.param()[0].value)


def test_config_round_trip_and_repr() -> None:
    layer = minidl.Linear(3, 4, bias=False)
    assert layer.get_config() == {"in_features": 3, "out_features": 4, "bias": False}
    clone = minidl.Linear.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    with pytest.raises(minidl.ConfigError, match=r"unknown parameter 'width' for Linear"):
        minidl.Linear.from_config({"in_features": 3, "out_features": 4, "width": 2})
    assert repr(net()) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=5, bias=True)\n"
        "  (1): ReLU()\n"
        "  (2): Dropout(p=0.2)\n"
        "  (3): Linear(in_features=5, out_features=2, bias=True)\n"
        ")"
    )


def test_sequential_is_a_list_of_modules() -> None:
    model = net()
    assert len(model) == 4 and isinstance(model[0], minidl.Linear) and list(model)[1] is model[1]
    assert isinstance(model[1:3], minidl.Sequential) and len(model[1:3]) == 2
    with pytest.raises(minidl.ConfigError, match="Sequential: item 1 is int"):
        minidl.Sequential(minidl.ReLU(), 3)


def test_evaluating_switches_to_eval_and_restores_each_mode_even_after_an_error() -> None:
    model = minidl.Sequential(minidl.Linear(2, 3), minidl.Dropout(0.5), minidl.Linear(3, 2))
    model[1].eval()
    with pytest.raises(minidl.ShapeError), model.evaluating() as same:
        assert same is model and not any(m.training for m in model.modules())
        model(torch.zeros(1, 5))
    assert [m.training for m in model.modules()] == [True, True, False, True]


class Block(minidl.Module):
    """Sub-modules held as attributes, and a buffer: PyTorch names them ``first.weight``, ``count``."""

    buffer_names = ("count",)

    def __init__(self) -> None:
        super().__init__()
        self.first, self.act, self.second = minidl.Linear(3, 4), minidl.ReLU(), minidl.Linear(4, 2, bias=False)
        self.count = torch.zeros(2)

    def children(self) -> list[minidl.Module]:
        return [self.first, self.act, self.second]


class TorchBlock(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.first, self.act, self.second = torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2, bias=False)
        self.register_buffer("count", torch.zeros(2))


def test_names_are_pytorchs_recursive_dotted_names() -> None:
    """named_children/named_modules/named_parameters/named_buffers name what torch.nn names, as torch.nn does."""
    ours = minidl.Sequential(minidl.Linear(2, 3), Block())
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), TorchBlock())
    for method in ("named_children", "named_modules", "named_parameters", "named_buffers"):
        assert [n for n, _ in getattr(ours, method)()] == [n for n, _ in getattr(theirs, method)()], method
    named = [n for n, _ in ours[1].named_parameters("layers.1")]
    assert named == ["layers.1.first.weight", "layers.1.first.bias", "layers.1.second.weight"]
    assert ours.named_parameters(recurse=False) == [] and ours[1].named_buffers(recurse=False)[0][0] == "count"
    assert [p for _, p in ours.named_parameters()] == ours.param()
