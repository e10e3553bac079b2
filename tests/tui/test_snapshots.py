"""Screenshots of the main screen after a fixed, seeded run (no timings on screen: TEST_CONFIG), of the
Inside tab, and of the views that keep work safe: the Plugins tab, the file browser, the layer picker,
a question.

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import pytest
from textual.pilot import Pilot

from minidl import registry
from minidl.tui.app import make_app
from minidl.tui.config import TEST_CONFIG
from minidl.tui.session import Session
from tests.registry import fake_plugins as fp
from tests.tui.conftest import small_spec, tui

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}


async def train_to_the_end(pilot: Pilot) -> None:
    await pilot.press("space")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_main_screen_80x24(snap_compare) -> None:
    """The smallest supported terminal: editor, metrics, boundary and loss chart all visible after 5 epochs."""
    assert snap_compare(tui(small_spec(epochs=5)), terminal_size=(80, 24), run_before=train_to_the_end)


def test_main_screen_large(snap_compare) -> None:
    """A large terminal: wider editor, a big square boundary map, a wide loss chart."""
    assert snap_compare(tui(small_spec(epochs=5)), terminal_size=(160, 48), run_before=train_to_the_end)


@pytest.mark.parametrize("size", SIZES)
def test_inside_tab(snap_compare, size) -> None:
    """After 5 seeded epochs: the first hidden layer's unit maps (paged at 80x24), the weights into it, and
    every layer's gradient norms (one report at the end: the refresh interval outlasts the run)."""
    config = replace(TEST_CONFIG, refresh_interval=3600.0)
    app = make_app(spec=small_spec(epochs=5), config=config)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=train_to_the_end, press=["4", "right"])


@pytest.mark.parametrize("size", SIZES)
def test_plugins_tab(snap_compare, plugin_dir, size) -> None:
    """Every distribution with its status; a failed one with its error and what to do; the start-up notice."""
    fp.make_distribution(plugin_dir, "minidl-broken", "0.3.0", "minidl_broken_plugin", fp.IMPORT_FAILS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", registry.PluginWarning)
        app = tui()
    assert snap_compare(app, terminal_size=SIZES[size], press=["3"])


@pytest.mark.parametrize("size", SIZES)
def test_open_dialog_with_file_browser(snap_compare, tmp_path, monkeypatch, size) -> None:
    """The path field above a browser of folders and .minidl files (other files and hidden ones left out)."""
    folder = tmp_path / "examples"
    (folder / "runs").mkdir(parents=True)
    (folder / "notes.txt").write_text("left out")
    Session(small_spec()).save(folder / "circle.minidl", "spec")
    monkeypatch.chdir(folder)

    async def open_and_browse(pilot: Pilot) -> None:
        await pilot.press("ctrl+o")
        for _ in range(50):  # the tree lists the folder on a worker
            await pilot.pause()
            if pilot.app.screen.query_one("#files").root.children:
                break
        await pilot.press("tab", "down", "down")

    assert snap_compare(tui(), terminal_size=SIZES[size], run_before=open_and_browse)


@pytest.mark.parametrize("size", SIZES)
def test_layer_picker_says_where(snap_compare, size) -> None:
    """Where the new layer goes, and every module (plugins included) with its provider, clear of the scrollbar."""
    assert snap_compare(tui(), terminal_size=SIZES[size], press=["down", "down", "a"])


@pytest.mark.parametrize("size", SIZES)
def test_replace_question(snap_compare, tmp_path, monkeypatch, size) -> None:
    """Saving over an existing file asks first, with Cancel focused."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.minidl").write_bytes(b"the user's earlier work")
    assert snap_compare(tui(), terminal_size=SIZES[size], press=["ctrl+s", "enter"])
