"""Running the study: every (configuration, seed) trial in its own worker process, one torch thread each by default.

Identical specs that appear in several groups (the scheduler study's "no scheduler" row is the losses
study's CE/Adam row) are trained once. A trial's result depends only on its spec and seed: workers
are started with ``spawn`` and use a fixed number of intra-op threads, so the number of workers changes
nothing (the number of threads can change the last bits of some reductions).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import signal
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from minidl.cli.experiments.study import Group, Settings, with_seed
from minidl.core.errors import TrainingDiverged
from minidl.workflow.run import Run, Runtime

ONE_THREAD = Runtime(threads=1)
"""Each trial's default: small networks train fastest on one thread (README, "Threads")."""
CURVES = ("train_loss", "test_loss", "train_error", "test_error", "lr")


@dataclass(frozen=True)
class Trial:
    """One training run: the per-epoch curves, and why it stopped early if it diverged."""

    seed: int
    curves: dict[str, list[float]]
    diverged: str | None = None

    def final(self, name: str) -> float:
        return self.curves[name][-1]


@dataclass(frozen=True)
class Summary:
    """A configuration over its trials: final-epoch mean and std (sample, n-1), and mean/std loss curves.

    Diverged trials are counted, listed in ``per_trial`` and left out of the statistics.
    """

    trials: int
    diverged: int
    final: dict[str, tuple[float, float]]
    curves: dict[str, tuple[list[float], list[float]]]
    per_trial: list[dict[str, Any]]

    @classmethod
    def of(cls, trials: list[Trial]) -> Summary:
        ok = [t for t in trials if t.diverged is None]
        final = {name: _mean_std([t.final(name) for t in ok]) for name in CURVES}
        curves = {name: _curve([t.curves[name] for t in ok]) for name in ("train_loss", "test_loss")}
        per_trial = [
            {"seed": t.seed, "epochs": len(t.curves["test_error"]), "diverged": t.diverged}
            | {name: t.final(name) if t.curves[name] else None for name in ("train_error", "test_error")}
            for t in trials
        ]
        return cls(len(trials), len(trials) - len(ok), final, curves, per_trial)


def _mean_std(values: list[float]) -> tuple[float, float]:
    if not values:
        return math.nan, math.nan
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def _curve(runs: list[list[float]]) -> tuple[list[float], list[float]]:
    pairs = [_mean_std(list(epoch)) for epoch in zip(*runs)]
    return [m for m, _ in pairs], [s for _, s in pairs]


def spec_key(spec: dict[str, Any]) -> str:
    """The identity of a configuration: its spec as canonical JSON."""
    return json.dumps(spec, sort_keys=True)


def run_trial(job: tuple[str, int, Runtime]) -> tuple[str, Trial]:
    """Train one configuration (given by its key) from one seed; a diverged run keeps its curves so far."""
    key, seed, runtime = job
    run = Run(with_seed(json.loads(key), seed), runtime=runtime)
    diverged = None
    try:
        run.fit()
    except TrainingDiverged as error:
        diverged = str(error)
    curves = {name: [getattr(m, name) for m in run.history] for name in CURVES}
    return key, Trial(seed, curves, diverged)


def init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it terminates the pool


def run_study(
    groups: list[Group],
    settings: Settings,
    jobs: int,
    on_trial: Callable[[int, int], None] | None = None,
    runtime: Runtime = ONE_THREAD,
) -> dict[str, Summary]:
    """Train every trial of every configuration on ``jobs`` processes, each run as ``runtime`` says (one thread by
    default); summaries by ``spec_key``.

    ``on_trial(done, total)`` is called in this process after each finished trial.
    """
    keys = sorted({spec_key(c.spec) for g in groups for c in g.configs})
    work = [(key, seed, runtime) for key in keys for seed in settings.seeds]
    trials: dict[str, list[Trial]] = {key: [] for key in keys}
    context = multiprocessing.get_context("spawn")
    with context.Pool(max(1, min(jobs, len(work))), initializer=init_worker) as pool:
        for done, (key, trial) in enumerate(pool.imap_unordered(run_trial, work), start=1):
            trials[key].append(trial)
            if on_trial is not None:
                on_trial(done, len(work))
    return {key: Summary.of(sorted(found, key=lambda t: t.seed)) for key, found in trials.items()}
