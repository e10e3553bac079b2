"""``minidl plugins``: every distribution in the ``minidl`` entry-point group, its status and components."""

from __future__ import annotations

import argparse
import json

from minidl import registry


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("plugins", help="list plugin distributions and what they provide")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    infos = registry.plugins()
    if args.json:
        print(json.dumps([i.as_dict() for i in infos], indent=2))
        return 0
    for info in infos:
        print(f"{info.distribution} {info.version}: {info.status}")
        if info.error:
            print(f"  error: {info.error}")
        for component in sorted(info.components):
            print(f"  {component}")
    return 0
