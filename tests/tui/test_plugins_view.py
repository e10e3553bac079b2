"""Plugins that fail to load, or that provide one short name twice, never stop the app: it starts, says
what failed and what to do (a notification and the Plugins tab), and the default network trains."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest
from textual.widgets import Static

from minidl import registry
from minidl.tui import plugin_report
from minidl.workflow.recipe import default_spec
from tests.registry import fake_plugins as fp
from tests.tui.conftest import SIZE, settle, small_spec, tui


def start_quietly(spec=None):
    """The app, with the registry's own warnings about the plugins silenced (the app reports them itself)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", registry.PluginWarning)
        return tui(spec)


def plugins_text(app) -> str:
    return "\n".join(str(s.render()) for s in app.main.query_one("#plugins").query(Static))


async def test_failed_and_clashing_plugins_are_reported_and_the_default_network_trains(plugin_dir) -> None:
    fp.make_distribution(plugin_dir, "minidl-broken", "0.3.0", "minidl_broken_plugin", fp.IMPORT_FAILS)
    fp.make_distribution(plugin_dir, "minidl-old", "0.1.0", "minidl_old_plugin", fp.OLD_API)
    fp.make_distribution(plugin_dir, "minidl-square", "1.2.0", "minidl_square_plugin", fp.GOOD_PLUGIN)
    fp.make_distribution(plugin_dir, "minidl-square-two", "0.1.0", "minidl_square_two_plugin", fp.SECOND_SQUARE)
    app = start_quietly()
    notes: list[str] = []
    app.notify = lambda message, **options: notes.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert notes == [
            "2 plugin(s) did not load: minidl-broken (failed), minidl-old (incompatible); "
            "1 name(s) provided twice: Square (minidl-square / minidl-square-two). "
            "Everything else works; the Plugins tab (key 3) says what to do."
        ]
        await pilot.press("3")
        await pilot.pause()
        text = plugins_text(app)
        assert "minidl-broken 0.3.0 failed\n  ImportError: broken on purpose" in text
        assert "→ update or reinstall it (pip install --upgrade minidl-broken), or turn it off: " in text
        assert "minidl-old 0.1.0 incompatible" in text and "minidl-square 1.2.0 loaded · 1 component" in text
        clash = "module 'Square' is provided by minidl-square and minidl-square-two: name it minidl-square:Square"
        assert clash in text
        await pilot.press("1", "n")
        await settle(app, pilot)
        assert len(app.main.history) == 1


@pytest.mark.skipif(
    not default_spec()["model"]["layers"][0]["component"].startswith("minidl:"),
    reason="needs the default recipe to name built-ins by qualified id (another change, on its way)",
)
async def test_a_plugin_providing_linear_too_does_not_break_the_default_network(plugin_dir) -> None:
    source = fp.SECOND_SQUARE.replace("class Square", "class Linear").replace("register(Square)", "register(Linear)")
    fp.make_distribution(plugin_dir, "minidl-linear", "0.1.0", "minidl_linear_plugin", source)
    app = start_quietly(small_spec())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        assert len(app.main.history) == 1 and "Linear" in plugins_text(app)


def test_the_report_reads_only_status_error_and_components() -> None:
    def info(name: str, status: str, *components: str) -> SimpleNamespace:
        return SimpleNamespace(distribution=name, version="1", status=status, error="", components=list(components))

    infos = [
        info("a", "loaded", "module:a:X", "loss:a:L"),
        info("b", "loaded", "module:b:X"),
        info("c", "blocked"),
        info("d", "quarantined"),
    ]
    assert [c.name for c in plugin_report.clashes(infos)] == ["X"]
    assert [i.distribution for i in plugin_report.failures(infos)] == ["d"]  # blocked is the user's choice
    assert "MINIDL_DISABLE_PLUGINS=d" in plugin_report.advice(infos[3])  # a status it does not know yet
    assert plugin_report.summary(infos[:1]) == ""
