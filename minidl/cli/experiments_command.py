"""``minidl experiments``: rerun the report's study and write a Markdown report with figures."""

from __future__ import annotations

import argparse
import os
import shlex
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from minidl.cli.options import positive_int
from minidl.workflow import experiments


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "experiments",
        help="rerun the report's study (activations, inits, losses, optimizers, scheduler, dropout, plugins)",
        description="Train every configuration of the report's study over several seeds, in parallel, and write "
        "OUTPUT/README.md (tables of final-epoch mean and std), results.json and PNG figures "
        "(figures need matplotlib: pip install 'minidl[experiments]').",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke test: 2 trials, 20 epochs, 200/200 points")
    parser.add_argument(
        "--trials", type=positive_int, help="trials (seeds) per configuration (default: 10, or 2 with --quick)"
    )
    parser.add_argument(
        "--jobs", type=positive_int, default=os.cpu_count() or 1, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--output", type=Path, default=Path("minidl-experiments"), help="report folder (default: %(default)s)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.quick:
        settings = experiments.Settings.quick(args.trials or 2)
    else:
        settings = experiments.Settings(trials=args.trials or 10)
    groups = experiments.study(settings)
    console = Console(stderr=True)
    start = time.perf_counter()
    columns = (TextColumn("trials"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        task = progress.add_task("trials", total=None)

        def on_trial(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)
            if not console.is_terminal and done * 10 // total != (done - 1) * 10 // total:
                console.print(f"trials {done}/{total} ({time.perf_counter() - start:.0f} s)")  # a log line per 10 %

        summaries = experiments.run_study(groups, settings, args.jobs, on_trial)
    seconds = time.perf_counter() - start
    notes = []
    try:
        figures = experiments.write_figures(groups, summaries, args.output)
    except experiments.MissingExtra as error:
        figures = {}
        notes.append(f"No figures: {error}.")
        console.print(f"minidl: note: {error}; the report has tables only")
    readme = experiments.write_report(args.output, groups, summaries, settings, _command(args), seconds, figures, notes)
    print(f"wrote {readme}")
    return 0


def _command(args: argparse.Namespace) -> str:
    """The command line that reproduces this report (the worker count does not change the numbers)."""
    words = [
        "minidl",
        "experiments",
        *(["--quick"] if args.quick else []),
        *(["--trials", str(args.trials)] if args.trials else []),
    ]
    return shlex.join([*words, "--jobs", str(args.jobs), "--output", str(args.output)])
