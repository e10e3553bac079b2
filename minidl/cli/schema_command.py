"""``minidl schema``: the JSON Schema of a spec, generated from the registry, for other tools to validate specs."""

from __future__ import annotations

import argparse
import json

from minidl.workflow.spec_schema import spec_schema


def add_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser(
        "schema",
        help="print the JSON Schema of a spec (every installed component's parameters)",
        description="Print a JSON Schema (draft 2020-12) of the spec inside .minidl files, generated from the "
        "registry: every installed component (plugins included) with its parameters' types, bounds, choices, "
        "defaults and help. Save it (minidl schema > spec.schema.json) to validate specs with any tool.",
    ).set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(json.dumps(spec_schema(), indent=2, allow_nan=False))
    return 0
