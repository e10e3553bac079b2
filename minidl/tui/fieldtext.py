"""What a person types into a form field, turned into a value and checked by the field's own declaration.

The registry's :class:`~minidl.core.config.Field` knows types, bounds and choices; this module only
parses text (``"1e-3"``, ``"0.9, 0.999"``, ``"None"``) so that forms built from any component's fields,
plugin components included, validate exactly as the spec will.
"""

from __future__ import annotations

from typing import Any

from minidl.core.config import Field
from minidl.core.errors import ConfigError

_BOOLS = {"true": True, "false": False}


def parse(field: Field, text: str) -> Any:
    """The value ``text`` stands for, validated by ``field``; raises ConfigError with a readable message."""
    text = text.strip()
    if field.nullable and text.lower() in ("", "none"):
        return None
    if field.length is None:
        value: Any = _scalar(field, text)
    else:
        parts = [p.strip() for p in text.strip("()[] ").split(",")]
        value = tuple(_scalar(field, p) for p in parts if p)
    try:
        return field.validate(value, field.name)
    except ConfigError:
        raise
    except (TypeError, ValueError, ArithmeticError):  # a plugin's odd bounds or choices: still the field's message
        raise ConfigError(f"{field.name}: expected {field.expected()}, got {text!r}") from None


def _scalar(field: Field, text: str) -> Any:
    kind = field.element_type
    try:
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            return _BOOLS[text.lower()]
    except (ValueError, KeyError):
        raise ConfigError(f"{field.name}: expected {field.expected()}, got {text!r}") from None
    return text


def format_value(value: Any) -> str:
    """The text a form shows for ``value`` (the inverse of :func:`parse`)."""
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)
