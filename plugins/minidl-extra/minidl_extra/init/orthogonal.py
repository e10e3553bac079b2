"""Orthogonal initialisation (Saxe et al.): rows (or columns) of the weight form an orthonormal set, times ``gain``.

PyTorch's algorithm, so the same seed gives the same matrix as ``torch.nn.init.orthogonal_``: QR of a
standard normal matrix (transposed when it is wide), with the signs of ``R``'s diagonal moved into ``Q``
so the result is uniformly distributed over orthogonal matrices.
"""

from __future__ import annotations

from typing import Annotated

import torch

from minidl.plugin import Initializer, Param, fans


class Orthogonal(Initializer):
    """Weight ``gain * Q`` with ``Q`` (semi-)orthogonal; bias zero."""

    def __init__(self, gain: Annotated[float, Param(gt=0.0, help="scale for the following activation")] = 1.0) -> None:
        self.gain = gain

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        fans(weight)  # a vector has no orthogonal form: ShapeError, as PyTorch refuses it
        rows, cols = weight.shape[0], weight.numel() // weight.shape[0]
        normal = weight.new_empty(rows, cols).normal_(0.0, 1.0)
        if rows < cols:
            normal = normal.t()
        q, r = torch.linalg.qr(normal)
        q = q * torch.diagonal(r).sign()
        if rows < cols:
            q = q.t()
        weight.copy_(q.view_as(weight)).mul_(self.gain)
        if bias is not None:
            bias.zero_()
