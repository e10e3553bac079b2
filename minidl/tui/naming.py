"""How components are named on screen: short names where unique, a layer's config in one short line."""

from __future__ import annotations

from typing import Any

from minidl import registry
from minidl.tui.fieldtext import format_value


def short_name(kind: str, component: str) -> str:
    """The name ``registry.names(kind)`` lists for a (possibly qualified) component id."""
    entry = registry.entry(kind, component)
    return entry.name if entry.name in registry.names(kind) else entry.id


def layer_label(ref: dict[str, Any]) -> str:
    """``Linear(2, 25)``, ``Dropout(p=0.1)``, ``ReLU``: required values, then those that differ from defaults."""
    name = short_name("module", ref["component"])
    config = ref.get("config", {})
    parts = []
    for field in registry.fields("module", ref["component"]):
        value = config.get(field.name, field.default)
        if field.required:
            parts.append(format_value(value))
        elif value != field.default and not (isinstance(value, (list, tuple)) and tuple(value) == field.default):
            parts.append(f"{field.name}={format_value(value)}")
    return f"{name}({', '.join(parts)})" if parts else name
