"""Element-wise activations; each keeps its output, from which its derivative follows."""

from __future__ import annotations

import torch

from minidl.core.module import Module, require_forward


class ReLU(Module):
    """``max(0, x)``; derivative 1 where the output is positive, else 0 (PyTorch's choice at 0)."""

    def __init__(self) -> None:
        super().__init__()
        self._output: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._output = out = torch.relu(x)
        return out

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        out = self._output
        require_forward(self, out)
        return grad_output.mul(out > 0)


class Tanh(Module):
    """``tanh(x)``; derivative ``1 - tanh(x)^2``."""

    def __init__(self) -> None:
        super().__init__()
        self._output: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._output = out = torch.tanh(x)
        return out

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        out = self._output
        require_forward(self, out)
        return grad_output * (1 - out * out)
