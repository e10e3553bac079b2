"""``minidl components`` and ``minidl plugins``: what the registry holds, as text and JSON."""

from __future__ import annotations

import json

from minidl import registry


def test_components_lists_every_kind(cli) -> None:
    result = cli("components")
    assert result.code == 0, result.err
    for kind in registry.KINDS:
        assert f"\n{kind}" in "\n" + result.out
    assert "minidl:Dropout  (minidl " in result.out
    assert "p: float >= 0.0 and < 1.0 = 0.5  -- probability" in result.out


def test_components_of_one_kind_as_json(cli) -> None:
    described = json.loads(cli("components", "optimizer", "--json").out)
    assert [d["id"] for d in described] == registry.names("optimizer", qualified=True)
    adam = next(d for d in described if d["id"] == "minidl:Adam")
    assert adam == registry.describe("optimizer", "minidl:Adam")


def test_plugins_json(cli) -> None:
    infos = json.loads(cli("plugins", "--json").out)
    assert {"distribution": "minidl", "status": "loaded"}.items() <= next(
        i for i in infos if i["distribution"] == "minidl"
    ).items()


def test_components_accepts_the_plural_its_headings_print(cli) -> None:
    for kind in registry.KINDS:
        plural = kind + ("es" if kind.endswith("s") else "s")
        assert f"\n{plural}:" in "\n" + cli("components").out
        assert cli("components", plural, "--json").out == cli("components", kind, "--json").out
    result = cli("components", "layers")
    assert result.code == 2 and "invalid choice: 'layers'" in result.err
