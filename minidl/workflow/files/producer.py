"""Who made a file: the minidl version and the distribution and version behind every component it names.

When a file names a component that is not installed, the producer list says what to install.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from minidl import registry
from minidl.core.errors import SpecError
from minidl.version import __version__
from minidl.workflow.files.checks import child, expect_list, expect_map, expect_str


def component_refs(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(kind, {"component": id, "config": ...})`` for every component of a normalised spec."""
    for layer in spec["model"]["layers"]:
        yield "module", layer
    yield "initializer", spec["model"]["init"]
    training = spec["training"]
    if training is not None:
        for kind in ("dataset", "loss", "optimizer", "scheduler"):
            if training[kind] is not None:
                yield kind, training[kind]


def producer_of(spec: dict[str, Any]) -> dict[str, Any]:
    """The producer entry for a file holding ``spec`` (each component listed once, in spec order)."""
    components: list[dict[str, str]] = []
    for kind, ref in component_refs(spec):
        item = {"kind": kind, "id": ref["component"], **registry.provider(kind, ref["component"])}
        if item not in components:
            components.append(item)
    return {"minidl": __version__, "components": components}


def read_producer(value: Any, where: str = "producer") -> dict[str, Any]:
    """Validate the producer entry of a file."""
    producer = expect_map(value, where, {"minidl", "components"})
    expect_str(producer["minidl"], f"{where}.minidl")
    for i, item in enumerate(expect_list(producer["components"], f"{where}.components")):
        at = child(f"{where}.components", i)
        expect_map(item, at, {"kind", "id", "distribution", "version"})
        for key in ("kind", "id", "distribution", "version"):
            expect_str(item[key], f"{at}.{key}")
    return producer


def install_hint(producer: dict[str, Any], message: str) -> str:
    """For an unknown-component message, what to install: the saved provider of each component it names.

    A provider that is installed but did not load (failed, blocked) needs no hint: the message says why.
    """
    hints = [
        f"{item['kind']} {item['id']!r} was provided by {item['distribution']} {item['version']} when this file was "
        f"saved: install {item['distribution']}>={item['version']}"
        for item in producer["components"]
        if f"{item['kind']} {item['id']!r}" in message and not registry.unavailable(item["distribution"])
    ]
    return "; ".join(hints)


def minidl_version_of(document: dict[str, Any]) -> str:
    """The minidl version that wrote a document, read leniently (for messages about newer formats)."""
    producer = document.get("producer")
    version = producer.get("minidl") if isinstance(producer, dict) else None
    if not isinstance(version, str):
        raise SpecError("producer.minidl: missing (cannot tell which minidl wrote this file)")
    return version
