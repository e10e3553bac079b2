"""The views of issue 13 in the real app (Pilot): inside the network, the feature column, the pace and the
loss chart's scale. Every test waits on the worker or on a condition, never on the clock."""

from __future__ import annotations

import dataclasses

import torch
from rich.segment import Segment
from textual.widgets import Checkbox, Input, Label, Select, Static

from minidl.tui.app import make_app
from minidl.tui.config import TuiConfig
from minidl.tui.widgets.inside_panel import InsidePanel
from minidl.tui.widgets.loss_chart import LossChart
from minidl.tui.widgets.unit_grid import UnitGrid
from tests.tui.conftest import SIZE, settle, small_spec, status, tui, wait_until


def numbers(app) -> str:
    return str(app.main.query_one("#numbers", Static).render())


async def test_key_4_shows_the_units_of_a_hidden_layer_and_keys_choose_layer_and_unit() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        units, panel = app.main.query_one(UnitGrid), app.main.query_one(InsidePanel)
        assert panel.has_focus and units.display and not app.main.query_one("#plots").display
        assert units.units == 25 and "layer 1 ReLU" in str(units.border_title)  # the first hidden layer's units
        await pilot.press("down", "right", "right")
        await pilot.pause()
        assert app.main.inside.layer == 2 and units.selected == 2 and panel.chosen == 2
        await pilot.press("1")
        await pilot.pause()
        assert app.main.query_one("#plots").display and not units.display


async def test_at_80x24_units_are_paged_never_crammed() -> None:
    app = tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        units = app.main.query_one(UnitGrid)
        first, shown = units._page()
        assert first == 0 and 0 < shown < 25 and f"units 1-{shown} of 25" in str(units.border_subtitle)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert units.selected == shown and f"units {shown + 1}-" in str(units.border_subtitle)
        await pilot.press("pageup")
        await pilot.pause()
        assert units.selected == 0
        for _ in range(30):
            await pilot.press("pagedown")
        assert units.selected == 24  # the last unit, never past it


async def test_the_inside_views_follow_training_and_keep_a_gradient_history() -> None:
    app = tui(small_spec(epochs=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "space")
        await settle(app, pilot)
        probe = app.main.inside.current
        assert probe.epoch == 3 and probe.layer == 1 and probe.units.codes.shape[0] == 25
        epochs = app.main.inside.epochs
        assert epochs[0] == 0 and epochs[-1] == 3 and epochs == sorted(set(epochs))
        assert len(app.main.inside.gradients[-1].norms) == 4


async def test_looking_inside_while_training_does_not_change_the_run() -> None:
    weights = []
    for keys in (["space"], ["4", "space"]):
        app = tui(small_spec(epochs=3))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*keys)
            await settle(app, pilot)
            weights.append([p.clone() for p, _ in app.main.session.trainer.model.param()])
    assert all(torch.equal(a, b) for a, b in zip(*weights))


async def test_pace_keys_step_through_the_speeds_shown_in_the_status_area() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        assert "max speed (-/+)" in numbers(app)
        await pilot.press("minus")
        await pilot.pause()
        assert "30 epochs/s" in numbers(app) and app.main._period() == 1 / 30
        for _ in range(8):
            await pilot.press("minus")
        await pilot.pause()
        assert "1 epochs/s" in numbers(app)
        for _ in range(8):
            await pilot.press("plus")
        await pilot.pause()
        assert "max speed" in numbers(app) and app.main._period() == 0.0


async def test_a_slow_pace_still_pauses_at_once() -> None:
    app = tui(small_spec(epochs=1000))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(5):
            await pilot.press("minus")  # 1 epoch per second
        await pilot.press("space")
        assert await wait_until(pilot, lambda: app.main.session.trainer.epoch >= 1)
        await pilot.press("space")
        await settle(app, pilot)  # the worker's wait for the next epoch ends with the pause
        assert app.main.state == "paused" and app.main.session.trainer.epoch < 10


async def test_l_switches_the_loss_chart_between_log_and_linear() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        chart = app.main.query_one(LossChart)
        assert "log" in str(chart.border_title)
        await pilot.press("l")
        await pilot.pause()
        assert "linear" in str(chart.border_title) and not chart.log_scale
        await pilot.press("l")
        await pilot.pause()
        assert "log" in str(chart.border_title)


def components(app) -> list[str]:
    return [ref["component"].split(":")[-1] for ref in app.main.session.value("layers")]


async def toggle(app, pilot, name: str) -> None:
    box = next(b for b in app.main.query(Checkbox) if b.name == name)
    box.focus()
    await pilot.press("space")
    await settle(app, pilot)


async def test_feature_toggles_insert_set_and_remove_the_features_layer_undoably() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await toggle(app, pilot, "x1_times_x2")
        layers = app.main.session.value("layers")
        assert components(app)[:2] == ["InputFeatures", "Linear"] and layers[0]["config"]["x1_times_x2"]
        assert layers[1]["config"]["in_features"] == 3 and app.main.session.trainer is not None
        await toggle(app, pilot, "sin_x1")
        assert app.main.session.value("layers")[1]["config"]["in_features"] == 4
        await toggle(app, pilot, "sin_x1")
        await toggle(app, pilot, "x1_times_x2")  # back to x1, x2: the identity, no features layer
        assert components(app)[0] == "Linear" and app.main.session.value("layers")[0]["config"]["in_features"] == 2
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert components(app)[0] == "InputFeatures"
        assert next(b for b in app.main.query(Checkbox) if b.name == "x1_times_x2").value  # the toggles follow


async def test_turning_every_feature_off_is_refused_and_the_network_kept() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await toggle(app, pilot, "x1")
        before = app.main.session.value("layers")
        await toggle(app, pilot, "x2")
        assert "choose at least one" in status(app)
        assert app.main.session.value("layers") == before
        assert next(b for b in app.main.query(Checkbox) if b.name == "x2").value  # put back on


async def test_forms_show_each_fields_help_on_a_line_under_it_and_keep_labels_whole() -> None:
    app = tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        helps = [str(s.render()) for s in app.main.query(".field-help").results(Static)]
        assert "number of training points" in helps and "learning rate" in helps
        for label in app.main.query(".field-name").results(Label):
            assert label.size.width >= len(str(label.render())), str(label.render())
        await pilot.press("1", "enter")  # the form of layer 0
        await pilot.pause()
        assert "width of the input" in [str(s.render()) for s in app.screen.query(".field-help").results(Static)]


async def test_the_training_tab_edits_the_data_like_the_playground() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        picker = app.main.query_one("#pick-dataset")
        noise = next(i for i in picker.query(Input) if i.name == "label_noise")
        noise.value = "0.25"
        assert await wait_until(pilot, lambda: app.main.session.value("dataset")["config"]["label_noise"] == 0.25)
        noise.value = "0.9"  # out of bounds: refused with the field's message, the data kept
        assert await wait_until(pilot, lambda: "label_noise: expected float >= 0" in status(app)), status(app)
        assert app.main.session.value("dataset")["config"]["label_noise"] == 0.25
        noise.value = "0.1"
        await pilot.pause()
        picker.query_one(Select).value = "gaussians"
        assert await wait_until(pilot, lambda: app.main.session.value("dataset")["component"].endswith("gaussians"))
        assert "spread" in [i.name for i in app.main.query_one("#pick-dataset").query(Input)]
        assert app.main.session.trainer is not None and app.main.session.trainer.data.num_features == 2


async def test_at_80x24_the_progress_percentage_and_the_speed_are_whole() -> None:
    app = tui(small_spec(epochs=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await settle(app, pilot)
        metrics = app.main.query_one("#metrics")
        inside = metrics.content_region
        percentage = app.main.query_one("#percentage")
        assert str(percentage.render()).strip() == "33%"
        assert inside.contains_region(percentage.region)
        numbers_ = app.main.query_one("#numbers", Static)
        lines = numbers(app).splitlines()
        assert "max speed (-/+)" in lines[-1] and max(map(len, lines)) <= numbers_.size.width


async def test_a_click_chooses_a_layer_in_the_panel_and_a_unit_in_the_grid() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.click(InsidePanel, offset=(2, 1 + 3))  # row 0 is the header: layer 3
        await pilot.pause()
        assert app.main.inside.layer == 3 and "layer 3 ReLU" in str(app.main.query_one(UnitGrid).border_title)
        units = app.main.query_one(UnitGrid)
        tile, columns, _ = units._layout()
        assert columns >= 2
        x = units.gutter.left + units._big() + 2 + (tile + 1) + 1  # inside the second tile
        await pilot.click(UnitGrid, offset=(x, units.gutter.top + 1))
        await pilot.pause()
        assert units.selected == 1


async def test_the_palette_runs_the_new_commands() -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        for query, check in [
            ("inside the network", lambda: app.main.inside.shown),
            ("train slower", lambda: "30 epochs/s" in numbers(app)),
            ("loss chart", lambda: not app.main.query_one(LossChart).log_scale),
        ]:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause(0.2)
            await pilot.press("down", "enter")
            assert await wait_until(pilot, check), query


async def test_every_line_of_the_inside_panel_fills_its_width() -> None:
    """Seen in tmux: after moving to a layer without weights, the old title's tail stayed on screen."""
    app = tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "up")  # layer 0: no weights feed it
        await pilot.pause()
        panel = app.main.query_one(InsidePanel)
        width = panel.content_size.width
        for y in range(panel.content_size.height):
            assert Segment.get_line_length(list(panel.render_line(y))) == width, y


async def test_at_80x24_with_timings_the_speed_is_whole_too() -> None:
    """Seen: "lr 0.00027   97 ms/epoch   5 epochs/s (-/+)" is 45 columns; 42 fit, and the speed's
    key hint fell onto a fourth line that is never shown."""
    spec = small_spec(epochs=3)
    spec["training"]["optimizer"]["config"]["lr"] = 0.00027
    app = make_app(spec=spec, config=TuiConfig(pace=None))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "-", "-", "-")
        await settle(app, pilot)
        app.main.history[-1] = dataclasses.replace(app.main.history[-1], seconds=0.097)  # a busy machine's
        app.main._refresh_view()
        await pilot.pause()
        numbers_ = app.main.query_one("#numbers", Static)
        lines = numbers(app).splitlines()
        assert len(lines) == 3 and max(map(len, lines)) <= numbers_.size.width, lines
        assert lines[-1].startswith("lr 0.00027") and "97 ms/epoch" in lines[-1] and "5 epochs/s" in lines[-1]


async def test_the_inside_tab_offers_only_keys_that_change_what_it_shows() -> None:
    """Seen: its hint said "l log scale", but the Inside tab hides the loss chart that l switches, and the
    gradient norms are always on a log scale: l changed nothing one could see."""
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await pilot.pause()
        hint = str(app.main.query_one("#inside-tab .hint", Static).render())
        assert not app.main.query_one("#plots").display  # the boundary and the loss chart give way
        assert "log scale" not in hint and "click to choose" in hint
