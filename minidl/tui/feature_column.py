"""The Playground's feature column as an edit of the network's layers (no Textual): the first layer is the
built-in ``InputFeatures`` when any feature besides plain x1 and x2 is on, and absent otherwise.

The first layer after it that declares ``in_features`` (the Linear) follows the number of features, so
the edited network still builds; everything else in the network is kept as it was.
"""

from __future__ import annotations

from typing import Any

from minidl import registry
from minidl.components.modules.input_features import FEATURES
from minidl.core.errors import ConfigError

Layers = list[dict[str, Any]]
IDENTITY = {f.name: f.name in ("x1", "x2") for f in FEATURES}
"""The switches of the identity: x1 and x2 only, what a network without the features layer sees."""


def is_features(ref: dict[str, Any]) -> bool:
    """True when the layer ``ref`` is the built-in InputFeatures."""
    return registry.entry("module", ref["component"]).id == registry.entry("module", "InputFeatures").id


def features_of(layers: Layers) -> dict[str, bool]:
    """Which features the network's first layer computes (every switch, in FEATURES' order)."""
    if layers and is_features(layers[0]):
        config = layers[0].get("config", {})
        return {name: bool(config.get(name, default)) for name, default in IDENTITY.items()}
    return dict(IDENTITY)


def with_features(layers: Layers, switches: dict[str, bool]) -> Layers:
    """``layers`` with its features layer set, inserted or removed for ``switches``, and the next
    ``in_features`` set to their number. Raises ConfigError when no feature is on."""
    chosen = {name: bool(switches.get(name, False)) for name in IDENTITY}
    count = sum(chosen.values())
    if count == 0:
        names = ", ".join(f.label for f in FEATURES)
        raise ConfigError(f"input features: choose at least one of {names}")
    rest = [dict(ref) for ref in (layers[1:] if layers and is_features(layers[0]) else layers)]
    head = [] if chosen == IDENTITY else [{"component": "InputFeatures", "config": chosen}]
    for i, ref in enumerate(rest):
        if any(f.name == "in_features" for f in registry.fields("module", ref["component"])):
            rest[i] = {**ref, "config": {**ref.get("config", {}), "in_features": count}}
            break
    return head + rest
