"""Inverted dropout: zero each input with probability ``p`` and scale survivors by ``1/(1-p)`` in training."""

from __future__ import annotations

from typing import Annotated

import torch

from minidl.core.config import Param
from minidl.core.lowering import OnnxGraph
from minidl.core.module import Module, require_forward


class Dropout(Module):
    """Identity in evaluation mode; draws a fresh mask from torch's global generator on every training forward."""

    def __init__(
        self, p: Annotated[float, Param(ge=0.0, lt=1.0, help="probability of zeroing an element")] = 0.5
    ) -> None:
        super().__init__()
        self.p = p
        self._mask: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            self._mask = torch.ones((), dtype=x.dtype, device=x.device)
            return x
        self._mask = mask = torch.empty_like(x).bernoulli_(1.0 - self.p).div_(1.0 - self.p)
        return x * mask

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        mask = self._mask
        require_forward(self, mask)
        return grad_output * mask

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """The identity: an exported model is the model in evaluation mode."""
        return graph.node("Identity", [x])
