"""Settings that differ between a person's terminal and a test run (timings, refresh rate)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TuiConfig:
    """``show_timing=False`` keeps wall-clock numbers off the screen, so snapshots are deterministic."""

    show_timing: bool = True
    refresh_interval: float = 0.1  # seconds between UI updates while training: at most ~10 per second


TEST_CONFIG = TuiConfig(show_timing=False)
