"""minidl's on/off environment variables (``MINIDL_COMPILE``, ``MINIDL_DEBUG``, ``MINIDL_STRICT_PLUGINS``), read one
way: ``1`` is on, ``0`` or unset (or empty) is off, and anything else is refused, so that ``false`` never means on."""

from __future__ import annotations

import os

from minidl.core.errors import ConfigError


def switch(name: str) -> bool:
    """Whether the environment variable ``name`` is on; a ConfigError naming it when it is neither 0 nor 1."""
    value = os.environ.get(name, "").strip()
    if value not in ("", "0", "1"):
        raise ConfigError(f"{name}: expected 0 or 1, got {value!r}")
    return value == "1"
