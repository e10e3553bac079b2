"""Messages from the training worker to the UI: plain copies only, never references to live tensors."""

from __future__ import annotations

import torch
from textual.message import Message

from minidl.tui.probes import Probe
from minidl.workflow.trainer import EpochMetrics


class Progress(Message):
    """Epochs finished since the last report (frozen dataclasses of floats), a fresh boundary grid and a probe of
    the inside views (new tensors and floats)."""

    def __init__(
        self, generation: int, metrics: tuple[EpochMetrics, ...], grid: torch.Tensor | None, probe: Probe | None
    ) -> None:
        super().__init__()
        self.generation = generation
        self.metrics = metrics
        self.grid = grid
        self.probe = probe


class TrainingStopped(Message):
    """The worker returned: ``reason`` is paused, stepped, done or failed (with ``message``)."""

    def __init__(self, generation: int, reason: str, message: str) -> None:
        super().__init__()
        self.generation = generation
        self.reason = reason
        self.message = message
