"""A model in evaluation mode as an ONNX graph, each layer lowered by its own ``lower_onnx`` method.

Everything is checked before anything is written: every layer has a lowering (else one line names the
first that has none and its provider), the graph passes ONNX's shape inference and checker with full
checks, and the file is then written atomically, so a failed export leaves no file behind.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import torch

from minidl import registry
from minidl.components.modules.sequential import Sequential
from minidl.core.lowering import lowers_to_onnx
from minidl.core.module import Module
from minidl.workflow.export.errors import ExportError, require
from minidl.workflow.files.atomic import atomic_write

if TYPE_CHECKING:
    import onnx

_INSTALL = "pip install 'minidl[onnx]'"
_DTYPES = (torch.float32, torch.float64)
_MAX_WEIGHT_BYTES = 2**31 - 2**24
"""One ONNX file is one protobuf message, at most 2 GiB: the weights must leave room for the graph."""


def export_onnx(model: Module, path: str | os.PathLike[str], dtype: torch.dtype | None = None) -> None:
    """Write ``model`` (a Sequential or a single layer) in evaluation mode as an ONNX file at ``path``.

    The graph's input ``x`` is (batch, in_features) with a dynamic batch, its output ``y`` is (batch,
    out_features); the weights keep the model's dtype (float32 or float64) and their file names
    (``layers.0.weight``). ``dtype`` is for a model without parameters (default float32); it must
    agree with the model's. Needs the ``onnx`` package (``pip install 'minidl[onnx]'``).
    """
    data = onnx_model(model, dtype).SerializeToString()
    atomic_write(path, lambda file: file.write(data))


def onnx_model(model: Module, dtype: torch.dtype | None = None) -> onnx.ModelProto:
    """The checked ONNX model of ``model`` in evaluation mode (see :func:`export_onnx`), without writing it."""
    onnx = require("onnx", "exporting to ONNX", _INSTALL)
    from minidl.workflow.export.onnx_graph import Graph  # imports onnx: only now

    layers = list(model) if isinstance(model, Sequential) else [model]
    if not layers:
        raise ExportError("export: the model has no layers")
    for i, layer in enumerate(layers):
        if not lowers_to_onnx(type(layer)):
            raise ExportError(
                f"{_place(i, layer)} has no ONNX lowering, so the model cannot be exported "
                "(its author can add a lower_onnx method: see the plugin guide); nothing was written"
            )
    graph = Graph(_dtype(model, dtype))
    value = "x"
    for i, layer in enumerate(layers):
        graph.prefix = f"layers.{i}."
        try:
            value = layer.lower_onnx(graph, value)
        except Exception as error:
            problem = f"{type(error).__name__}: {error}"
            raise ExportError(f"{_place(i, layer)}: its ONNX lowering failed ({problem})") from error
        if not isinstance(value, str):
            raise ExportError(f"{_place(i, layer)}: lower_onnx returned {value!r}, expected the name of its output")
    proto = graph.model(value, _input_width(layers))
    try:
        proto = onnx.shape_inference.infer_shapes(proto, check_type=True, strict_mode=True)
        onnx.checker.check_model(proto, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ExportError(f"export: the ONNX graph the layers made is invalid: {first}") from error
    return proto


def _place(index: int, layer: Module) -> str:
    """``layers[2] (minidl-extra:GELU, minidl-extra 0.1.0)``: where the layer is and who provides it."""
    try:
        component = registry.id_of("module", layer)
    except LookupError:
        return f"layers[{index}] ({type(layer).__module__}.{type(layer).__qualname__}, not a registered module)"
    provider = registry.provider("module", component)
    return f"layers[{index}] ({component}, {provider['distribution']} {provider['version']})"


def _dtype(model: Module, requested: torch.dtype | None) -> torch.dtype:
    """The model's one floating-point dtype (its parameters' and buffers'), refused unless ONNX export supports it."""
    tensors: list[Any] = [p.value for p in model.param()]
    tensors += [t for _, t in model.named_buffers() if t.is_floating_point()]
    dtypes = {t.dtype for t in tensors} | ({requested} if requested else set()) or {torch.float32}
    if len(dtypes) > 1 or next(iter(dtypes)) not in _DTYPES:
        raise ExportError(
            f"export: the model's tensors (and the dtype asked for) must all be float32 or float64, "
            f"got {sorted(map(str, dtypes))}"
        )
    size = sum(t.numel() * t.element_size() for t in tensors)
    if size > _MAX_WEIGHT_BYTES:
        raise ExportError(f"export: the weights take {size} bytes, more than one ONNX file holds ({_MAX_WEIGHT_BYTES})")
    return next(iter(dtypes))


def _input_width(layers: list[Module]) -> int | None:
    """The input width the first width-bound layer declares, by PyTorch's names (``in_features``, ``num_features``).

    Layers before it must keep the width (activations, dropout); ONNX's strict shape inference refuses a
    graph where the declared width does not fit. ``None`` (no such layer) leaves the width symbolic.
    """
    for layer in layers:
        for attribute in ("in_features", "num_features"):
            width = getattr(layer, attribute, None)
            if isinstance(width, int) and not isinstance(width, bool):
                return width
    return None
