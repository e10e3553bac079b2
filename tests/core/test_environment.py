"""The on/off environment variables read one way: ``MINIDL_DEBUG=false`` turned debugging on, while
``MINIDL_COMPILE=false`` was refused; now every switch takes 0 or 1 and refuses anything else in one line."""

from __future__ import annotations

import pytest

from minidl.core.environment import switch
from minidl.core.errors import ConfigError


@pytest.mark.parametrize(("value", "on"), [(None, False), ("", False), ("0", False), (" 1 ", True), ("1", True)])
def test_zero_unset_or_empty_is_off_and_one_is_on(monkeypatch: pytest.MonkeyPatch, value: str | None, on: bool) -> None:
    if value is None:
        monkeypatch.delenv("MINIDL_DEBUG", raising=False)
    else:
        monkeypatch.setenv("MINIDL_DEBUG", value)
    assert switch("MINIDL_DEBUG") is on


@pytest.mark.parametrize("value", ["false", "true", "yes", "2", "off"])
def test_anything_else_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("MINIDL_STRICT_PLUGINS", value)
    with pytest.raises(ConfigError, match=rf"^MINIDL_STRICT_PLUGINS: expected 0 or 1, got '{value}'$"):
        switch("MINIDL_STRICT_PLUGINS")
