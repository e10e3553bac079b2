"""Settings that differ between a person's terminal and a test run (timings, refresh rate)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TuiConfig:
    """``show_timing=False`` keeps wall-clock numbers off the screen, so snapshots are deterministic."""

    show_timing: bool = True
    # Seconds between UI updates while training. Every update costs the worker thread GIL time; on a
    # 2-core machine 0.1 s kept 0.71x the plain loop's epochs/s and 0.2 s 0.83x (benchmarks/bench_tui.py).
    refresh_interval: float = 0.2
    # torch intra-op threads while the app runs; None: one core fewer than the machine has, so the UI
    # thread keeps a core (busy-waiting intra-op threads otherwise starve it and the GIL hand-offs).
    torch_threads: int | None = None
    # Where a network is rescued when the app must stop; None: recovery.default_folder() (tests use a temporary one).
    recovery_folder: Path | None = None
    # The pace the app starts at, one of training.PACES: the most epochs per second, None for as fast as possible.
    # 10 lets a person watch: the Playground redraws every epoch, this screen about 5 times a second, so each
    # redraw moves 2 epochs and the default recipe's 200 epochs take 20 s. Tests and benchmarks run at None.
    pace: float | None = 10


TEST_CONFIG = TuiConfig(show_timing=False, pace=None)
