"""Editing without losing work: keys act on what has focus, changes that replace the weights can be
undone (with their weights and history), tabs are keys away, and the status line never goes stale."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, ListView, Static

from minidl.tui.screens.layer_picker import LayerPicker
from tests.tui.conftest import SIZE, layer_names, open_file, settle, small_spec, status, tui, wait_until
from tests.tui.test_files import SPECS

DEFAULT_LAYERS = ["Linear", "ReLU", "Linear", "ReLU", "Linear", "ReLU", "Linear"]


async def test_layer_keys_act_only_while_the_layer_list_has_focus() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        app.main.query_one("#layers", ListView).index = 3
        await pilot.press("2")  # the Training tab: focus in its first field
        await pilot.pause()
        assert not isinstance(app.focused, ListView)
        await pilot.press("delete", "shift+up", "a")
        await pilot.pause()
        assert layer_names(app) == DEFAULT_LAYERS and not isinstance(app.screen, LayerPicker)
        seed = next(i for i in app.main.query(Input) if i.name == "seed")
        seed.focus()
        await pilot.press("end", "delete", "backspace")  # inside a field, delete edits the text
        await pilot.pause()
        assert layer_names(app) == DEFAULT_LAYERS and seed.value == ""
        await pilot.press("1")  # not typed into the field... it has focus, so it is:
        await pilot.pause()
        assert seed.value == "1"
        app.main.query_one("#layers", ListView).focus()
        await pilot.press("delete")
        await settle(app, pilot)
        assert layer_names(app) == ["Linear", "ReLU", "Linear", "Linear", "ReLU", "Linear"]


async def test_the_palette_acts_on_the_network_tab_and_shows_it() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"remove the selected")
        await pilot.pause(0.2)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert layer_names(app) == DEFAULT_LAYERS[1:]
        assert app.main.query_one("#editor").active == "network-tab"


async def test_tabs_and_their_contents_are_reached_by_keys() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        for key, tab, focused in [("2", "training-tab", "setup"), ("3", "plugins-tab", "plugins")]:
            await pilot.press(key)
            await pilot.pause()
            assert app.main.query_one("#editor").active == tab and app.focused.id == focused
        await pilot.press("1")
        await pilot.pause()
        assert app.main.query_one("#editor").active == "network-tab" and isinstance(app.focused, ListView)


async def test_undo_brings_back_the_trained_network_and_redo_the_change() -> None:
    app = tui(small_spec(epochs=4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n", "n")
        await settle(app, pilot)
        trained = app.main.session.trainer
        weights = [p.value.clone() for p in trained.model.param()]
        await pilot.press("down", "delete")  # the wrong layer, after two epochs
        await settle(app, pilot)
        assert app.main.history == [] and "layer 1 ReLU removed: new weights" in status(app)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert layer_names(app) == DEFAULT_LAYERS and app.main.session.trainer is trained
        assert [m.epoch for m in app.main.history] == [1, 2]
        assert all((w == p.value).all() for w, p in zip(weights, trained.model.param()))
        await pilot.press("n")  # and training goes on from there
        await settle(app, pilot)
        assert trained.epoch == 3
        await pilot.press("ctrl+y")
        await settle(app, pilot)
        assert layer_names(app) == ["Linear", "Linear", "ReLU", "Linear", "ReLU", "Linear"]
        await pilot.press("ctrl+z", "ctrl+z")
        await settle(app, pilot)
        assert status(app) == "nothing to undo" and app.main.session.trainer is trained


async def test_reset_seed_changes_and_opening_a_file_are_undone_too() -> None:
    app = tui(small_spec(epochs=4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        trained = app.main.session.trainer
        await pilot.press("r")
        await settle(app, pilot)
        seed = next(i for i in app.main.query(Input) if i.name == "seed")
        seed.value = "7"
        await settle(app, pilot)
        await open_file(app, pilot, str(SPECS / "tanh_plain_ce_adam.minidl"))
        assert "Tanh" in layer_names(app)
        for _ in range(3):
            await pilot.press("ctrl+z")
            await settle(app, pilot)
        assert app.main.session.trainer is trained and app.main.session.value("seed") == 0
        assert next(i for i in app.main.query(Input) if i.name == "seed").value == "0"  # the form follows


async def test_status_lines_do_not_go_stale() -> None:
    app = tui(small_spec(epochs=100_000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("space")  # "pausing after this epoch...", replaced once it has
        await settle(app, pilot)
        assert status(app) == f"paused after epoch {len(app.main.history)}"
        await pilot.press("down", "delete")
        await settle(app, pilot)
        assert "new weights, history cleared" in status(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert status(app) == ""  # the note was about the change, not about later epochs
        epochs = next(i for i in app.main.query(Input) if i.name == "epochs")
        epochs.value = ""
        assert await wait_until(pilot, lambda: status(app) == "epochs: expected int >= 1 and <= 10000000, got ''")
        epochs.value = "12"
        await pilot.pause()
        assert status(app) == ""


async def test_the_picker_says_where_the_new_layer_goes_and_the_points_toggle_reads_well() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        app.main.query_one("#layers", ListView).index = 2
        await pilot.press("a")
        await pilot.pause()
        texts = [str(s.render()) for s in app.screen.query(Static)]
        assert "The new layer goes in place 3, after 2 Linear(25, 25)." in texts
        await pilot.press("escape", "t", "t")
        await pilot.pause()
        assert app.main.query_one("#heatmap").border_subtitle == "no points (t)"


async def test_bad_input_anywhere_is_refused_with_the_fields_message() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        trainer = app.main.session.trainer
        for name, text, message in [
            ("lr", "nan", "lr: expected float >= 0, got nan"),
            ("lr", "fast", "lr: expected float >= 0, got 'fast'"),
            ("batch_size", "1e3", "batch_size: expected int >= 1 and <= 100000000, got '1e3'"),
            ("n_train", "100000000", "n_train: expected int >= 1 and <= 10000000, got 100000000 (int)"),
        ]:
            field = next(i for i in app.main.query(Input) if i.name == name)
            field.value = text
            assert await wait_until(pilot, lambda message=message: status(app) == message), status(app)
            assert app.main.session.trainer is trainer
        await pilot.press("space")
        await pilot.pause()
        assert status(app).startswith("fix the invalid values first") and app.is_running


async def test_typing_a_new_value_is_one_undo_step_that_gives_back_the_trained_network() -> None:
    """Seen: typing 20000 into n_train rebuilt at every digit and recorded each one; with ten undo steps kept,
    the trained network fell off the end after one more edit, and ctrl+z went back one keystroke at a time."""
    app = tui(small_spec(epochs=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(app, pilot)
        trained = app.main.session.trainer
        await pilot.press("2")
        n_train = next(i for i in app.main.query(Input) if i.name == "n_train")
        n_train.focus()
        await pilot.press("end", "backspace", "backspace", *"20000")  # 8, '', 2, 20, ..., 20000: five rebuilds
        await settle(app, pilot)
        assert app.main.session.trainer.data.train_x.shape[0] == 20000
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.main.session.trainer is trained
        assert next(i for i in app.main.query(Input) if i.name == "n_train").value == "80"
        await pilot.press("ctrl+y")  # and back to the value typed, in one step too
        await settle(app, pilot)
        assert app.main.session.value("dataset")["config"]["n_train"] == 20000
        await pilot.press("n")
        next(i for i in app.main.query(Input) if i.name == "n_train").focus()
        await pilot.press("end", "backspace")  # an edit after training is a step of its own
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert app.main.session.trainer.epoch == 1


async def test_typing_fewer_epochs_than_trained_is_refused_and_more_epochs_after_done_go_on() -> None:
    """Seen: at epoch 14 of 200, backspacing over "200" applied 20, then 2: the running training stopped as
    "done", and stayed "done" after 300 was typed."""
    app = tui(small_spec(epochs=4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.state == "done"
        await pilot.press("space")
        await pilot.pause()
        assert status(app).startswith("all 4 epochs done")
        await pilot.press("2")
        epochs = next(i for i in app.main.query(Input) if i.name == "epochs")
        epochs.focus()
        await pilot.press("end", "backspace", "3")
        assert await wait_until(pilot, lambda: status(app).startswith("epochs: 3 is fewer than the 4 already"))
        assert app.main.session.value("epochs") == 4 and app.main.session.trainer.epochs == 4
        await pilot.press("backspace", "6")
        await pilot.pause()
        assert app.main.state == "paused" and status(app) == ""  # nothing stale: it can go on
        app.main.query_one("#layers", ListView).focus()  # out of the field, where space is a character
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.session.trainer.epoch == 6 and app.main.state == "done"
