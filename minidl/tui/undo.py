"""Undo and redo of the last few changes: two bounded stacks of (label, state), no Textual here.

The screen records the state *before* each change that would lose work (an edited network, a reset,
an opened file); undoing swaps the current state for the recorded one, so it can be redone.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

State = TypeVar("State")
DEPTH = 10  # each state may hold a trainer (weights, optimizer state, data): keep a few, not all


class UndoHistory(Generic[State]):
    """``record`` before a change; ``undo``/``redo`` exchange the current state for a recorded one."""

    def __init__(self, depth: int = DEPTH) -> None:
        self._undo: deque[tuple[str, State]] = deque(maxlen=depth)
        self._redo: deque[tuple[str, State]] = deque(maxlen=depth)

    def record(self, label: str, before: State) -> None:
        """``before`` is the state the change labelled ``label`` is about to replace; a new change ends redo."""
        self._undo.append((label, before))
        self._redo.clear()

    def undo(self, current: State) -> tuple[str, State] | None:
        """The last recorded change's label and the state before it (``current`` becomes redoable), or None."""
        return self._swap(self._undo, self._redo, current)

    def redo(self, current: State) -> tuple[str, State] | None:
        """The label and state of the last undone change (``current`` becomes undoable again), or None."""
        return self._swap(self._redo, self._undo, current)

    @staticmethod
    def _swap(
        source: deque[tuple[str, State]], target: deque[tuple[str, State]], current: State
    ) -> tuple[str, State] | None:
        if not source:
            return None
        label, state = source.pop()
        target.append((label, current))
        return label, state

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
