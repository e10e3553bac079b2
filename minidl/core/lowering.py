"""How a module says what it computes in evaluation mode as ONNX nodes (its optional ``lower_onnx`` method).

A module that can be exported writes::

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        return graph.node("Gemm", [x, graph.constant(self.weight.value, "weight")], transB=1)

``x`` names the module's input in the graph; the method returns the name of its output. The graph is
made by the exporter (``minidl.workflow.export``), which alone imports the ``onnx`` package: a module
only names ONNX operators and hands over its tensors, so components and plugins gain exports without
depending on ``onnx``, and the exporter needs no knowledge of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import torch


class OnnxGraph(Protocol):
    """What ``lower_onnx`` writes into: ONNX operator nodes and named constants of one module."""

    dtype: torch.dtype
    """The graph's floating-point type (the model's): float32 or float64."""

    def node(self, op_type: str, inputs: Sequence[str], **attributes: Any) -> str:
        """Add one node of the standard ONNX domain (e.g. ``"Relu"``); return the name of its output.

        Attributes are ints, floats, strings or lists of them; a ``torch.dtype`` (``Cast``'s ``to``)
        is translated to ONNX's data type. An empty input name is an omitted optional input.
        """
        ...

    def constant(self, value: torch.Tensor | float, name: str | None = None) -> str:
        """Add a constant tensor (a float becomes a scalar of the graph's dtype); return its name.

        ``name`` is the tensor's name in the module (``"weight"``); the exporter prefixes it with the
        layer's place (``layers.0.weight``, as in saved files). Unnamed constants get a fresh name.
        """
        ...


def lowers_to_onnx(cls: type) -> bool:
    """Whether modules of ``cls`` can be exported to ONNX (they define ``lower_onnx``)."""
    return callable(getattr(cls, "lower_onnx", None))
