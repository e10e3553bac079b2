"""Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay (PyTorch's rule).

g = grad + weight_decay * w
b = g                                  (first step)
b = momentum * b + (1 - dampening) * g (later steps)
g = g + momentum * b  if nesterov  else  b
w = w - lr * g
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import torch

from minidl.components.optim.optimizer import Optimizer, scale_add_
from minidl.core.config import Param
from minidl.core.errors import ConfigError
from minidl.core.module import Parameter


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay, as PyTorch's SGD."""

    state_names = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: Annotated[float, Param(ge=0.0, help="learning rate")] = 0.01,
        momentum: Annotated[float, Param(ge=0.0, help="momentum factor (0: plain SGD)")] = 0.0,
        dampening: Annotated[float, Param(ge=0.0, le=1.0, help="dampening of the momentum")] = 0.0,
        weight_decay: Annotated[float, Param(ge=0.0, help="L2 penalty added to the gradient")] = 0.0,
        nesterov: Annotated[bool, Param(help="use Nesterov momentum")] = False,
    ) -> None:
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ConfigError("SGD: nesterov=True needs momentum > 0 and dampening = 0")
        super().__init__(params, lr)
        self.momentum = momentum
        self.dampening = dampening
        self.weight_decay = weight_decay
        self.nesterov = nesterov

    def step(self) -> None:
        values, grads = self.values(), self.grads()
        if self.weight_decay:
            grads = torch._foreach_add(grads, values, alpha=self.weight_decay)
        if self.momentum:
            buffers = self.state["momentum_buffer"]
            if buffers is None:
                buffers = self.state["momentum_buffer"] = [g.clone() for g in grads]
            else:
                torch._foreach_mul_(buffers, self.momentum)
                torch._foreach_add_(buffers, grads, alpha=1.0 - self.dampening)
            grads = torch._foreach_add(grads, buffers, alpha=self.momentum) if self.nesterov else buffers
        scale_add_(values, grads, -self.lr)
        self.steps += 1
