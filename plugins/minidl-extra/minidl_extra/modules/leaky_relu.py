"""``LeakyReLU``: a small slope instead of zero for negative inputs, so no unit stops learning."""

from __future__ import annotations

from typing import Annotated

import torch

from minidl.plugin import Elementwise, OnnxGraph, Param


class LeakyReLU(Elementwise):
    """``x`` for ``x > 0``, else ``negative_slope * x``; derivative ``negative_slope`` at 0 (PyTorch's choice)."""

    def __init__(
        self,
        negative_slope: Annotated[float, Param(ge=0.0, lt=1.0, help="slope for negative inputs")] = 0.01,
    ) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, x, x * self.negative_slope)

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x, self.negative_slope).masked_fill_(x > 0, 1.0)

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """As the forward computes it: ONNX's ``LeakyRelu`` takes a float32 slope and has no float64 kernel
        in onnxruntime."""
        negative = graph.node("Mul", [x, graph.constant(self.negative_slope)])
        return graph.node("Where", [graph.node("Greater", [x, graph.constant(0.0)]), x, negative])
