"""``Sigmoid``: squashes to (0, 1); its derivative follows from the output alone."""

from __future__ import annotations

import torch

from minidl.plugin import Elementwise, OnnxGraph


class Sigmoid(Elementwise):
    """``1 / (1 + exp(-x))``; derivative ``s * (1 - s)``."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(x)

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        return out * (1 - out)

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        return graph.node("Sigmoid", [x])
