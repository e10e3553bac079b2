"""Screenshots of the main screen after a fixed, seeded run (no timings on screen: TEST_CONFIG).

Update after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and
look at the report before committing the new SVGs.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.tui.conftest import small_spec, tui


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
