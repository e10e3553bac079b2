"""A Sequential model as a spec plus named tensors (``layers.<i>.<name>``), and back.

Loading builds one layer at a time and hands each parameter the tensor decoded from the file.
"""

from __future__ import annotations

import json
from typing import Any

import torch

from minidl import registry
from minidl.components.init import DefaultInit
from minidl.components.modules.sequential import Sequential
from minidl.core.config import config_text
from minidl.core.errors import ConfigError, SpecError
from minidl.core.module import Module, no_init
from minidl.workflow.files.checks import child, create
from minidl.workflow.files.tensors import DTYPE_NAMES, Record
from minidl.workflow.spec import MODEL_DTYPES, build_model, normalize

MAX_SPEC_MODEL_BYTES = 2**30
"""A spec file holds no weights, so its size says nothing about the model it builds: this caps that model."""


def model_spec(model: Sequential, training: dict[str, Any] | None) -> dict[str, Any]:
    """The normalised spec of a live model (registered layers and their configs) with a training setup."""
    if not isinstance(model, Sequential):
        raise ConfigError(f"save: expected a minidl.Sequential, got {type(model).__name__}")
    dtypes = {p.value.dtype for p in model.param()}
    if len(dtypes) > 1 or DTYPE_NAMES.get(next(iter(dtypes), torch.float32)) not in MODEL_DTYPES:
        raise ConfigError(
            f"save: the model's parameters must all be {' or '.join(MODEL_DTYPES)}, got {sorted(map(str, dtypes))}"
        )
    dtype = next(iter(dtypes), torch.float32)
    layers = [{"component": _layer_id(i, layer), "config": layer.get_config()} for i, layer in enumerate(model)]
    spec = {
        "model": {"layers": layers, "init": init_ref(model), "dtype": DTYPE_NAMES[dtype]},
        "training": training,
    }
    return normalize(spec)


def _layer_id(index: int, layer: Module) -> str:
    """The registry id a file names the layer by; an unregistered layer is refused at its place."""
    try:
        return registry.id_of("module", layer)
    except registry.ComponentNotFound as error:
        if isinstance(layer, Sequential):
            raise ConfigError(
                f"save: layers[{index}] is a Sequential: a file holds one flat list, so put its layers in the outer one"
            ) from None
        raise registry.ComponentNotFound(f"save: layers[{index}]: {error}") from None


def init_ref(model: Sequential) -> dict[str, Any]:
    """The spec's ``model.init``: the initializer the layers remember drawing their weights with.

    Layers without parameters drew nothing, and one that no ``init_parameters`` reached (BatchNorm1d
    built by hand) has none to remember; with no initializer left, the model is PyTorch's default.
    A spec names one initializer, so layers that remember different ones cannot be saved as they are.
    """
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, layer in enumerate(model):
        for m in layer.modules():
            if m.named_parameters(recurse=False) and m.initializer is not None:
                ref = {"component": registry.id_of("initializer", m.initializer), "config": m.initializer.get_config()}
                found.setdefault(json.dumps(ref, sort_keys=True), (i, ref))
    if len(found) > 1:
        drawn = ", ".join(f"layers[{i}] {ref['component']}({config_text(ref['config'])})" for i, ref in found.values())
        raise ConfigError(
            f"save: the layers' weights were drawn by different initializers ({drawn}), but a file records one "
            "(spec.model.init): set .initializer on every layer to the one that training this file should draw with"
        )
    if found:
        return next(iter(found.values()))[1]
    return {"component": registry.id_of("initializer", DefaultInit())}


def model_tensors(model: Sequential) -> dict[str, torch.Tensor]:
    """Every parameter value and buffer, named ``layers.<i>.<name>``: the layer's own dotted names
    (``Module.named_parameters``, ``named_buffers``, as PyTorch names them) under its place in the model."""
    tensors: dict[str, torch.Tensor] = {}
    for i, layer in enumerate(model):
        tensors.update((name, p.value) for name, p in layer.named_parameters(f"layers.{i}"))
        tensors.update(layer.named_buffers(f"layers.{i}"))
    return tensors


def load_model(spec: dict[str, Any], records: dict[str, Record], where: str = "tensors") -> Sequential:
    """The spec's model with the weights in ``records`` (taken out of it); every mismatch is a SpecError.

    Layers are built one at a time and each takes its tensors at once, so the bytes decoded from the
    file are released as the model grows: memory peaks near the model's own size plus one layer.
    """
    dtype = MODEL_DTYPES[spec["model"]["dtype"]]
    layers = []
    for i, ref in enumerate(spec["model"]["layers"]):
        with no_init():  # every parameter is about to be replaced by the file's tensor
            layer = create("module", ref, f"spec.model.layers[{i}]").to(dtype=dtype)
        for name, pair in layer.named_parameters(f"layers.{i}"):
            pair.value = _take(records, name, pair.value, layer, i, where)
        for prefix, m in layer.named_modules(f"layers.{i}"):
            for name, buffer in m.named_buffers(recurse=False):
                setattr(m, name, _take(records, f"{prefix}.{name}", buffer, layer, i, where))
        layers.append(layer)
    model = Sequential(*layers)
    with no_init():  # the weights are the file's: remember the initializer that drew them, draw nothing
        model.init_parameters(create("initializer", spec["model"]["init"], "spec.model.init"))
    return model


def new_model(spec: dict[str, Any], max_bytes: int) -> Sequential:
    """A freshly initialised model for a spec file, refused if its weights would take more than ``max_bytes``.

    A spec file is tiny but can describe a huge network: the cap keeps a hostile one from exhausting memory.
    """
    with torch.device("meta"):  # sizes without memory (the meta device costs about 0.5 s on first use)
        layers = [create("module", ref, f"spec.model.layers[{i}]") for i, ref in enumerate(spec["model"]["layers"])]
        skeleton = Sequential(*layers).to(dtype=MODEL_DTYPES[spec["model"]["dtype"]])
    size = sum(t.numel() * t.element_size() for t in model_tensors(skeleton).values())
    if size > max_bytes:
        raise SpecError(
            f"spec.model: the network's weights would take {size} bytes, more than the limit of {max_bytes} "
            "for a spec file (pass max_spec_model_bytes to load it)"
        )
    training = spec["training"]
    return build_model(spec, seed=None if training is None else training["seed"])


def _take(
    records: dict[str, Record], name: str, like: torch.Tensor, layer: Module, index: int, where: str
) -> torch.Tensor:
    at = child(where, name)
    record = records.pop(name, None)
    if record is None:
        raise SpecError(f"{at}: missing (layer {index}, {type(layer).__name__}, has this tensor)")
    if record.dtype != like.dtype:
        raise SpecError(
            f"{at}.dtype: expected {DTYPE_NAMES.get(like.dtype, like.dtype)} (the spec's dtype), "
            f"got {DTYPE_NAMES[record.dtype]}"
        )
    if record.shape != tuple(like.shape):
        raise SpecError(
            f"{at}.shape: expected {list(like.shape)} for layer {index} ({layer!r}), got {list(record.shape)}"
        )
    return record.to_tensor()
