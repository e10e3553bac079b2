"""``GELU`` in its exact erf form (PyTorch's default, ``approximate='none'``)."""

from __future__ import annotations

import math

import torch

from minidl.plugin import Elementwise, OnnxGraph

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Elementwise):
    """``x * Phi(x)`` with ``Phi`` the standard normal CDF; derivative ``Phi(x) + x * phi(x)``."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * x * (1 + torch.erf(x * _SQRT_HALF))

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        cdf = 0.5 * (1 + torch.erf(x * _SQRT_HALF))
        return cdf + x * torch.exp(-0.5 * x * x) * _INV_SQRT_2PI

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """ONNX's ``Gelu`` (the erf form). onnxruntime has no float64 erf, so a float64 graph computes this
        one operator in float32 (outputs then agree to about 1e-7 instead of 1e-15)."""
        if graph.dtype == torch.float32:
            return graph.node("Gelu", [x])
        gelu = graph.node("Gelu", [graph.node("Cast", [x], to=torch.float32)])
        return graph.node("Cast", [gelu], to=graph.dtype)
