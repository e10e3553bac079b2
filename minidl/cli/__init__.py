"""The ``minidl`` command line: one module per sub-command, each with ``add_parser`` and ``run``; the report's
study that ``minidl experiments`` runs is in ``experiments/`` (it names plugin components, which the layers
below the interfaces never do).

A user mistake (bad file, unknown component, bad option) prints one line on stderr and exits with
status 2; a diverged training run exits with status 3; Ctrl-C, SIGTERM and SIGHUP stop the command
with one line and status 130, 143 and 129 (files are written atomically, so an interrupted command
leaves no partial or temporary file). Tracebacks are for bugs only; ``--debug`` (or
``MINIDL_DEBUG=1``) prints the traceback behind an error too, for plugin authors.

Results and data go to stdout, progress and notes to stderr (``output.py``). Importing this package
imports neither torch nor the commands: ``main`` first installs its signal handling, then imports them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from minidl.cli import interrupts
from minidl.version import __version__

COMMANDS = (
    "train",
    "resume",
    "evaluate",
    "inspect",
    "components",
    "plugins",
    "experiments",
    "export",
    "import-weights",
    "schema",
)
_DEBUG_HELP = "on an error, print its full traceback too (also MINIDL_DEBUG=1): for plugin authors"


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``minidl train: error: argument --epochs: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        from minidl.core.errors import printable

        self.exit(2, f"{self.prog}: error: {printable(message)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="minidl",
        description="Train, inspect and manage minidl models.",
        epilog="Results and data (epoch lines, tables, JSON, the files written) go to stdout; progress, notes "
        "and errors to stderr, in a terminal or not. Exit status: 0 done, 2 a mistake in the input, 3 training "
        "diverged, 130/143/129 stopped by Ctrl-C/SIGTERM/SIGHUP.",
    )
    parser.add_argument("--version", action="version", version=f"minidl {__version__}")
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"minidl.cli.{name.replace('-', '_')}_command").add_parser(sub)
        sub.choices[name].add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
        sub.choices[name].set_defaults(command_parser=sub.choices[name])
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line; an unknown argument is its sub-command's error (``minidl resume: error: unrecognized
    arguments: --lr 3 (see minidl resume --help)``), not ``minidl``'s, whose help does not list the options."""
    args, unknown = build_parser().parse_known_args(argv)
    if unknown:
        args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def _fail(error: BaseException, message: str, status: int, args: argparse.Namespace | None) -> int:
    """Print one line for ``error`` (after its traceback, when debugging) and return the exit status."""
    from minidl.core.errors import printable

    if getattr(args, "debug", False) or _debug_from_environment():
        traceback.print_exception(error)
    print(f"minidl: error: {printable(message)}", file=sys.stderr)
    return status


def _debug_from_environment() -> bool:
    """``MINIDL_DEBUG=1``; a bad value is off here (``_main`` reports it as the command's error)."""
    from minidl.core.environment import switch
    from minidl.core.errors import ConfigError

    try:
        return switch("MINIDL_DEBUG")
    except ConfigError:
        return False


def _oserror_text(error: OSError) -> str:
    if error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


@interrupts.handled()  # first of all, so that a signal during torch's import is handled too (see interrupts.py)
def main(argv: Sequence[str] | None = None) -> int:
    status = _main(argv)
    return status if argv is not None else leave_plugin_threads(status)


def leave_plugin_threads(status: int) -> int:
    """The exit status; or exit at once when a failed plugin left a thread running that Python would wait for."""
    watch = sys.modules.get("minidl.registry.load_watch")  # not imported: no plugin was loaded
    return status if watch is None else watch.leave_plugin_threads(status)


def _main(argv: Sequence[str] | None) -> int:
    args = None
    try:
        from minidl.core.environment import switch
        from minidl.core.errors import MinidlError, TrainingDiverged, is_out_of_memory, one_line  # imports torch

        switch("MINIDL_DEBUG")  # a value that is neither 0 nor 1 is refused before anything runs
        argv = sys.argv[1:] if argv is None else list(argv)
        args = parse(argv)
        args.argv = argv  # what ``--nproc`` starts again in each process
        return int(args.run(args) or 0)
    except KeyboardInterrupt as error:  # first: the classes named below are imported inside this try
        signum = interrupts.signal_of(error)
        print(interrupts.message(signum), file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:  # ``minidl components | head``: the reader left; say nothing more
        from minidl.cli.output import without_stdout

        without_stdout()
        return 1
    except TrainingDiverged as error:
        return _fail(error, str(error), 3, args)
    except MinidlError as error:
        return _fail(error, str(error), 2, args)
    except OSError as error:
        return _fail(error, _oserror_text(error), 2, args)
    except SystemExit as exit_:  # --help, --version and parser errors: return their status instead of exiting
        return exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 2
    except Exception as error:  # a failed allocation anywhere is the user's to fix (a smaller job), not a bug
        if not is_out_of_memory(error):
            raise
        return _fail(error, f"out of memory: {one_line(error)}", 2, args)


if __name__ == "__main__":
    sys.exit(main())
