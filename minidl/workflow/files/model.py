"""A Sequential model as a spec plus named tensors (``layers.<i>.<name>``), and back.

Loading builds the layers on PyTorch's meta device (no memory, no random initialisation) and then
hands each parameter the tensor decoded from the file, so a model costs one copy of its weights
(plus its gradient buffers) and loads without initialising weights it will overwrite.
"""

from __future__ import annotations

from typing import Any

import torch

from minidl import registry
from minidl.components.modules.sequential import Sequential
from minidl.core.errors import ConfigError, SpecError
from minidl.core.module import Module
from minidl.workflow.files.checks import child, create
from minidl.workflow.files.format import DTYPE_NAMES
from minidl.workflow.files.tensors import Record
from minidl.workflow.spec import DTYPES, build_model, normalize


def model_spec(model: Sequential, training: dict[str, Any] | None) -> dict[str, Any]:
    """The normalised spec of a live model (registered layers and their configs) with a training setup."""
    if not isinstance(model, Sequential):
        raise ConfigError(f"save: expected a minidl.Sequential, got {type(model).__name__}")
    dtypes = {p.value.dtype for p in model.param()}
    if len(dtypes) > 1 or DTYPE_NAMES.get(next(iter(dtypes), torch.float32)) not in DTYPES:
        raise ConfigError(f"save: the model's parameters must all be {' or '.join(DTYPES)}, got {sorted(map(str, dtypes))}")
    dtype = next(iter(dtypes), torch.float32)
    layers = [{"component": registry.id_of("module", layer), "config": layer.get_config()} for layer in model]
    spec = {"model": {"layers": layers, "init": {"component": "default"}, "dtype": DTYPE_NAMES[dtype]}, "training": training}
    return normalize(spec)


def model_tensors(model: Sequential) -> dict[str, torch.Tensor]:
    """Every parameter value and buffer, named ``layers.<i>.<attribute>``."""
    tensors: dict[str, torch.Tensor] = {}
    for i, layer in enumerate(model):
        tensors.update((f"layers.{i}.{name}", p.value) for name, p in layer.named_parameters())
        tensors.update((f"layers.{i}.{name}", t) for name, t in layer.named_buffers())
    return tensors


def load_model(spec: dict[str, Any], records: dict[str, Record], where: str = "tensors") -> Sequential:
    """The spec's model with the weights in ``records`` (taken out of it); every mismatch is a SpecError."""
    model = _skeleton(spec)
    for i, layer in enumerate(model):
        for name, pair in layer.named_parameters():
            pair.value = _take(records, f"layers.{i}.{name}", pair.value, layer, i, where)
            pair.grad = torch.zeros_like(pair.value)
        for name, buffer in layer.named_buffers():
            setattr(layer, name, _take(records, f"layers.{i}.{name}", buffer, layer, i, where))
    return model


def new_model(spec: dict[str, Any], max_bytes: int) -> Sequential:
    """A freshly initialised model for a spec file, refused if its weights would take more than ``max_bytes``.

    A spec file is tiny but can describe a huge network: the cap keeps a hostile one from exhausting memory.
    """
    size = sum(t.numel() * t.element_size() for t in model_tensors(_skeleton(spec)).values())
    if size > max_bytes:
        raise SpecError(f"spec.model: the network's weights would take {size} bytes, more than the limit of {max_bytes} for a spec file (pass max_spec_model_bytes to load it)")
    training = spec["training"]
    return build_model(spec, seed=None if training is None else training["seed"])


def _skeleton(spec: dict[str, Any]) -> Sequential:
    with torch.device("meta"):
        layers = [create("module", ref, f"spec.model.layers[{i}]") for i, ref in enumerate(spec["model"]["layers"])]
        model = Sequential(*layers)
        model.to(dtype=DTYPES[spec["model"]["dtype"]])
    return model


def _take(records: dict[str, Record], name: str, like: torch.Tensor, layer: Module, index: int, where: str) -> torch.Tensor:
    at = child(where, name)
    record = records.pop(name, None)
    if record is None:
        raise SpecError(f"{at}: missing (layer {index}, {type(layer).__name__}, has this tensor)")
    if record.dtype != like.dtype:
        raise SpecError(f"{at}.dtype: expected {DTYPE_NAMES.get(like.dtype, like.dtype)} (the spec's dtype), got {DTYPE_NAMES[record.dtype]}")
    if record.shape != tuple(like.shape):
        raise SpecError(f"{at}.shape: expected {list(like.shape)} for layer {index} ({layer!r}), got {list(record.shape)}")
    return record.to_tensor()
