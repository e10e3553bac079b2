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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long variants run only when asked for by name (``-m hostile_full``), never in the suite."""
    if "hostile_full" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="long variant: run by hand with -m hostile_full")
    for item in items:
        if "hostile_full" in item.keywords:
            item.add_marker(skip)
