"""``GELU`` in its exact erf form (PyTorch's default, ``approximate='none'``)."""

from __future__ import annotations

import math

import torch

from minidl.plugin import Elementwise

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


class GELU(Elementwise):
    """``x * Phi(x)`` with ``Phi`` the standard normal CDF; derivative ``Phi(x) + x * phi(x)``."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return 0.5 * x * (1 + torch.erf(x * _SQRT_HALF))

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        cdf = 0.5 * (1 + torch.erf(x * _SQRT_HALF))
        return cdf + x * torch.exp(-0.5 * x * x) * _INV_SQRT_2PI
