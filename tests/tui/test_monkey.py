"""A monkey at the keyboard: random keys from the app's bindings, navigation keys and printable characters.

The actions are every key of the command table (the Inside tab's, the pace's and the log scale's
included), sent with the character a terminal would send. Whatever it presses, the app never ends by
itself, never shows a traceback, and no action fails (a failure would be shown by ``show_failure``;
here it would mean a bug). It runs on the default network and on one with a plugin layer that raises
while training. The suite presses 2 x 1,000 keys (a few seconds each); ``pytest -m long
tests/tui/test_monkey.py`` presses 5 x 4,000 more per network, by hand. ctrl+q and the palette are left
out: quitting through them is the user's choice, not the app's.
"""

from __future__ import annotations

import random
import string
import unicodedata

import pytest
from textual import events

from minidl.tui.commands import COMMANDS
from tests.tui.conftest import small_spec, tui
from tests.tui.plugins import exploding_layer, install_exploding

NAVIGATION = ["tab", "shift+tab", "enter", "escape", "up", "down", "left", "right", "home", "end", "backspace"]
ACTIONS = sorted({key for c in COMMANDS for key in c.key.split(",")} - {"ctrl+q"}) + NAVIGATION
PRINTABLE = list(string.ascii_letters + string.digits + string.punctuation + " ")
CHARACTERS = {
    "tab": "\t",
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x08",
    "space": " ",
    **{"minus": "-", "plus": "+", "equals_sign": "=", "left_square_bracket": "[", "right_square_bracket": "]"},
}
BURST = 8  # keys sent before waiting for the app to settle: a fast typist, and 8x fewer waits than Pilot.press


def key_event(key: str) -> events.Key:
    """The event a terminal sends for ``key`` (a key name or one printable character)."""
    if len(key) == 1:
        name = key if key.isalnum() else unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        return events.Key(name, key)
    return events.Key(key, CHARACTERS.get(key))


def keys(seed: int, count: int) -> list[str]:
    """Half actions and navigation, half characters (text fields get typed into, and keys mean things)."""
    rng = random.Random(seed)
    return [rng.choice(ACTIONS if rng.random() < 0.5 else PRINTABLE) for _ in range(count)]


def network(kind: str) -> dict:
    spec = small_spec(epochs=3)
    if kind == "raising plugin":
        spec["model"]["layers"].insert(1, exploding_layer("training"))
    return spec


async def run_monkey(spec: dict, seed: int, count: int) -> None:
    app = tui(spec)
    failures: list[BaseException] = []
    app.show_failure = failures.append  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        pressed = keys(seed, count)
        for start in range(0, count, BURST):
            for key in pressed[start : start + BURST]:
                app.post_message(key_event(key))
            await pilot.pause()
            assert app.is_running, f"the app stopped during keys {start}-{start + BURST} of seed {seed}"
        screen = app.export_screenshot()
    assert app.return_code is None and "Traceback" not in screen
    assert failures == [], f"seed {seed}: actions failed: {failures}"


@pytest.fixture
def networks(plugin_dir, tmp_path, monkeypatch):
    install_exploding(plugin_dir)
    monkeypatch.chdir(tmp_path)  # the monkey saves files where it stands
    return network


@pytest.mark.parametrize("kind", ["default", "raising plugin"])
async def test_random_keys_never_stop_the_app(networks, kind) -> None:
    await run_monkey(networks(kind), seed=0, count=1000)


@pytest.mark.long
@pytest.mark.parametrize("seed", range(1, 6))
@pytest.mark.parametrize("kind", ["default", "raising plugin"])
async def test_random_keys_never_stop_the_app_long(networks, kind, seed) -> None:
    await run_monkey(networks(kind), seed=seed, count=4000)
