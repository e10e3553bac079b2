"""minidl-tui: build a network, watch it learn the circle, save it (the only part of minidl that imports Textual).

    minidl-tui              # the default recipe, ready to train (offers back a rescued network, if any)
    minidl-tui FILE         # a saved model, checkpoint or spec
    minidl-tui --recover    # the network the last session rescued when it had to stop
    minidl-tui --device auto --precision bf16   # train on the GPU when there is one, in bf16 mixed precision

A file that cannot be read is a one-line error and status 2, like the ``minidl`` command. Importing
this package does not import Textual; ``main`` and ``minidl.tui.app.make_app`` do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minidl-tui", description="Build a network, watch it learn, save it.")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("file", nargs="?", help="a saved model, checkpoint or spec to open")
    source.add_argument("--recover", action="store_true", help="open the network rescued when minidl-tui last stopped")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto (default: %(default)s)")
    parser.add_argument("--precision", default="float32", help="float32, tf32 (CUDA) or bf16 (default: %(default)s)")
    args = parser.parse_args(argv)
    from minidl.core.errors import MinidlError
    from minidl.registry.load_watch import leave_plugin_threads
    from minidl.tui import recovery
    from minidl.tui.app import make_app
    from minidl.tui.explain import could_not_open, explain
    from minidl.workflow.run import Runtime

    path = args.file
    if args.recover:
        path = recovery.newest(recovery.default_folder())
        if path is None:
            return _error(f"no rescued network in {recovery.default_folder()}")
    try:
        runtime = Runtime(device=args.device, precision=args.precision)
    except MinidlError as error:
        return _error(str(error))
    try:
        app = make_app(path, recovered=args.recover, runtime=runtime)
    except (MinidlError, OSError) as error:
        return _error(explain(error) if path is None else could_not_open(path, error))
    app.run()
    if app.exit_note:
        print(f"minidl-tui: {app.exit_note}", file=sys.stderr)
    status = app.return_code or 0
    return status if argv is not None else leave_plugin_threads(status)


def _error(message: str) -> int:
    print(f"minidl-tui: error: {message}", file=sys.stderr)
    return 2
