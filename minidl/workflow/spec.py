"""The spec: everything a user configures, as plain data, and how it becomes live objects.

    {"model": {"layers": [{"component": "Linear", "config": {"in_features": 2, "out_features": 25}},
                          {"component": "ReLU", "config": {}}, ...],
               "init": {"component": "default", "config": {}},
               "dtype": "float32"},
     "training": {"dataset": {...}, "loss": {...}, "optimizer": {...}, "scheduler": {...} or None,
                  "epochs": 200, "batch_size": 10, "seed": 0}}          # "training" may be None

The TUI edits a spec, the CLI reads one, files store one; ``normalize`` checks one (every error names
its place, like ``model.layers[2].config.p``) and ``build_model`` / ``build_trainer`` make objects.
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from minidl import registry
from minidl.components.modules.sequential import Sequential
from minidl.core.config import validate_config
from minidl.core.errors import ConfigError, ShapeError
from minidl.workflow.trainer import Trainer

DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}
_TRAINING_INTS = {"epochs": (1, 10_000_000), "batch_size": (1, 100_000_000), "seed": (0, 2**63 - 1)}


def _mapping(value: Any, where: str, keys: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping, got {type(value).__name__}")
    unknown = sorted(str(k) for k in value if k not in keys)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (expected {', '.join(sorted(keys))})")
    missing = sorted(required - set(value))
    if missing:
        raise ConfigError(f"{where}: missing key {missing[0]!r}")
    return value


def normalize_component(kind: str, value: Any, where: str) -> dict[str, Any]:
    """``{"component": id, "config": {...}}`` with the qualified id and a validated, complete config."""
    ref = _mapping(value, where, {"component", "config"}, {"component"})
    name = ref["component"]
    if not isinstance(name, str):
        raise ConfigError(f"{where}.component: expected a {kind} name, got {type(name).__name__}")
    try:
        entry = registry.entry(kind, name)
    except LookupError as error:
        raise type(error)(f"{where}.component: {error}") from None
    checked = validate_config(entry.cls, ref.get("config", {}), where=f"{where}.config")
    return {"component": entry.id, "config": checked}


def normalize(spec: Any, where: str = "spec") -> dict[str, Any]:
    """Validate a whole spec and return it complete: qualified ids, every default filled in."""
    top = _mapping(spec, where, {"model", "training"}, {"model"})
    model = _mapping(top["model"], f"{where}.model", {"layers", "init", "dtype"}, {"layers"})
    layers = model["layers"]
    if not isinstance(layers, list) or not layers:
        raise ConfigError(f"{where}.model.layers: expected a non-empty list of layers")
    dtype = model.get("dtype", "float32")
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ConfigError(f"{where}.model.dtype: expected one of {', '.join(DTYPES)}, got {dtype!r}")
    out_model = {
        "layers": [
            normalize_component("module", layer, f"{where}.model.layers[{i}]") for i, layer in enumerate(layers)
        ],
        "init": normalize_component("initializer", model.get("init", {"component": "default"}), f"{where}.model.init"),
        "dtype": dtype,
    }
    training = top.get("training")
    if training is None:
        return {"model": out_model, "training": None}
    t_where = f"{where}.training"
    keys = {"dataset", "loss", "optimizer", "scheduler", *_TRAINING_INTS}
    training = _mapping(training, t_where, keys, keys - {"scheduler"})
    out_training: dict[str, Any] = {
        "dataset": normalize_component("dataset", training["dataset"], f"{t_where}.dataset"),
        "loss": normalize_component("loss", training["loss"], f"{t_where}.loss"),
        "optimizer": normalize_component("optimizer", training["optimizer"], f"{t_where}.optimizer"),
        "scheduler": None
        if training.get("scheduler") is None
        else normalize_component("scheduler", training["scheduler"], f"{t_where}.scheduler"),
    }
    for key, (low, high) in _TRAINING_INTS.items():
        value = training[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{t_where}.{key}: expected an int in [{low}, {high}], got {value!r}")
        out_training[key] = value
    return {"model": out_model, "training": out_training}


def _create(kind: str, ref: dict[str, Any], where: str, *runtime_args: Any) -> Any:
    return registry.create(kind, ref["component"], *runtime_args, where=f"{where}.config", **ref.get("config", {}))


def build_model(spec: dict[str, Any], *, seed: int | None = None) -> Sequential:
    """The network of a spec, freshly initialised (from ``seed`` when given), in the spec's dtype."""
    spec = normalize(spec)
    if seed is not None:
        torch.manual_seed(seed)
    layers = [_create("module", ref, f"spec.model.layers[{i}]") for i, ref in enumerate(spec["model"]["layers"])]
    model = Sequential(*layers)
    model.to(dtype=DTYPES[spec["model"]["dtype"]])
    model.init_parameters(_create("initializer", spec["model"]["init"], "spec.model.init"))
    return model


def build_trainer(spec: dict[str, Any], model: Sequential | None = None, *, compile: bool | None = None) -> Trainer:
    """A Trainer for the spec's training setup, on ``model`` or a fresh one seeded from the spec.

    ``compile`` is a runtime choice (see ``Trainer``), never part of the spec."""
    spec = normalize(spec)
    training = spec["training"]
    if training is None:
        raise ConfigError("spec.training: this spec has no training setup (dataset, loss, optimizer, ...)")
    seed = training["seed"]
    if model is None:
        model = build_model(spec, seed=seed)
    data = _create("dataset", training["dataset"], "spec.training.dataset").load(seed)
    check_fits(model, data.num_features, data.num_classes, training["dataset"]["component"])
    loss = _create("loss", training["loss"], "spec.training.loss")
    optimizer = _create("optimizer", training["optimizer"], "spec.training.optimizer", model.param())
    scheduler = (
        None
        if training["scheduler"] is None
        else _create("scheduler", training["scheduler"], "spec.training.scheduler", optimizer)
    )
    return Trainer(
        model,
        loss,
        optimizer,
        data,
        scheduler=scheduler,
        epochs=training["epochs"],
        batch_size=training["batch_size"],
        seed=seed,
        spec=spec,
        compile=compile,
    )


def check_fits(model: Sequential, num_features: int, num_classes: int, dataset: str) -> None:
    """Check that the network takes the data set's inputs and gives one output per class, naming the layer."""
    dtype, device = model.placement()
    x = torch.zeros(2, num_features, dtype=dtype, device=device)
    was_training = model.training
    model.eval()
    try:
        for i, layer in enumerate(model):
            try:
                x = layer.forward(x)
            except ShapeError as error:
                raise ConfigError(
                    f"spec.model.layers[{i}]: {error} (data set {dataset} has {num_features} features)"
                ) from None
    finally:
        model.train(was_training)
    if x.dim() != 2 or x.shape[1] != num_classes:
        raise ConfigError(
            f"spec.model.layers: the network outputs {tuple(x.shape)[1:]} values per point, but data set "
            f"{dataset} has {num_classes} classes: make the last layer's width {num_classes}"
        )


def copy_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so callers can edit a spec without touching the original."""
    return copy.deepcopy(spec)
