"""``minidl plugins``: every distribution in the ``minidl`` entry-point group, its status and components.

For a plugin that did not load: why, where in its code, and what it printed while loading (captured,
so it never mixes into another command's output).
"""

from __future__ import annotations

import argparse

from minidl import registry
from minidl.cli.output import say_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "plugins",
        help="list plugin distributions, their status and what they provide",
        description="List every distribution in the minidl entry-point group: version, status (loaded, failed, "
        "blocked, incompatible), why it did not load and where, what it printed while loading, its components.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    infos = registry.plugins()
    if args.json:
        say_json([i.as_dict() for i in infos])
        return 0
    for info in infos:
        print(f"{info.distribution} {info.version}: {info.status}")
        if info.error:
            print(f"  {'reason' if info.status == 'blocked' else 'error'}: {info.error}")
        if info.location:
            print(f"  at: {info.location}")
        if info.output:
            print("  printed while loading:")
            for line in info.output.rstrip("\n").split("\n"):
                print(f"    | {line}")
        for component in sorted(info.components):
            print(f"  {component}")
    return 0
