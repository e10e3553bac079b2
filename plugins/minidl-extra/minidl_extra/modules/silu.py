"""``SiLU`` (swish): ``x * sigmoid(x)``, smooth and non-monotone near zero."""

from __future__ import annotations

import torch

from minidl.plugin import Elementwise, OnnxGraph


class SiLU(Elementwise):
    """``x * s`` with ``s = sigmoid(x)``; derivative ``s * (1 + x * (1 - s))``."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(x)

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        s = torch.sigmoid(x)
        return s * (1 + x * (1 - s))

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        return graph.node("Mul", [x, graph.node("Sigmoid", [x])])
