"""core/config.py on its own: reading declarations, validating values, the object as the one source of its values."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import pytest
import torch

import minidl
from minidl.core.config import Configurable, Field, Param, schema_of, undeclared_parameters, validate_config
from minidl.core.errors import ConfigError


class Widget(Configurable):
    """Every kind of declaration the reader understands, and one runtime argument."""

    runtime_arguments = ("owner",)

    def __init__(
        self,
        owner: object,
        size: Annotated[int, Param(ge=1, help="how many")],
        rate: Annotated[float, Param(gt=0.0, le=1.0)] = 0.5,
        mode: Literal["a", "b"] = "a",
        pair: tuple[float, float] = (1.0, 2.0),
        label: str | None = None,
        flag: bool = False,
    ) -> None:
        self.owner, self.size, self.rate, self.mode, self.pair, self.label, self.flag = (
            owner,
            size,
            rate,
            mode,
            pair,
            label,
            flag,
        )


class Sub(Widget):
    """A subclass calling its base's constructor: checked once, against its own signature."""

    def __init__(self, owner: object, size: Annotated[int, Param(ge=2)] = 2) -> None:
        super().__init__(owner, size, rate=1.0)


def test_schema_reads_types_bounds_choices_and_defaults() -> None:
    fields = {f.name: f for f in schema_of(Widget)}
    assert list(fields) == ["size", "rate", "mode", "pair", "label", "flag"]  # the runtime argument is not one
    assert fields["size"] == Field("size", "int", required=True, help="how many", ge=1)
    assert fields["rate"].expected() == "float > 0 and <= 1"
    assert fields["mode"].choices == ("a", "b") and fields["mode"].type == "str"
    assert fields["pair"].type == "tuple[float, float]" and fields["pair"].length == 2
    assert fields["label"].nullable and fields["label"].expected() == "str or None"
    assert undeclared_parameters(Widget) == ()


def test_parameters_neither_declared_nor_runtime_are_listed() -> None:
    class Loose(Configurable):
        def __init__(self, alpha=1.0, items: list[int] | None = None, *rest: int, **extra: int) -> None:
            pass

    assert schema_of(Loose) == ()
    assert undeclared_parameters(Loose) == ("alpha", "items", "rest", "extra")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (Field("n", "int", ge=0), 3, 3),
        (Field("x", "float", lt=1.0), 0, 0.0),
        (Field("t", "tuple[float, float]"), [1, 2.5], (1.0, 2.5)),
        (Field("s", "str", nullable=True), None, None),
        (Field("b", "bool"), True, True),
    ],
)
def test_field_normalises_valid_values(field: Field, value: object, expected: object) -> None:
    result = field.validate(value, "here")
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (Field("n", "int", ge=0), True, "expected int >= 0, got True (bool)"),
        (Field("n", "int", ge=0), -1, "expected int >= 0, got -1 (int)"),
        (Field("x", "float", lt=1.0), math.nan, "expected float < 1, got nan"),
        (Field("x", "float", lt=1.0), "0.5", "expected float < 1, got '0.5' (str)"),
        (Field("t", "tuple[float, float]"), [1.0], "expected tuple[float, float], got [1.0] (list)"),
        (Field("m", "str", choices=("a", "b")), "c", "expected one of 'a', 'b', got 'c' (str)"),
    ],
)
def test_field_names_the_place_and_what_was_expected(field: Field, value: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        field.validate(value, "here")
    assert str(error.value) == f"here: {message}"


def test_validate_config_fills_defaults_and_refuses_unknown_or_missing() -> None:
    assert validate_config(Widget, {"size": 3}) == {
        "size": 3,
        "rate": 0.5,
        "mode": "a",
        "pair": (1.0, 2.0),
        "label": None,
        "flag": False,
    }
    assert validate_config(Widget, {"rate": 1}, partial=True) == {"rate": 1.0}
    with pytest.raises(ConfigError, match=r"^at: unknown parameter 'sise' for Widget \(known: size, rate, mode, "):
        validate_config(Widget, {"sise": 3}, where="at")
    with pytest.raises(ConfigError, match=r"^Widget: missing required parameter 'size' \(int >= 1\)$"):
        validate_config(Widget, {})
    with pytest.raises(ConfigError, match=r"^at\.rate: expected float > 0 and <= 1, got 2"):
        validate_config(Widget, {"size": 1, "rate": 2}, where="at")


def test_constructor_arguments_are_validated_once_and_normalised() -> None:
    widget = Widget(None, 3, rate=1, pair=[3, 4])
    assert widget.rate == 1.0 and type(widget.rate) is float and widget.pair == (3.0, 4.0)
    with pytest.raises(ConfigError, match=r"^Widget: parameter 'mode': expected one of 'a', 'b', got 'c'"):
        Widget(None, 3, mode="c")
    with pytest.raises(ConfigError, match=r"^Widget: missing a required argument: 'size'"):
        Widget(None)
    with pytest.raises(ConfigError, match=r"^Sub: parameter 'size': expected int >= 2, got 1"):
        Sub(None, 1)
    assert Sub(None).get_config() == {"size": 2}  # its own declaration: the base's rate is fixed by Sub


def test_get_config_reads_the_live_values() -> None:
    """The object is the source: a plain assignment shows in get_config, repr and a saved file."""
    widget = Widget(None, 3)
    widget.rate, widget.pair = 0.25, (5.0, 6.0)
    assert widget.get_config() == {
        "size": 3,
        "rate": 0.25,
        "mode": "a",
        "pair": [5.0, 6.0],
        "label": None,
        "flag": False,
    }
    dropout = minidl.Dropout(0.5)
    dropout.p = 0.1
    assert dropout.get_config() == {"p": 0.1} and repr(dropout) == "Dropout(p=0.1)"


def test_an_invalid_live_value_is_an_error_naming_it() -> None:
    dropout = minidl.Dropout(0.5)
    dropout.p = 1.5
    with pytest.raises(ConfigError, match=r"^Dropout\.p: expected float >= 0 and < 1, got 1\.5 \(float\)$"):
        dropout.get_config()
    del dropout.p
    with pytest.raises(ConfigError, match=r"^Dropout: declared parameter 'p' is not an attribute of the object"):
        dropout.get_config()


def test_set_config_validates_everything_before_changing_anything() -> None:
    widget = Widget(None, 3)
    widget.set_config(rate=1, mode="b")
    assert (widget.rate, widget.mode) == (1.0, "b")
    with pytest.raises(ConfigError, match=r"^Widget: parameter 'size': expected int >= 1, got 0"):
        widget.set_config(rate=0.5, size=0)
    assert widget.rate == 1.0  # nothing applied
    with pytest.raises(ConfigError, match=r"^Widget: unknown parameter 'owner' for Widget"):
        widget.set_config(owner=1)  # a runtime argument is not configuration


def test_config_readers_read_structure_and_refuse_changes() -> None:
    layer = minidl.Linear(3, 2, bias=False)
    assert layer.get_config() == {"in_features": 3, "out_features": 2, "bias": False}
    assert repr(layer) == "Linear(in_features=3, out_features=2, bias=False)"
    with pytest.raises(ConfigError, match=r"^Linear: parameter 'bias' is fixed when the object is built"):
        layer.set_config(bias=True)
    features = minidl.InputFeatures(x2=False, sin_x1=True)
    assert {k for k, v in features.get_config().items() if v} == {"x1", "sin_x1"}


def test_from_config_rebuilds_with_runtime_arguments_first() -> None:
    widget = Widget("me", 4, label="x")
    clone = Widget.from_config(widget.get_config(), "you")
    assert clone.owner == "you" and clone.get_config() == widget.get_config()


def test_optimizer_and_scheduler_state_restores_live_values() -> None:
    """load_state_dict goes through set_config: the restored values are the object's, not a copy beside it."""
    optimizer = minidl.SGD([minidl.Parameter(torch.zeros(2))], lr=0.1, momentum=0.9)
    scheduler = minidl.ReduceLROnPlateau(optimizer, patience=0)
    scheduler.step(1.0)
    scheduler.step(2.0)  # a plateau: the rate falls to 0.01
    other = minidl.SGD([minidl.Parameter(torch.zeros(2))], lr=0.1)
    other.load_state_dict(optimizer.state_dict())
    assert other.lr == pytest.approx(0.01) and other.momentum == 0.9
    again = minidl.ReduceLROnPlateau(other, factor=0.5)
    again.load_state_dict(scheduler.state_dict())
    assert again.factor == 0.1 and again.get_config() == scheduler.get_config()


def test_every_kind_reads_its_live_configuration_in_its_repr() -> None:
    """One text for ``Name(k=v, ...)``: modules, optimizers, schedulers, data sets, losses and initializers alike."""
    optimizer = minidl.SGD([minidl.Parameter(torch.zeros(1))], lr=0.1)
    optimizer.set_config(momentum=0.5)
    assert repr(optimizer) == "SGD(lr=0.1, momentum=0.5, dampening=0.0, weight_decay=0.0, nesterov=False)"
    assert repr(minidl.ReduceLROnPlateau(optimizer, patience=2)).startswith("ReduceLROnPlateau(mode='min', factor=0.1,")
    assert repr(minidl.Circle(n_train=5)) == "Circle(n_train=5, n_test=1000, label_noise=0.0)"
    assert repr(minidl.MSELoss()) == "MSELoss()"
    assert repr(minidl.HeNormal(gain=2.0)) == "HeNormal(gain=2.0)"


def test_repr_shows_an_invalid_live_value_instead_of_failing() -> None:
    """repr is for looking at an object, including a broken one (PyTorch's shows ``Dropout(p=1.5)`` too)."""
    dropout = minidl.Dropout(0.5)
    dropout.p = 1.5
    assert repr(dropout) == "Dropout(p=1.5)"
    assert repr(minidl.Adam([minidl.Parameter(torch.zeros(1))], betas=[0.8, 0.9])).startswith(
        "Adam(lr=0.001, betas=(0.8, 0.9),"
    )
