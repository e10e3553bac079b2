"""The pace: a person's app starts slow enough to watch, and the pace chosen with -/+ lasts the session only."""

from __future__ import annotations

from minidl.tui.app import make_app
from minidl.tui.config import TuiConfig
from minidl.workflow import files
from tests.tui.conftest import SIZE, open_file, save_as, small_spec, tui


async def test_a_person_starts_at_a_pace_they_can_watch() -> None:
    app = make_app(spec=small_spec(), config=TuiConfig(show_timing=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main.pace == "10 epochs/s"
        assert app.main._period() == 0.1  # the default recipe's 200 epochs take 20 s, not a blink
        await pilot.press("+", "+")
        assert app.main.pace == "max speed" and app.main._period() == 0.0


async def test_the_chosen_pace_survives_reset_open_and_undo_but_is_no_part_of_a_file(tmp_path) -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("-", "-", "-")
        assert app.main.pace == "5 epochs/s"
        await save_as(app, pilot, str(tmp_path / "net.minidl"), kind="spec")
        made = app.main.session.spec
        await pilot.press("r")
        await open_file(app, pilot, str(tmp_path / "net.minidl"))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert app.main.pace == "5 epochs/s"
    assert files.load(tmp_path / "net.minidl").spec == made  # what the model is, nothing about the pace
