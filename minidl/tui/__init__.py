"""minidl-tui: build a network, watch it learn the circle, save it (the only part of minidl that imports Textual).

    minidl-tui              # the default recipe, ready to train
    minidl-tui FILE         # a saved model, checkpoint or spec

Importing this package does not import Textual; ``main`` and ``minidl.tui.app.make_app`` do.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minidl-tui", description="Build a network, watch it learn, save it.")
    parser.add_argument("file", nargs="?", help="a saved model, checkpoint or spec to open")
    args = parser.parse_args(argv)
    from minidl.tui.app import make_app

    make_app(args.file).run()
    return 0
