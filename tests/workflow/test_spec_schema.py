"""``minidl schema``: a valid JSON Schema that accepts the specs minidl accepts and refuses the ones it refuses.

An independent validator (``jsonschema``) checks the schema, the example specs and a set of broken
specs; a property test mutates one configuration value at a time and asks both sides.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minidl
from minidl.workflow.spec import normalize
from minidl.workflow.spec_schema import spec_schema
from tests.workflow.files.helpers import read_doc

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = spec_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def minidl_accepts(spec: Any) -> bool:
    try:
        normalize(spec)
    except (minidl.ConfigError, LookupError):
        return False
    return True


def test_the_schema_is_plain_json_and_names_every_component() -> None:
    schema = spec_schema()
    assert json.loads(json.dumps(schema, allow_nan=False)) == schema
    for kind in minidl.registry.KINDS:
        for name in minidl.registry.names(kind, qualified=True):
            assert f"{kind}.{name}" in schema["$defs"], name


@pytest.mark.parametrize("path", sorted((ROOT / "specs").glob("*.minidl")), ids=lambda p: p.name)
def test_example_specs_conform(validator: Any, path: Path) -> None:
    validator.validate(read_doc(path)["spec"])  # the spec as another msgpack reader sees it


def test_written_specs_conform_with_short_names_and_omitted_keys(validator: Any) -> None:
    validator.validate(minidl.default_spec())
    validator.validate(
        {"model": {"layers": [{"component": "Linear", "config": {"in_features": 2, "out_features": 2}}]}}
    )
    spec = minidl.default_spec()
    spec["training"].pop("scheduler")
    spec["model"].pop("init")
    spec["model"]["layers"][1].pop("config")
    validator.validate(spec)


def linear(**config: Any) -> dict[str, Any]:
    return {"component": "Linear", "config": {"in_features": 2, "out_features": 2, **config}}


BROKEN = {
    "no model": {"training": None},
    "unknown top key": {"model": {"layers": [linear()]}, "code": 1},
    "empty layers": {"model": {"layers": []}},
    "unknown component": {"model": {"layers": [{"component": "Swish"}]}},
    "missing required parameter": {"model": {"layers": [{"component": "Linear", "config": {"in_features": 2}}]}},
    "unknown parameter": {"model": {"layers": [linear(code="x")]}},
    "out of range": {"model": {"layers": [{"component": "Dropout", "config": {"p": 1.5}}]}},
    "bool for int": {"model": {"layers": [linear(out_features=True)]}},
    "string for bool": {"model": {"layers": [linear(bias="yes")]}},
    "dtype": {"model": {"layers": [linear()], "dtype": "float16"}},
    "tuple length": {"model": {"layers": [linear()]}, "training": None},  # made broken below
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_specs_are_refused_by_both(validator: Any, case: str) -> None:
    spec = copy.deepcopy(BROKEN[case])
    if case == "tuple length":
        spec["training"] = minidl.default_spec()["training"]
        spec["training"]["optimizer"]["config"]["betas"] = [0.9]
    assert not minidl_accepts(spec)
    assert not validator.is_valid(spec)


def test_broken_training_settings_are_refused_by_both(validator: Any) -> None:
    for key, value in (("epochs", 0), ("batch_size", 2.5), ("seed", -1), ("loss", None), ("scheduler", "plateau")):
        spec = minidl.default_spec()
        spec["training"][key] = value
        assert not minidl_accepts(spec), key
        assert not validator.is_valid(spec), key


def configured_components() -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, id, a valid config) for every registered component with only optional parameters, and Linear."""
    found = []
    for kind in ("module", "initializer", "loss", "optimizer", "scheduler", "dataset"):
        for name in minidl.registry.names(kind, qualified=True):
            parameters = minidl.registry.describe(kind, name)["parameters"]
            if not any(p["required"] for p in parameters):
                found.append((kind, name, {p["name"]: p["default"] for p in parameters}))
    return found


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.integers(0, 5),
    st.floats(0, 1).filter(lambda x: not x.is_integer()),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),  # JSON: 2.0 is 2
    st.sampled_from(["", "relu", "min", "max", "rel", "abs", "none"]),
    st.lists(st.floats(-2, 2, allow_nan=False).filter(lambda x: not x.is_integer()), max_size=3),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_changed_value_is_accepted_by_both_or_by_neither(validator: Any, data: st.DataObject) -> None:
    kind, name, config = data.draw(st.sampled_from(configured_components()))
    key = data.draw(st.sampled_from(sorted(config))) if config else "unknown"
    value = data.draw(VALUES)
    spec = minidl.default_spec()
    ref = {"component": name, "config": {**config, key: value}}
    if kind == "module":
        spec["model"]["layers"][1] = ref
    elif kind == "initializer":
        spec["model"]["init"] = ref
    else:
        spec["training"][kind] = ref
    assert minidl_accepts(spec) == validator.is_valid(spec), (name, key, value)
