"""The ``minidl`` command line: one module per sub-command, each with ``add_parser`` and ``run``.

A user mistake (bad file, unknown component, bad option) prints one line on stderr and exits with
status 2; a diverged training run exits with status 3. Tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from minidl import __version__
from minidl.core.errors import MinidlError, TrainingDiverged

COMMANDS = ("train", "plugins")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minidl", description="Train, inspect and manage minidl models.")
    parser.add_argument("--version", action="version", version=f"minidl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"minidl.cli.{name}_command").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except TrainingDiverged as error:
        print(f"minidl: error: {error}", file=sys.stderr)
        return 3
    except (MinidlError, OSError) as error:
        print(f"minidl: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("minidl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
