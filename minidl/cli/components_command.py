"""``minidl components [KIND]``: what the registry offers: ids, providers and parameter schemas."""

from __future__ import annotations

import argparse
from typing import Any

from minidl import registry
from minidl.cli.output import say_json

PLURALS = {kind: kind + ("es" if kind.endswith("s") else "s") for kind in registry.KINDS}
"""How the listing's headings name each kind (``losses``); the command accepts either form."""


def kind_name(text: str) -> str:
    """A kind from its singular or plural name (``scheduler``, ``schedulers``); anything else is left for argparse."""
    return {plural: kind for kind, plural in PLURALS.items()}.get(text, text)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "components",
        help="list registered components with their providers and parameters",
        description="List the components the registry knows (built-ins and installed plugins), by kind.",
    )
    parser.add_argument(
        "kind",
        nargs="?",
        type=kind_name,
        choices=registry.KINDS,
        metavar="KIND",
        help=f"only this kind: {', '.join(registry.KINDS)} (or the plural)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (registry.describe of each component)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else list(registry.KINDS)
    described = {
        kind: [registry.describe(kind, name) for name in registry.names(kind, qualified=True)] for kind in kinds
    }
    if args.json:
        say_json(described if args.kind is None else described[args.kind])
        return 0
    for kind, components in described.items():
        print(f"{PLURALS[kind]}:")
        for d in components:
            print(f"  {d['id']}  ({d['provider']['distribution']} {d['provider']['version']})  {d['summary']}")
            for p in d["parameters"]:
                print(registry.plain_text(f"      {_parameter(p)}" + (f"  -- {p['help']}" if p["help"] else "")))
    return 0


def _parameter(p: dict[str, Any]) -> str:
    """``lr: float >= 0 = 0.001`` and the like."""
    text = f"{p['name']}: {p['type']}"
    if "choices" in p:
        text += " in " + "|".join(str(c) for c in p["choices"])
    bounds = [f"{op} {p[key]}" for key, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")) if key in p]
    if bounds:
        text += " " + " and ".join(bounds)
    return text + (" (required)" if p["required"] else f" = {p['default']}")
