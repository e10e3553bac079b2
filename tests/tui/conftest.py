"""Small seeded specs and a headless app factory for the TUI tests."""

from __future__ import annotations

from typing import Any

import pytest

from minidl.tui.app import MinidlApp, make_app
from minidl.tui.config import TEST_CONFIG
from minidl.tui.screens.main import MainScreen
from minidl.workflow.recipe import default_spec


def small_spec(epochs: int = 3, **training: Any) -> dict[str, Any]:
    """The default network on 80 + 80 circle points: an epoch takes milliseconds."""
    spec = default_spec(epochs=epochs, **training)
    spec["training"]["dataset"]["config"] = {"n_train": 80, "n_test": 80}
    return spec


def tui(spec: dict[str, Any] | None = None, path: str | None = None) -> MinidlApp:
    return make_app(path, spec=small_spec() if spec is None and path is None else spec, config=TEST_CONFIG)


def main_screen(app: MinidlApp) -> MainScreen:
    return app.main


@pytest.fixture(autouse=True)
def _colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots and styles assume colour: a developer's NO_COLOR must not change them."""
    monkeypatch.delenv("NO_COLOR", raising=False)
