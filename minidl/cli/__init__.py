"""The ``minidl`` command line: one module per sub-command, each with ``add_parser`` and ``run``.

A user mistake (bad file, unknown component, bad option) prints one line on stderr and exits with
status 2; a diverged training run exits with status 3; Ctrl-C exits with status 130 (files are
written atomically, so an interrupted command leaves no partial file). Tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from minidl.core.errors import MinidlError, TrainingDiverged
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


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``minidl train: error: argument --epochs: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="minidl", description="Train, inspect and manage minidl models.")
    parser.add_argument("--version", action="version", version=f"minidl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"minidl.cli.{name.replace('-', '_')}_command").add_parser(sub)
    return parser


def _oserror_text(error: OSError) -> str:
    if error.filename is not None and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.run(args) or 0)
    except BrokenPipeError:  # ``minidl components | head``: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except TrainingDiverged as error:
        print(f"minidl: error: {error}", file=sys.stderr)
        return 3
    except MinidlError as error:
        print(f"minidl: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"minidl: error: {_oserror_text(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("minidl: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:  # --help, --version and parser errors: return their status instead of exiting
        return exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 2


if __name__ == "__main__":
    sys.exit(main())
