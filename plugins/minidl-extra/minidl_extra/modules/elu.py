"""``ELU``: identity for positive inputs, a saturating exponential below zero."""

from __future__ import annotations

from typing import Annotated

import torch

from minidl.plugin import Elementwise, OnnxGraph, Param


class ELU(Elementwise):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``; derivative there ``out + alpha`` (``alpha`` at 0)."""

    def __init__(
        self,
        alpha: Annotated[
            float, Param(ge=0.0, help="value the output approaches for very negative inputs (negated)")
        ] = 1.0,
    ) -> None:
        super().__init__()
        self.alpha = alpha

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, x, torch.expm1(x) * self.alpha)

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        return torch.where(x > 0, 1.0, out + self.alpha)

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """As the forward computes it (``exp(x) - 1``: ONNX has no expm1): ONNX's ``Elu`` takes a float32 alpha
        and has no float64 kernel in onnxruntime."""
        exp_minus_one = graph.node("Sub", [graph.node("Exp", [x]), graph.constant(1.0)])
        negative = graph.node("Mul", [exp_minus_one, graph.constant(self.alpha)])
        return graph.node("Where", [graph.node("Greater", [x, graph.constant(0.0)]), x, negative])
