"""The shared shape of element-wise activations: ``backward`` is the incoming gradient times ``f'(x)``.

An activation writes two small functions; this base keeps what they need from the forward pass."""

from __future__ import annotations

import torch

from minidl.core.module import Module, require_forward


class Elementwise(Module):
    """Base class: subclasses write ``function(x)`` and ``derivative(x, out)``; forward keeps both tensors."""

    def __init__(self) -> None:
        super().__init__()
        self._saved: tuple[torch.Tensor, torch.Tensor] | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.function(x)
        self._saved = (x, out)
        return out

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        saved = self._saved
        require_forward(self, saved)
        return grad_output * self.derivative(*saved)

    def function(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        """``f'(x)``, given the input and the output of the last forward."""
        raise NotImplementedError
