"""A network that starts with InputFeatures and learns two Gaussians, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import minidl
from tests.cli.conftest import small_spec


def features_file(tmp_path: Path, first: dict) -> Path:
    spec = small_spec()
    spec["model"]["layers"] = [
        {"component": "InputFeatures", "config": first},
        {"component": "Linear", "config": {"in_features": 3, "out_features": 4}},
        {"component": "Tanh"},
        {"component": "Linear", "config": {"in_features": 4, "out_features": 2}},
    ]
    spec["training"]["dataset"] = {"component": "gaussians", "config": {"n_train": 40, "n_test": 20}}
    path = tmp_path / "features.minidl"
    minidl.save_spec(spec, path)
    return path


def test_train_and_inspect_show_the_features_width(cli, tmp_path: Path) -> None:
    spec = features_file(tmp_path, {"sin_x2": True})
    assert cli("train", spec, "--output", tmp_path / "m.minidl").code == 0
    summary = json.loads(cli("inspect", tmp_path / "m.minidl", "--json").out)
    assert [layer["output_shape"] for layer in summary["layers"]] == [[None, 3], [None, 4], [None, 4], [None, 2]]


def test_choosing_no_feature_is_one_line_naming_the_layer(cli, tmp_path: Path) -> None:
    result = cli("train", features_file(tmp_path, {"x1": False, "x2": False}))
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "minidl: error: spec.model.layers[0]: InputFeatures: choose at least one feature "
        "(x1, x2, x1_squared, x2_squared, x1_times_x2, sin_x1, sin_x2)"
    ]
