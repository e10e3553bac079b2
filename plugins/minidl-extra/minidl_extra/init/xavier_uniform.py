"""Glorot/Xavier uniform initialisation: keeps the variance of activations and gradients about equal across layers."""

from __future__ import annotations

import math
from typing import Annotated

import torch

from minidl.plugin import Initializer, Param, fans


class XavierUniform(Initializer):
    """Weight uniform in ``[-a, a]``, ``a = gain * sqrt(6 / (fan_in + fan_out))``; bias zero.

    The standard deviation is ``gain * sqrt(2 / (fan_in + fan_out))``, as Xavier normal's."""

    def __init__(self, gain: Annotated[float, Param(gt=0.0, help="scale for the following activation")] = 1.0) -> None:
        self.gain = gain

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        fan_in, fan_out = fans(weight)  # (out, in, *kernel) counted as PyTorch does; a vector is refused
        bound = math.sqrt(3.0) * self.gain * math.sqrt(2.0 / (fan_in + fan_out))  # PyTorch's rounding, so draws match
        weight.uniform_(-bound, bound)
        if bias is not None:
            bias.zero_()
