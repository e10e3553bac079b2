"""Small seeded specs, a headless app factory and the Pilot steps the TUI tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, RadioButton

from minidl import registry
from minidl.tui.app import MinidlApp, make_app
from minidl.tui.config import TEST_CONFIG
from minidl.tui.screens.file_dialog import SAVE_KINDS
from minidl.tui.screens.layer_form import LayerForm
from minidl.tui.screens.layer_picker import LayerPicker
from minidl.tui.screens.main import MainScreen
from minidl.tui.widgets.metrics import Metrics
from minidl.workflow.recipe import default_spec

SIZE = (100, 30)


def small_spec(epochs: int = 3, **training: Any) -> dict[str, Any]:
    """The default network on 80 + 80 circle points: an epoch takes milliseconds."""
    spec = default_spec(epochs=epochs, **training)
    spec["training"]["dataset"]["config"] = {"n_train": 80, "n_test": 80}
    return spec


def tui(spec: dict[str, Any] | None = None, path: str | None = None) -> MinidlApp:
    return make_app(path, spec=small_spec() if spec is None and path is None else spec, config=TEST_CONFIG)


def main_screen(app: MinidlApp) -> MainScreen:
    return app.main


def status(app: MinidlApp) -> str:
    return str(app.main.query_one(Metrics).query_one("#status").render())


async def settle(app: MinidlApp, pilot: Pilot) -> None:
    """Wait for training to stop (only the training worker: a file browser's loader runs while it is open)."""
    training = [w for w in app.workers if w.group == "training"]
    if training:  # an empty list would mean every worker
        await app.workers.wait_for_complete(training)
    await pilot.pause()


async def wait_until(pilot: Pilot, condition: Callable[[], bool], deadline: float = 20.0) -> bool:
    """Pause until ``condition()`` holds or ``deadline`` seconds pass; returns the last answer.

    ``pilot.pause()`` judges idleness by CPU time: on a loaded machine it can return before a message has
    travelled up several widgets. Tests that check the end of such a chain wait for it explicitly.
    """
    end = time.monotonic() + deadline
    while not condition() and time.monotonic() < end:
        await pilot.pause(0.02)
    return condition()


async def add_layer(app: MinidlApp, pilot: Pilot, name: str, **values: str) -> None:
    """Press a, pick ``name`` in the picker, type ``values`` into its form, press Enter."""
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, LayerPicker)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(name)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, LayerForm)
    for field, text in values.items():
        editor = next(i for i in app.screen.query(Input) if i.name == field)
        editor.value = text
    await pilot.pause()
    if values:
        next(iter(app.screen.query(Input))).focus()
    await pilot.press("enter")
    await pilot.pause()
    await settle(app, pilot)


async def save_as(app: MinidlApp, pilot: Pilot, path: str, kind: str = "checkpoint") -> None:
    """ctrl+s, choose ``kind``, type ``path``, Enter (the caller answers any overwrite question)."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    field = app.screen.query_one("#path", Input)
    assert field.has_focus
    index = [k for k, _ in SAVE_KINDS].index(kind)
    list(app.screen.query_one("#kind").query(RadioButton))[index].value = True
    field.value = path
    await pilot.pause()
    await pilot.press("enter")
    await settle(app, pilot)


async def open_file(app: MinidlApp, pilot: Pilot, path: str) -> None:
    await pilot.press("ctrl+o")
    await pilot.pause()
    field = app.screen.query_one("#path", Input)
    assert field.has_focus
    field.value = path
    await pilot.press("enter")
    await settle(app, pilot)


@pytest.fixture(autouse=True)
def _colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots and styles assume colour: a developer's NO_COLOR must not change them."""
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture(autouse=True)
def recovery_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Rescued networks go to a fresh folder per test, never to the developer's own."""
    folder = tmp_path / "recovered"
    monkeypatch.setenv("MINIDL_RECOVERY_DIR", str(folder))
    return folder


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder on sys.path for fake distributions; the registry is rebuilt before and after."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    for var in ("MINIDL_STRICT_PLUGINS", "MINIDL_LOAD_PLUGINS", "MINIDL_DISABLE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    registry.reload()
    yield folder
    registry.reload()


async def edit_layer(app: MinidlApp, pilot: Pilot, index: int, **values: str) -> None:
    """Select layer ``index``, press Enter, type ``values`` into its form, press Enter."""
    layers = app.main.query_one("#layers")
    layers.index = index
    layers.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, LayerForm)
    for field, text in values.items():
        next(i for i in app.screen.query(Input) if i.name == field).value = text
    await pilot.pause()
    next(iter(app.screen.query(Input))).focus()
    await pilot.press("enter")
    await settle(app, pilot)


def layer_names(app: MinidlApp) -> list[str]:
    return [ref["component"].split(":")[-1] for ref in app.main.session.value("layers")]
