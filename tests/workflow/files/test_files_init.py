"""A file holds what the user made: the initializer survives every save, and a saved model trains from its draw.

The model remembers the initializer it was drawn with (``Module.initializer``); the file reads it back
through the registry's id and config, so a plugin's initializer survives like a built-in one.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
import torch

import minidl
from minidl.workflow.spec import normalize
from tests.workflow.files.helpers import tiny_spec

needs_extra = pytest.mark.skipif(importlib.util.find_spec("minidl_extra") is None, reason="minidl-extra not installed")
INITS = [
    pytest.param({"component": "he"}, id="he"),
    pytest.param({"component": "xavier", "config": {"gain": 5 / 3}}, id="xavier"),
    pytest.param({"component": "minidl-extra:xavier_uniform", "config": {"gain": 2.0}}, id="plugin", marks=needs_extra),
]


def spec_with(init: dict[str, Any]) -> dict[str, Any]:
    spec = tiny_spec(epochs=2, seed=5)
    spec["model"]["init"] = init
    return spec


@pytest.mark.parametrize("init", INITS)
def test_every_save_keeps_the_initializer(tmp_path: Path, init: dict[str, Any]) -> None:
    spec = spec_with(init)
    expected = normalize(spec)["model"]["init"]
    run = minidl.Run(spec)
    run.fit(1)
    run.save(tmp_path / "model.minidl")
    run.save_checkpoint(tmp_path / "checkpoint.minidl")
    minidl.save_spec(spec, tmp_path / "spec.minidl")
    for name in ("model", "checkpoint", "spec"):
        loaded = minidl.load(tmp_path / f"{name}.minidl")
        assert loaded.spec["model"]["init"] == expected, name
        minidl.save(loaded.model, tmp_path / "again.minidl", training=loaded.spec["training"])  # and saved again
        assert minidl.load(tmp_path / "again.minidl").spec["model"]["init"] == expected, name


@pytest.mark.parametrize("init", INITS)
def test_training_a_saved_model_draws_the_weights_its_spec_drew(tmp_path: Path, init: dict[str, Any]) -> None:
    spec = spec_with(init)
    first = minidl.Run(spec)
    drawn = [p.value.clone() for p in first.model.param()]
    first.fit()
    first.save(tmp_path / "trained.minidl")
    again = minidl.build_trainer(minidl.load(tmp_path / "trained.minidl").spec)  # what `minidl train FILE` does
    assert all(torch.equal(a, p.value) for a, p in zip(drawn, again.model.param()))


def test_a_hand_built_model_records_what_drew_its_weights(tmp_path: Path) -> None:
    model = minidl.Sequential(minidl.Linear(2, 3), minidl.ReLU(), minidl.Linear(3, 2))
    minidl.save(model, tmp_path / "m.minidl")
    assert minidl.load(tmp_path / "m.minidl").spec["model"]["init"] == {"component": "minidl:default", "config": {}}
    model.init_parameters("he", 3.0)
    minidl.save(model, tmp_path / "m.minidl")
    assert minidl.load(tmp_path / "m.minidl").spec["model"]["init"] == {
        "component": "minidl:he",
        "config": {"gain": 3.0},
    }


def test_layers_drawn_by_different_initializers_are_refused_by_name(tmp_path: Path) -> None:
    model = minidl.Sequential(minidl.Linear(2, 3), minidl.ReLU(), minidl.Linear(3, 2))
    model[2].init_parameters("xavier")
    with pytest.raises(
        minidl.ConfigError, match=r"layers\[0\] minidl:default\(\), layers\[2\] minidl:xavier\(gain=1.0\)"
    ):
        minidl.save(model, tmp_path / "m.minidl")
    assert not (tmp_path / "m.minidl").exists()
