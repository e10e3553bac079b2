"""A folder of fake plugin distributions on sys.path, with the registry rebuilt around each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from minidl import registry

SWITCHES = ("MINIDL_STRICT_PLUGINS", "MINIDL_LOAD_PLUGINS", "MINIDL_DISABLE_PLUGINS")


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder on sys.path for fake distributions; the registry is rebuilt before and after."""
    monkeypatch.syspath_prepend(str(tmp_path))
    for var in SWITCHES:
        monkeypatch.delenv(var, raising=False)
    registry.reload()
    yield tmp_path
    registry.reload()


def info_of(distribution: str) -> registry.PluginInfo:
    return next(i for i in registry.plugins() if i.distribution == distribution)
