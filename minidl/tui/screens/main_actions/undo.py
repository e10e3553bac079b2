"""Reset, undo and redo: every change that replaces the trainer is recorded first, with its weights and history."""

from __future__ import annotations

from minidl.tui.guard import guarded
from minidl.tui.session import Snapshot
from minidl.tui.undo import UndoHistory
from minidl.tui.widgets.network_editor import NetworkEditor

Moment = tuple[Snapshot, str]  # what undo puts back: the session's spec and trainer, and the save path


class UndoActions:
    """r resets the weights, ctrl+z and ctrl+y undo and redo; ``_record`` comes before any other such change."""

    undo_history: UndoHistory[Moment]

    def _record(self, label: str) -> None:
        """Keep the current spec, trainer and save path, so the change ``label`` about to happen can be undone."""
        self.undo_history.record(label, (self.session.snapshot(), self.path))

    @guarded
    async def action_reset(self) -> None:
        await self.pause_and_wait()
        self._record("weights reset")
        self.session.rebuild()
        self._after_rebuild("new weights, history cleared (ctrl+z undoes)")

    @guarded
    async def action_undo(self) -> None:
        await self._travel(undo=True)

    @guarded
    async def action_redo(self) -> None:
        await self._travel(undo=False)

    async def _travel(self, undo: bool) -> None:
        await self.pause_and_wait()
        current = (self.session.snapshot(), self.path)
        found = self.undo_history.undo(current) if undo else self.undo_history.redo(current)
        if found is None:
            self._say(f"nothing to {'undo' if undo else 'redo'}")
            return
        label, (snapshot, path) = found
        self.session.restore(snapshot)
        self.path, self.invalid = path, {}
        await self._show_session(self.query_one(NetworkEditor).index)
        again = "ctrl+y redoes" if undo else "ctrl+z undoes"
        self._after_rebuild(f"{'undone' if undo else 'redone'}: {label} ({again})")
