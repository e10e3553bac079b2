"""The app never ends by itself and never loses the network: what once made minidl-tui exit with the
user's unsaved work gone is now a message, and what must stop the app rescues the network first."""

from __future__ import annotations

import signal

import pytest
from textual import events
from textual.widgets import Label, OptionList

from minidl import registry
from minidl.tui import recovery
from minidl.tui.app import make_app
from minidl.tui.config import TEST_CONFIG
from minidl.tui.screens.choice import Choice
from minidl.tui.screens.layer_form import LayerForm
from minidl.tui.session import Session
from minidl.tui.widgets.loss_chart import LossChart
from tests.tui.conftest import SIZE, edit_layer, layer_names, save_as, settle, small_spec, status, tui
from tests.tui.plugins import exploding_layer, install_exploding


@pytest.mark.parametrize(
    "index,values",
    [
        (0, {"in_features": "10000000", "out_features": "10000000"}),  # the allocation fails (400 TB)
        (4, {"out_features": "100000"}),  # a width of 100000: the next layer does not fit
    ],
    ids=["allocation", "width"],
)
async def test_a_layer_that_cannot_be_built_is_a_message_and_ctrl_z_brings_the_work_back(index, values) -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        trained = app.main.session.trainer
        await edit_layer(app, pilot, index, **values)
        assert app.is_running and app.main.state == "invalid"
        assert status(app).startswith("cannot build this network: ") and "\n" not in status(app)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.main.session.trainer is trained and len(app.main.history) == 1  # weights and history back
        assert f"undone: layer {index} Linear(" in status(app)


async def test_a_width_past_int64_is_refused_before_anything_is_built() -> None:
    """Today's OverflowError inside torch: the spec's check refuses the number, the network stays as it was."""
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        trained = app.main.session.trainer
        await edit_layer(app, pilot, 0, in_features="99999999999999999999999")
        assert app.is_running and app.main.session.trainer is trained
        assert "spec.model.layers[0].config.in_features" in status(app) and "\n" not in status(app)
        assert layer_names(app)[0] == "Linear" and len(app.main.history) == 1


@pytest.mark.parametrize("where", ["constructor", "forward"])
async def test_a_plugin_layer_that_raises_while_built_leaves_the_app_running(plugin_dir, where) -> None:
    install_exploding(plugin_dir)
    spec = small_spec()
    spec["model"]["layers"].insert(1, exploding_layer(where))
    app = tui(spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.state == "invalid" and f"{where} exploded [/]" in status(app)
        await pilot.press("space")  # refuses, says why
        assert app.is_running and "cannot build" in status(app)
        await pilot.press("down", "delete")  # remove the culprit: the network trains
        await pilot.press("n")
        await settle(app, pilot)
        assert "Explodes" not in layer_names(app) and len(app.main.history) == 1


@pytest.mark.parametrize("where", ["training", "backward"])
async def test_a_plugin_layer_that_raises_while_training_stops_training_not_the_app(plugin_dir, where) -> None:
    install_exploding(plugin_dir)
    spec = small_spec(epochs=5)
    spec["model"]["layers"].insert(1, exploding_layer(where))
    app = tui(spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(app, pilot)
        assert app.is_running and app.main.state == "failed"
        assert "exploded [/]" in status(app)
        assert "Explodes" in layer_names(app)  # the network stays as the user made it


async def test_plugin_text_is_shown_as_text_never_as_markup(plugin_dir) -> None:
    install_exploding(plugin_dir)
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "[/]" not in names  # the registry refuses a name that is markup
        await pilot.press("escape")
        await pilot.press("a")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("Explodes")
        await pilot.press("enter")  # the form: a summary, a help tooltip and a label with markup in them
        await pilot.pause()
        assert isinstance(app.screen, LayerForm)
        label = next(w for w in app.screen.query(Label) if str(w.render()) == "normalized_shape_of_inputs")
        assert label.size.width == len("normalized_shape_of_inputs") + 1  # the whole name, not cut
        await pilot.press("escape")
        await pilot.press("3")  # the Plugins tab: the refusal quotes the name, as text
        await pilot.pause()
        shown = [str(w.render()) for w in app.screen.query(".plugin")]
        assert any("minidl-bracket" in text and "name='[/]'" in text for text in shown)
        assert app.is_running


async def test_an_action_that_fails_is_shown_and_the_app_goes_on(monkeypatch) -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        rebuild = Session.rebuild
        monkeypatch.setattr(Session, "rebuild", lambda self, model=None: (_ for _ in ()).throw(KeyError("[/] bug")))
        await pilot.press("r")
        await pilot.pause()
        assert status(app) == "KeyError: '[/] bug'" and app.is_running
        monkeypatch.setattr(Session, "rebuild", rebuild)
        await pilot.press("n")
        await settle(app, pilot)
        assert len(app.main.history) == 1


def broken_draw(self) -> list:
    raise RuntimeError("drawing failed")


async def test_when_the_app_must_stop_it_rescues_the_network_and_the_next_start_offers_it(
    monkeypatch, recovery_folder, tmp_path
) -> None:
    app = tui(small_spec(epochs=100_000))
    with pytest.raises(RuntimeError, match="drawing failed"), monkeypatch.context() as patch:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("space")  # training runs while the app has to stop
            await pilot.pause()
            patch.setattr(LossChart, "draw", broken_draw)  # an exception no guard can catch: a render
            app.main.query_one(LossChart).redraw()
            await pilot.pause()
    rescued = recovery.newest(recovery_folder)
    assert rescued is not None and str(rescued) in app.exit_note and "minidl-tui --recover" in app.exit_note
    trainer = Session.open(rescued).trainer
    assert trainer.epoch > 0 and trainer.epoch == len(trainer.history)  # whole epochs, weights and history

    again = tui()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, Choice) and again.screen.title_text == "Recovered work"
        await pilot.press("o")
        await settle(again, pilot)
        assert again.main.session.trainer.epoch == trainer.epoch and again.main.unsaved
        assert status(again).startswith(f"recovered {rescued.name}")
        await save_as(again, pilot, str(tmp_path / "kept.minidl"))
        assert not rescued.exists() and not again.main.unsaved  # its work now lives in the user's file


@pytest.mark.parametrize("answer,kept", [("l", True), ("d", False)], ids=["later", "discard"])
async def test_a_rescued_network_can_wait_or_be_discarded(recovery_folder, answer, kept) -> None:
    rescued = recovery.write(Session(small_spec()), recovery_folder)
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(answer)
        await pilot.pause()
        assert app.main.session.trainer is not None and rescued.exists() == kept


def test_two_rescues_within_one_second_are_two_files_and_the_newest_is_offered(recovery_folder) -> None:
    """Seen in the suite: a rescue written in the same second as the file it reopened replaced that file."""
    first = recovery.write(Session(small_spec()), recovery_folder)
    second = recovery.write(Session(small_spec()), recovery_folder)
    assert first != second and first.exists() and recovery.newest(recovery_folder) == second


async def test_recover_opens_the_rescued_network_and_a_signal_rescues_it(recovery_folder) -> None:
    session = Session(small_spec(epochs=4))
    session.trainer.run_epoch()
    rescued = recovery.write(session, recovery_folder)
    app = make_app(rescued, config=TEST_CONFIG, recovered=True)  # as minidl-tui --recover
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.main.history) == 1 and status(app).startswith("recovered")
        assert app.main.path == rescued.name  # saving proposes the current folder, not the rescue folder
        app.stop_with_rescue(signal.SIGTERM)
        await pilot.pause()
    assert app.return_code == 128 + signal.SIGTERM
    assert len(list(recovery_folder.glob(recovery.PATTERN))) == 2
    untouched = tui()
    async with untouched.run_test(size=SIZE) as pilot:
        await pilot.press("escape")  # the offer of the rescued networks
        untouched.stop_with_rescue(signal.SIGHUP)  # nothing unsaved: no file to offer next time
        await pilot.pause()
    assert untouched.exit_note == "stopped by SIGHUP; nothing unsaved was lost"
    assert len(list(recovery_folder.glob(recovery.PATTERN))) == 2


async def test_quitting_asks_first_only_when_work_would_be_lost() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, Choice) and app.screen.focused.id == "answer-cancel"
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+q", "q")
        await pilot.pause()
    assert app.return_code == 0
    fresh = tui()
    async with fresh.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")  # nothing trained, nothing changed: no question
        await pilot.pause()
        assert not fresh.is_running


def test_registry_is_back_to_the_installed_plugins() -> None:
    assert "Explodes" not in registry.names("module")


async def test_keys_that_arrive_after_a_dialog_answered_are_ignored() -> None:
    """A quick double Enter once closed the picker twice: the second close popped the main screen."""
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        for key in ("enter", "enter", "escape", "escape"):  # queued before the picker has closed
            app.post_message(events.Key(key, "\r" if key == "enter" else "\x1b"))
        await pilot.pause()
        assert app.is_running and app.screen is app.main and layer_names(app)[1] == "ReLU"


async def test_a_home_folder_that_does_not_exist_is_a_path_like_any_other(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = tui()
    failures: list[BaseException] = []
    app.show_failure = failures.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await save_as(app, pilot, "~nobody-at-all/x.minidl")
        assert "there is no folder ~nobody-at-all" in str(app.screen.query_one("#problem").render())
    assert failures == []
