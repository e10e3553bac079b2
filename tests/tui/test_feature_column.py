"""The feature column as a layer edit: set, insert or remove the first InputFeatures, the next in_features follows."""

from __future__ import annotations

import pytest

from minidl.core.errors import ConfigError
from minidl.tui.feature_column import IDENTITY, features_of, with_features
from minidl.workflow.recipe import default_spec
from minidl.workflow.spec import build_model


def layers() -> list[dict]:
    return [{"component": "Dropout", "config": {"p": 0.1}}, *default_spec()["model"]["layers"]]


def test_features_go_first_and_the_first_layer_with_in_features_follows_them() -> None:
    edited = with_features(layers(), {**IDENTITY, "sin_x1": True, "x1_times_x2": True})
    assert edited[0]["component"] == "InputFeatures" and features_of(edited)["sin_x1"]
    assert edited[1] == {"component": "Dropout", "config": {"p": 0.1}}  # kept as it was
    assert edited[2]["config"]["in_features"] == 4 and edited[2]["config"]["out_features"] == 25
    spec = default_spec()
    spec["model"]["layers"] = edited
    assert len(build_model(spec)) == len(edited)  # the edited network builds


def test_the_identity_removes_the_features_layer_and_no_feature_is_refused() -> None:
    edited = with_features(with_features(layers(), {**IDENTITY, "x2_squared": True}), IDENTITY)
    assert edited == layers() and features_of(edited) == IDENTITY
    with pytest.raises(ConfigError, match="choose at least one of x1, x2"):
        with_features(layers(), {})
