"""The training loop the TUI's worker thread runs: one epoch at a time, at a chosen pace, throttled reports,
clean stops.

Kept free of Textual so the benchmark can time the same loop with and without a UI. The loop polls
``should_stop`` (worker cancelled, or pause requested) before every epoch, applies queued live
changes between epochs, and reports at most once per ``interval`` seconds (and once at the end)
with plain copies: the frozen EpochMetrics of the epochs since the last report, a fresh grid
of decision-boundary codes and a :class:`~minidl.tui.probes.Probe` of the inside views.

The pace (``period``: the fewest seconds from one epoch's start to the next, 0 for as fast as
possible) is kept by ``wait``, which the screen makes return at once when a pause is asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

from minidl.tui.boundary import decision_codes, view_box
from minidl.tui.explain import explain
from minidl.tui.probes import Probe, probe
from minidl.tui.session import Session
from minidl.workflow.trainer import EpochMetrics

Report = Callable[[tuple[EpochMetrics, ...], "torch.Tensor | None", "Probe | None"], None]
PROBE_SIDE = 32  # pixels per side of each unit's map; the views resample it to their tiles
PACES: tuple[float | None, ...] = (1, 2, 5, 10, 30, None)
"""The speed settings: the most epochs per second, None for as fast as possible."""


def pace_label(rate: float | None) -> str:
    """How a speed setting reads in the status area."""
    return "max speed" if rate is None else f"{rate:g} epochs/s"


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
    probe_layer: Callable[[], int | None] = lambda: None,
    period: Callable[[], float] = lambda: 0.0,
    wait: Callable[[float], object] = time.sleep,
) -> Outcome:
    """Train up to ``epochs`` epochs (``None``: until the planned total) and say why it stopped.

    ``probe_layer()`` names the layer whose unit maps and weights the reports carry (None: gradients only).
    """
    trainer = session.trainer
    assert trainer is not None, "run_training needs a built trainer"
    batch: list[EpochMetrics] = []
    last_report = time.monotonic()
    started: float | None = None
    ran = 0
    outcome = Outcome("paused")

    def send() -> None:
        report(tuple(batch), boundary_grid(session, grid_side), inside_probe(session, probe_layer()))

    try:
        while True:
            if should_stop():
                break
            if trainer.done or (epochs is not None and ran >= epochs):
                outcome = Outcome("done" if trainer.done else "stepped")
                break
            if started is not None and period() > 0:
                wait(max(started + period() - time.monotonic(), 0.0))
                if should_stop():
                    break
            started = time.monotonic()
            session.apply_pending()
            batch.append(trainer.run_epoch())
            ran += 1
            if time.monotonic() - last_report >= interval:
                send()
                batch, last_report = [], time.monotonic()
        send()
    except Exception as error:  # a plugin's forward or backward may raise anything: the app shows it
        report(tuple(batch), None, None)
        return Outcome("failed", explain(error))
    return outcome


def boundary_grid(session: Session, side: int) -> torch.Tensor | None:
    """The decision-boundary codes of the session's model, or None when the data is not 2-D."""
    trainer = session.trainer
    if trainer is None or side < 1 or trainer.data.num_features != 2:
        return None
    data = trainer.data
    return decision_codes(trainer.model, side, data.num_classes, data.train_x.dtype, view_box(data.train_x))


def inside_probe(session: Session, layer: int | None) -> Probe | None:
    """The inside views' data for ``layer`` (None: gradient norms only), or None without a trainer.

    A layer number the network no longer has (it shrank since it was chosen) counts as None.
    """
    trainer = session.trainer
    if trainer is None:
        return None
    known = layer is not None and 0 <= layer < len(trainer.model)
    return probe(trainer, layer if known else None, PROBE_SIDE)
