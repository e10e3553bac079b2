"""``minidl experiments``: rerun the report's study and write a Markdown report with figures."""

from __future__ import annotations

import argparse
import errno
import os
import shlex
import time
from pathlib import Path

from minidl.cli import experiments, interrupts
from minidl.cli.options import DEFAULT_THREADS, add_threads_option, folder_path, positive_int, runtime
from minidl.cli.output import ProgressBar, note, say
from minidl.core.errors import ConfigError
from minidl.workflow.files.atomic import check_target


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "experiments",
        help="rerun the report's study (activations, inits, losses, optimizers, scheduler, dropout, plugins)",
        description="Train every configuration of the report's study over several seeds, in parallel, and write "
        "DIR/README.md (tables of final-epoch mean and std), results.json and PNG figures "
        "(figures need matplotlib: pip install 'minidl[experiments]'). The files written are listed on stdout; "
        "an existing report is replaced only with --force.",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke test: 2 trials, 20 epochs, 200/200 points")
    parser.add_argument(
        "--trials",
        type=positive_int,
        metavar="N",
        help="trials (seeds) per configuration (default: 10, or 2 with --quick)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes (default: all cores)",
    )
    parser.add_argument(
        "--output",
        type=folder_path,
        default=Path("minidl-experiments"),
        metavar="DIR",
        help="report folder (default: %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="replace the files of an earlier report in DIR")
    add_threads_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.quick:
        settings = experiments.Settings.quick(args.trials or 2)
    else:
        settings = experiments.Settings(trials=args.trials or 10)
    groups = experiments.study(settings)
    check_report_folder(args.output, groups, args.force)
    with interrupts.stoppable():  # a signal unwinds: the pool's workers are ended, no partial file is left
        start = time.perf_counter()
        with ProgressBar("trials", log=True) as progress:
            summaries = experiments.run_study(groups, settings, args.jobs, progress.update, runtime(args))
        seconds = time.perf_counter() - start
        notes = []
        try:
            figures = experiments.write_figures(groups, summaries, args.output)
        except experiments.MissingExtra as error:
            figures = {}
            notes.append(f"No figures: {error}.")
            note(f"{error}; the report has tables only")
        command = _command(args)
        readme = experiments.write_report(args.output, groups, summaries, settings, command, seconds, figures, notes)
    for name in (readme.name, "results.json", *figures.values()):
        say(f"wrote {args.output / name}")
    return 0


def check_report_folder(folder: Path, groups: list[experiments.Group], force: bool) -> None:
    """Before the study: every file of the report can be written in ``folder``, and replaces one only with ``force``."""
    names, figures = experiments.report_files(groups)
    try:
        if not folder.exists():
            check_target(folder)  # the report makes the folder: its parent must be a writable folder
            return
        if not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "is not a folder", os.fspath(folder))
        files = [folder / name for name in names]
        files += [folder / figure for figure in figures.values() if (folder / figure).parent.exists()]
        there = [os.path.relpath(file, folder) for file in files if check_target(file)]
    except OSError as error:
        place = "" if error.filename == os.fspath(folder) else f"{error.filename}: "
        raise ConfigError(f"--output {folder}: {place}{error.strerror}") from None
    if there and not force:
        raise ConfigError(
            f"--output {folder}: holds an earlier report ({', '.join(there)}); pass --force to replace it, "
            "or --output to write elsewhere"
        )


def _command(args: argparse.Namespace) -> str:
    """The command line that reproduces this report (the worker count does not change the numbers)."""
    words = [
        "minidl",
        "experiments",
        *(["--quick"] if args.quick else []),
        *(["--trials", str(args.trials)] if args.trials else []),
        *(["--threads", str(args.threads)] if args.threads != DEFAULT_THREADS else []),
    ]
    return shlex.join([*words, "--jobs", str(args.jobs), "--output", str(args.output)])
