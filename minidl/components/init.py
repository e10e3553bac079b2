"""Weight initializers and the gain helper.

An initializer fills a weight of shape ``(fan_out, fan_in)`` (or ``(fan_out, fan_in, *kernel)``, as
PyTorch counts fans) and its bias in place, drawing from torch's global generator (seeded by the
Trainer/recipe). Xavier and He follow PyTorch's definitions (standard deviation, not variance; the
report's table has misprints) and set biases to zero.
"""

from __future__ import annotations

import math
from typing import Annotated

import torch

from minidl.core.config import Configurable, Param
from minidl.core.errors import ConfigError, ShapeError
from minidl.core.module import INIT_SHORTCUTS

_GAINS = {"none": 1.0, "linear": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0)}


def gain(activation: str = "none") -> float:
    """Recommended gain for the layer before ``activation``: 1 (none/linear), 5/3 (tanh), sqrt(2) (relu)."""
    key = activation.lower()
    if key not in _GAINS:
        raise ConfigError(f"gain: unknown activation {activation!r}; expected one of {', '.join(_GAINS)}")
    return _GAINS[key]


def fans(weight: torch.Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight, as PyTorch counts them: ``(out, in, *kernel)`` has fan_in ``in * kernel``.

    A weight needs two dimensions or more; a vector (a norm's scale) has no fans: ShapeError.
    """
    if weight.dim() < 2:
        raise ShapeError(
            f"an initializer fills a weight of 2 or more dimensions (fan_out, fan_in, ...), got shape "
            f"{tuple(weight.shape)}: a module sets vectors such as a norm's scale itself in reset_parameters"
        )
    kernel = math.prod(weight.shape[2:])
    return weight.shape[1] * kernel, weight.shape[0] * kernel


class Initializer(Configurable):
    """Base class: ``fill(weight, bias)`` initialises one layer's parameters in place."""

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        raise NotImplementedError


class DefaultInit(Initializer):
    """PyTorch's ``nn.Linear`` default: weight and bias uniform in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]``."""

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        bound = 1.0 / math.sqrt(fans(weight)[0])
        weight.uniform_(-bound, bound)
        if bias is not None:
            bias.uniform_(-bound, bound)


class XavierNormal(Initializer):
    """Glorot: weight ~ N(0, std^2), ``std = gain * sqrt(2 / (fan_in + fan_out))``; bias zero."""

    def __init__(self, gain: Annotated[float, Param(gt=0.0, help="scale for the following activation")] = 1.0) -> None:
        self.gain = gain

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        fan_in, fan_out = fans(weight)
        weight.normal_(0.0, self.gain * math.sqrt(2.0 / (fan_in + fan_out)))
        if bias is not None:
            bias.zero_()


class HeNormal(Initializer):
    """Kaiming (fan-in mode): weight ~ N(0, std^2), ``std = gain / sqrt(fan_in)``; bias zero."""

    def __init__(
        self, gain: Annotated[float, Param(gt=0.0, help="scale for the following activation")] = math.sqrt(2.0)
    ) -> None:
        self.gain = gain

    def fill(self, weight: torch.Tensor, bias: torch.Tensor | None) -> None:
        weight.normal_(0.0, self.gain / math.sqrt(fans(weight)[0]))
        if bias is not None:
            bias.zero_()


BUILTIN_INITIALIZERS: dict[str, type[Initializer]] = {"default": DefaultInit, "xavier": XavierNormal, "he": HeNormal}
INIT_SHORTCUTS.update(BUILTIN_INITIALIZERS)  # the names model.init_parameters("he", gain) accepts
