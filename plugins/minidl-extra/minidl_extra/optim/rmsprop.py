"""RMSprop (Hinton): divide the gradient by a running root mean square of recent gradients.

PyTorch's rule:

    g = grad + weight_decay * w
    s = alpha * s + (1 - alpha) * g^2
    d = sqrt(s) + eps,  or if centered:  a = alpha * a + (1 - alpha) * g;  d = sqrt(s - a^2) + eps
    w = w - lr * g / d,  or with momentum:  b = momentum * b + g / d;  w = w - lr * b
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import torch

from minidl.plugin import Optimizer, Param, Parameter, scale_add_, scale_addcdiv_


class RMSprop(Optimizer):
    """RMSprop with optional momentum and centering (PyTorch's ``torch.optim.RMSprop``)."""

    state_names = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: Annotated[float, Param(ge=0.0, help="learning rate")] = 1e-2,
        alpha: Annotated[float, Param(ge=0.0, lt=1.0, help="decay rate of the mean square")] = 0.99,
        eps: Annotated[float, Param(ge=0.0, help="added to the denominator for stability")] = 1e-8,
        weight_decay: Annotated[float, Param(ge=0.0, help="L2 penalty added to the gradient")] = 0.0,
        momentum: Annotated[float, Param(ge=0.0, help="momentum factor (0: none)")] = 0.0,
        centered: Annotated[bool, Param(help="normalise by the variance instead of the mean square")] = False,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = alpha
        self.eps = eps
        self.weight_decay = weight_decay
        self.momentum = momentum
        self.centered = centered

    def step(self) -> None:
        values, grads = self.values(), self.grads()
        if self.weight_decay:
            grads = torch._foreach_add(grads, values, alpha=self.weight_decay)
        self.steps += 1
        square_avg = self._buffer("square_avg")
        torch._foreach_mul_(square_avg, self.alpha)
        torch._foreach_addcmul_(square_avg, grads, grads, 1.0 - self.alpha)
        if self.centered:
            grad_avg = self._buffer("grad_avg")
            torch._foreach_lerp_(grad_avg, grads, 1.0 - self.alpha)
            denom = torch._foreach_addcmul(square_avg, grad_avg, grad_avg, -1.0)
            torch._foreach_sqrt_(denom)
        else:
            denom = torch._foreach_sqrt(square_avg)
        torch._foreach_add_(denom, self.eps)
        if self.momentum:
            buffers = self._buffer("momentum_buffer")
            torch._foreach_mul_(buffers, self.momentum)
            torch._foreach_addcdiv_(buffers, grads, denom)
            scale_add_(values, buffers, -self.lr)  # self.lr may be a 0-d tensor (compiled steps)
        else:
            scale_addcdiv_(values, grads, denom, -self.lr)

    def _buffer(self, name: str) -> list[torch.Tensor]:
        """A state buffer, created as zeros on first use (only the options in use allocate memory)."""
        if self.state[name] is None:
            self.state[name] = [torch.zeros_like(v) for v in self.values()]
        return self.state[name]
