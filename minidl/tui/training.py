"""The training loop the TUI's worker thread runs: one epoch at a time, throttled reports, clean stops.

Kept free of Textual so the benchmark can time the same loop with and without a UI. The loop polls
``should_stop`` (worker cancelled, or pause requested) before every epoch, applies queued live
changes between epochs, and reports at most once per ``interval`` seconds (and once at the end)
with plain copies: the frozen EpochMetrics of the epochs since the last report and a fresh grid
of decision-boundary codes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

from minidl.tui.boundary import decision_codes, view_box
from minidl.tui.explain import explain
from minidl.tui.session import Session
from minidl.workflow.trainer import EpochMetrics

Report = Callable[[tuple[EpochMetrics, ...], "torch.Tensor | None"], None]


@dataclass(frozen=True)
class Outcome:
    """Why the loop returned: ``paused``, ``stepped`` (ran the epochs asked for), ``done`` or ``failed``."""

    reason: str
    message: str = ""


def run_training(
    session: Session,
    *,
    epochs: int | None,
    should_stop: Callable[[], bool],
    report: Report,
    interval: float,
    grid_side: int,
) -> Outcome:
    """Train up to ``epochs`` epochs (``None``: until the planned total) and say why it stopped."""
    trainer = session.trainer
    assert trainer is not None, "run_training needs a built trainer"
    batch: list[EpochMetrics] = []
    last_report = time.monotonic()
    ran = 0
    outcome = Outcome("paused")
    try:
        while True:
            if should_stop():
                break
            if trainer.done or (epochs is not None and ran >= epochs):
                outcome = Outcome("done" if trainer.done else "stepped")
                break
            session.apply_pending()
            batch.append(trainer.run_epoch())
            ran += 1
            if time.monotonic() - last_report >= interval:
                report(tuple(batch), boundary_grid(session, grid_side))
                batch, last_report = [], time.monotonic()
        report(tuple(batch), boundary_grid(session, grid_side))
    except Exception as error:  # a plugin's forward or backward may raise anything: the app shows it
        report(tuple(batch), None)
        return Outcome("failed", explain(error))
    return outcome


def boundary_grid(session: Session, side: int) -> torch.Tensor | None:
    """The decision-boundary codes of the session's model, or None when the data is not 2-D."""
    trainer = session.trainer
    if trainer is None or side < 1 or trainer.data.num_features != 2:
        return None
    data = trainer.data
    return decision_codes(trainer.model, side, data.num_classes, data.train_x.dtype, view_box(data.train_x))
