"""Form text is parsed, then checked by the field's own declaration (so messages match the spec's)."""

import pytest

from minidl import registry
from minidl.core.config import Field
from minidl.core.errors import ConfigError
from minidl.tui.fieldtext import format_value, parse


def field(kind: str, name: str, param: str) -> Field:
    return next(f for f in registry.fields(kind, name) if f.name == param)


def test_numbers_tuples_and_round_trip() -> None:
    lr, betas = field("optimizer", "Adam", "lr"), field("optimizer", "Adam", "betas")
    assert parse(lr, "1e-3") == 0.001
    assert parse(betas, "0.9, 0.99") == (0.9, 0.99)
    assert parse(betas, format_value((0.5, 0.25))) == (0.5, 0.25)


@pytest.mark.parametrize(("text", "expected"), [("-1", ">= 0"), ("abc", "expected float"), ("nan", "nan")])
def test_bad_values_say_what_is_expected(text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse(field("optimizer", "Adam", "lr"), text)


def test_required_int_and_nullable() -> None:
    width = field("module", "Linear", "out_features")
    with pytest.raises(ConfigError, match="expected int"):
        parse(width, "")
    assert parse(Field("x", "float", nullable=True), "None") is None
