"""ReLU and Tanh: element-wise activations whose derivative follows from their output."""

from __future__ import annotations

import torch

from minidl.components.modules.elementwise import Elementwise
from minidl.core.lowering import OnnxGraph


class ReLU(Elementwise):
    """``max(0, x)``; derivative 1 where the output is positive, else 0 (PyTorch's choice at 0)."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        return out.sign()  # the output is >= 0, so its sign is exactly that 0/1 derivative, in one cheap op

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        return graph.node("Relu", [x])


class Tanh(Elementwise):
    """``tanh(x)``; derivative ``1 - tanh(x)^2``."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x)

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        return 1 - out * out

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        return graph.node("Tanh", [x])
