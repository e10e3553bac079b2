"""The real app, headless (Pilot): build a network, train seeded epochs, edit the setup, hit the error paths.

Tests wait on the training worker (``app.workers.wait_for_complete``), never on the clock.
"""

from __future__ import annotations

import importlib.util

import pytest
from textual.command import CommandPalette
from textual.widgets import Button, Input, OptionList

from minidl.tui.screens.layer_form import LayerForm
from minidl.tui.widgets.component_picker import ComponentPicker
from minidl.tui.widgets.fields_form import FieldsForm
from tests.tui.conftest import SIZE, add_layer, open_file, save_as, settle, small_spec, status, tui, wait_until


async def test_space_trains_to_the_planned_epochs_and_n_steps_one() -> None:
    app = tui(small_spec(epochs=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        assert len(app.main.history) == 1 and app.main.state == "paused"
        await pilot.press("space")
        await settle(app, pilot)
        assert [m.epoch for m in app.main.history] == [1, 2, 3]
        assert app.main.state == "done"
        await pilot.press("n")
        assert "epochs done" in status(app)


async def test_space_pauses_a_running_training() -> None:
    app = tui(small_spec(epochs=100_000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.pause(0.3)
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.state == "paused"
        assert 0 < len(app.main.history) < 100_000
        assert len(app.main.history) == app.main.session.trainer.epoch


async def test_reset_gives_fresh_weights_and_clears_the_history() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(app, pilot)
        before = app.main.session.trainer
        await pilot.press("r")
        await pilot.pause()
        assert app.main.session.trainer is not before and app.main.history == []
        assert app.main.state == "ready"


async def test_build_a_network_with_the_picker_and_forms() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await add_layer(app, pilot, "Dropout", p="0.2")  # after layer 0
        layers = app.main.session.value("layers")
        assert layers[1] == {"component": "minidl:Dropout", "config": {"p": 0.2}}
        await pilot.press("shift+down")
        await pilot.pause()
        assert app.main.session.value("layers")[2]["component"] == "minidl:Dropout"
        await pilot.press("delete")
        await pilot.pause()
        assert [ref["component"] for ref in app.main.session.value("layers")].count("minidl:Dropout") == 0
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.state == "done"


async def test_a_plugin_layer_appears_and_trains() -> None:
    if importlib.util.find_spec("minidl_extra") is None:
        pytest.skip("the minidl-extra plugin is not installed")
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        ids = [
            app.screen.query_one(OptionList).get_option_at_index(i).id
            for i in range(app.screen.query_one(OptionList).option_count)
        ]
        assert "GELU" in ids and "BatchNorm1d" in ids
        await pilot.press("escape")
        await pilot.pause()
        await add_layer(app, pilot, "GELU")
        assert app.main.session.value("layers")[1]["component"] == "minidl-extra:GELU"
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.state == "done"


async def test_layer_form_shows_invalid_values_inline_and_refuses_them() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # edit layer 0: Linear(2, 25)
        await pilot.pause()
        form = app.screen.query_one(FieldsForm)
        editor = next(i for i in app.screen.query(Input) if i.name == "out_features")
        editor.value = "-3"
        await pilot.pause()
        assert "out_features: expected int >= 1" in form.errors["out_features"]
        assert app.screen.query_one("#ok", Button).disabled
        editor.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, LayerForm)  # not accepted
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.session.value("layers")[0]["config"]["out_features"] == 25


async def test_a_network_that_does_not_fit_cannot_train_and_says_why() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        app.main.query_one("#layers").index = 6
        await pilot.press("delete")  # the last Linear: the network now outputs 25 values
        await pilot.pause()
        assert app.main.state == "invalid"
        await pilot.press("space")
        await pilot.pause()
        assert "classes" in status(app) and app.main.history == []


async def setup_input(app, pilot, section: str, field: str) -> Input:
    app.main.query_one("#editor").active = "training-tab"
    await pilot.pause()
    host = (
        app.main.query_one(f"#pick-{section}", ComponentPicker) if section != "run" else app.main.query_one("#run-form")
    )
    return next(i for i in host.query(Input) if i.name == field)


async def test_learning_rate_applies_live_and_invalid_values_block_training() -> None:
    app = tui(small_spec(epochs=4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        trainer = app.main.session.trainer
        lr = await setup_input(app, pilot, "optimizer", "lr")
        lr.value = "0.01"
        await pilot.pause()
        assert app.main.session.trainer is trainer and trainer.optimizer.lr == 0.01
        assert len(app.main.history) == 1  # weights and history kept
        lr.value = "fast"
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert "fix the invalid values" in status(app) and len(app.main.history) == 1
        lr.value = "0.02"
        await pilot.pause()
        app.main.query_one("#layers").focus()
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.history[-1].lr == 0.02 and app.main.state == "done"


async def test_changing_the_seed_or_data_rebuilds() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        trainer = app.main.session.trainer
        seed = await setup_input(app, pilot, "run", "seed")
        seed.value = "7"
        await pilot.pause()
        assert app.main.session.trainer is not trainer and app.main.history == []
        n_train = await setup_input(app, pilot, "dataset", "n_train")
        n_train.value = "40"
        await pilot.pause()
        assert app.main.session.trainer.data.train_x.shape[0] == 40


async def test_a_diverging_run_stops_with_a_readable_message() -> None:
    spec = small_spec(epochs=50)
    spec["training"]["optimizer"] = {"component": "SGD", "config": {"lr": 1e30}}
    app = tui(spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.state == "failed"
        assert "learning rate" in status(app)
        await pilot.press("space")  # refuses to go on until reset
        await pilot.pause()
        assert "learning rate" in status(app)


async def test_commands_are_in_the_palette() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"one epoch")
        await pilot.pause(0.2)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert len(app.main.history) == 1


async def test_keys_are_in_the_footer() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = {key for key, active in app.main.active_bindings.items() if active.binding.show}
        assert {"space", "n", "r", "a", "delete", "ctrl+s", "ctrl+o", "ctrl+q"} <= shown


async def test_save_a_checkpoint_reopen_and_resume_exactly(tmp_path) -> None:
    path = str(tmp_path / "run.minidl")
    straight = tui(small_spec(epochs=4))
    async with straight.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(straight, pilot)
        expected = list(straight.main.history)
    first = tui(small_spec(epochs=4))
    async with first.run_test(size=SIZE) as pilot:
        for _ in range(2):
            await pilot.press("n")
            await settle(first, pilot)
        await save_as(first, pilot, path)
        assert "saved checkpoint" in status(first)
    again = tui(small_spec(epochs=1))  # another app, as after a restart
    async with again.run_test(size=SIZE) as pilot:
        await open_file(again, pilot, path)
        assert "opened" in status(again)
        assert [m.epoch for m in again.main.history] == [1, 2]
        await pilot.press("space")
        await settle(again, pilot)
        resumed = again.main.history
    assert [(m.train_loss, m.test_loss) for m in resumed] == [(m.train_loss, m.test_loss) for m in expected]


async def test_save_a_model_and_open_it_from_the_command_line(tmp_path) -> None:
    path = str(tmp_path / "net.minidl")
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await add_layer(app, pilot, "Tanh")
        await pilot.press("space")
        await settle(app, pilot)
        await save_as(app, pilot, path, kind="model")
        assert "saved model" in status(app)
        weights = [p.value.clone() for p in app.main.session.trainer.model.param()]
    reopened = tui(path=path)  # as `minidl-tui FILE`
    async with reopened.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert reopened.main.session.value("layers")[1]["component"] == "minidl:Tanh"
        model = reopened.main.session.trainer.model
        assert all((a == p.value).all() for a, p in zip(weights, model.param()))
        assert reopened.main.history == []  # a model file starts a fresh training run


async def test_n_while_training_stops_after_the_current_epoch() -> None:
    """Seen: the footer offers "n Epoch" (train one epoch, then stop), but while training ran n did nothing."""
    app = tui(small_spec(epochs=100_000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.pause(0.3)
        await pilot.press("n")
        stopped = await wait_until(pilot, lambda: not app.main.running, deadline=10)
        if not stopped:
            await pilot.press("space")  # the test ends either way
        await settle(app, pilot)
        assert stopped and app.main.state == "paused"
        assert status(app) == f"paused after epoch {len(app.main.history)}"
