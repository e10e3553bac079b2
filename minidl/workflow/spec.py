"""The spec: everything a user configures, as plain data, and how it becomes live objects.

    {"model": {"layers": [{"component": "Linear", "config": {"in_features": 2, "out_features": 25}},
                          {"component": "ReLU", "config": {}}, ...],
               "init": {"component": "default", "config": {}},
               "dtype": "float32"},
     "training": {"dataset": {...}, "loss": {...}, "optimizer": {...}, "scheduler": {...} or None,
                  "epochs": 200, "batch_size": 10, "seed": 0}}          # "training" may be None

The TUI edits a spec, the CLI reads one, files store one; ``normalize`` checks one (every error names
its place, like ``model.layers[2].config.p``; every number must fit the model's dtype) and
``build_model`` makes its network (a :class:`~minidl.workflow.run.Run` makes the rest). Building checks
before it allocates: the memory the weights need against what is free (``check_update``: one optimizer
step on a scratch weight); an exception from a component's constructor or initializer is a
ComponentError naming its place.
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from minidl import registry
from minidl.components.modules.sequential import Sequential
from minidl.components.optim.optimizer import held_tensors, replaced_by_step
from minidl.core.config import schema_of, validate_config
from minidl.core.errors import ConfigError, ShapeError
from minidl.core.module import Parameter
from minidl.workflow import memory
from minidl.workflow.failures import build, component_error
from minidl.workflow.training_limits import TRAINING_LIMITS

MODEL_DTYPES: dict[str, torch.dtype] = {"float32": torch.float32, "float64": torch.float64}
_INT64 = (-(2**63), 2**63 - 1)


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


def normalize_component(kind: str, value: Any, where: str, dtype: str = "float32") -> dict[str, Any]:
    """``{"component": id, "config": {...}}`` with the qualified id and a validated, complete config.

    Every number must also fit the tensors of the model's ``dtype`` it will meet (see ``_check_numbers``).
    """
    ref = _mapping(value, where, {"component", "config"}, {"component"})
    name = ref["component"]
    if not isinstance(name, str):
        raise ConfigError(f"{where}.component: expected a {kind} name, got {type(name).__name__}")
    try:
        entry = registry.entry(kind, name)
    except LookupError as error:
        raise type(error)(f"{where}.component: {error}") from None
    checked = validate_config(entry.cls, ref.get("config", {}), where=f"{where}.config")
    _check_numbers(entry.cls, checked, dtype, f"{where}.config")
    return {"component": entry.id, "config": checked}


def _check_numbers(cls: type, config: dict[str, Any], dtype: str, where: str) -> None:
    """Floats finite and within ``dtype``'s range, ints within int64 (torch's sizes and seeds).

    The declared bounds allow what torch cannot take: an lr of 1e39 in float32, an in_features of 1e23.
    """
    largest = torch.finfo(MODEL_DTYPES[dtype]).max
    for field in schema_of(cls):
        value = config[field.name]
        for number in value if isinstance(value, tuple) else (value,):
            if field.element_type == "float" and number is not None and not abs(number) <= largest:
                raise ConfigError(
                    f"{where}.{field.name}: expected a finite number within {dtype}'s range "
                    f"(magnitude at most {largest:.4g}), got {number!r}"
                )
            if field.element_type == "int" and number is not None and not _INT64[0] <= number <= _INT64[1]:
                raise ConfigError(f"{where}.{field.name}: expected an int that fits int64, got {number!r}")


def normalize(spec: Any, where: str = "spec") -> dict[str, Any]:
    """Validate a whole spec and return it complete: qualified ids, every default filled in."""
    top = _mapping(spec, where, {"model", "training"}, {"model"})
    model = _mapping(top["model"], f"{where}.model", {"layers", "init", "dtype"}, {"layers"})
    layers = model["layers"]
    if not isinstance(layers, list) or not layers:
        raise ConfigError(f"{where}.model.layers: expected a non-empty list of layers")
    dtype = model.get("dtype", "float32")
    if not isinstance(dtype, str) or dtype not in MODEL_DTYPES:
        raise ConfigError(f"{where}.model.dtype: expected one of {', '.join(MODEL_DTYPES)}, got {dtype!r}")
    out_model = {
        "layers": [
            normalize_component("module", layer, f"{where}.model.layers[{i}]", dtype) for i, layer in enumerate(layers)
        ],
        "init": normalize_component(
            "initializer", model.get("init", {"component": "default"}), f"{where}.model.init", dtype
        ),
        "dtype": dtype,
    }
    training = top.get("training")
    if training is None:
        return {"model": out_model, "training": None}
    t_where = f"{where}.training"
    keys = {"dataset", "loss", "optimizer", "scheduler", *TRAINING_LIMITS}
    training = _mapping(training, t_where, keys, keys - {"scheduler"})
    out_training: dict[str, Any] = {
        key: None
        if key == "scheduler" and training.get(key) is None
        else normalize_component(key, training[key], f"{t_where}.{key}", dtype)
        for key in ("dataset", "loss", "optimizer", "scheduler")
    }
    for key, limit in TRAINING_LIMITS.items():
        problem = limit.problem(training[key])
        if problem:
            raise ConfigError(f"{t_where}.{key}: {problem}")
        out_training[key] = training[key]
    return {"model": out_model, "training": out_training}


def build_model(spec: dict[str, Any], *, seed: int | None = None) -> Sequential:
    """The network of a spec, freshly initialised (from ``seed`` when given), in the spec's dtype.

    Refused (ResourceError) before anything is allocated when its weights cannot fit in the free memory.
    """
    spec = normalize(spec)
    memory.require(
        {"weights": memory.weight_bytes(spec["model"]["layers"], MODEL_DTYPES[spec["model"]["dtype"]])}, "spec.model"
    )
    return fresh_model(spec, seed)


def fresh_model(spec: dict[str, Any], seed: int | None) -> Sequential:
    """The network of a normalised spec, initialised (from ``seed`` when given); no memory check."""
    if seed is not None:
        torch.manual_seed(seed)
    layers = [build("module", ref, f"spec.model.layers[{i}]") for i, ref in enumerate(spec["model"]["layers"])]
    model = Sequential(*layers)
    model.to(dtype=MODEL_DTYPES[spec["model"]["dtype"]])
    init = spec["model"]["init"]
    initializer = build("initializer", init, "spec.model.init")
    for i, layer in enumerate(model):
        try:
            layer.init_parameters(initializer)
        except Exception as error:
            where, stage = f"spec.model.layers[{i}]", f"initialising with {init['component']}"
            raise component_error("module", layer, where, stage, error) from error
    return model


def check_update(ref: dict[str, Any], dtype: torch.dtype, device: torch.device) -> None:
    """One step of a normalised optimizer spec on a scratch weight and bias of ``dtype``, before any real work.

    ``normalize`` checks each number fits the dtype, but an update can still overflow it (Adam's step
    ``lr / (1 - beta1)`` with lr 1e38 in float32): the trial step reports that before the model is built.
    """
    scratch = [Parameter(torch.zeros(shape, dtype=dtype, device=device)) for shape in ((1, 1), (1,))]
    optimizer = build("optimizer", ref, "spec.training.optimizer", scratch)
    rng = torch.get_rng_state()  # an optimizer that draws random numbers must not shift the run's draws
    tensors = held_tensors(scratch)
    try:
        optimizer.step()
        replaced = replaced_by_step(optimizer, scratch, tensors)
        if replaced:
            raise ConfigError(replaced)
    except Exception as error:
        stage = f"a trial step in {str(dtype).removeprefix('torch.')}, before training,"
        raise component_error("optimizer", optimizer, "spec.training.optimizer", stage, error) from error
    finally:
        torch.set_rng_state(rng)


def layer_shapes(model: Sequential, width: int, hint: str = "") -> list[tuple[int, ...]]:
    """Each layer's output shape for a batch of two zero rows of ``width`` features, in evaluation mode.

    A layer that refuses its input names its place: a ShapeError becomes a ConfigError (with ``hint``
    appended), anything else a ComponentError.
    """
    dtype, device = model.placement()
    x = torch.zeros(2, width, dtype=dtype, device=device)
    shapes = []
    with model.evaluating():
        for i, layer in enumerate(model):
            given = x
            try:
                x = layer.forward(x)
                _same_placement(x, given)
            except ShapeError as error:  # a layer after the first is fed by the one before it, not by the data
                fed = hint if i == 0 else f" (layers[{i - 1}] gives {given.shape[1]} values per point)"
                raise ConfigError(f"spec.model.layers[{i}]: {error}{fed}") from None
            except Exception as error:
                raise component_error("module", layer, f"spec.model.layers[{i}]", "forward", error) from error
            shapes.append(tuple(x.shape))
    return shapes


def _same_placement(output: Any, given: torch.Tensor) -> None:
    """Raise TypeError unless a layer's output is a tensor of its input's dtype and device: otherwise the next layer
    fails on it (a matrix product of float64 and float32) and would be blamed instead."""
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"forward returned {type(output).__name__}, expected a tensor")
    if (output.dtype, output.device) != (given.dtype, given.device):
        raise TypeError(
            f"forward returned a {str(output.dtype).removeprefix('torch.')} tensor on {output.device} for a "
            f"{str(given.dtype).removeprefix('torch.')} input on {given.device}: keep the input's dtype and device"
        )


def check_fits(model: Sequential, num_features: int, num_classes: int, dataset: str) -> None:
    """Check that the network takes the data set's inputs and gives one output per class, naming the layer."""
    shapes = layer_shapes(model, num_features, f" (data set {dataset} has {num_features} features)")
    out = shapes[-1] if shapes else (2, num_features)
    if len(out) != 2 or out[1] != num_classes:
        raise ConfigError(
            f"spec.model.layers: the network outputs {out[1:]} values per point, but data set "
            f"{dataset} has {num_classes} classes: make the last layer's width {num_classes}"
        )


def copy_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, so callers can edit a spec without touching the original."""
    return copy.deepcopy(spec)
