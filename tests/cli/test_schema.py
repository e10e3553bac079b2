"""``minidl schema`` prints the spec's JSON Schema (its content is tested in tests/workflow/test_spec_schema.py)."""

from __future__ import annotations

import json

from minidl.workflow.spec_schema import spec_schema


def test_schema_prints_the_generated_schema(cli) -> None:
    result = cli("schema")
    assert result.code == 0 and result.err == ""
    assert json.loads(result.out) == spec_schema()
