"""AdamW (Loshchilov & Hutter): Adam with weight decay applied to the weights, not added to the gradient.

PyTorch's rule, per step ``t``:

    w = w * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g^2
    w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import torch

from minidl.plugin import Adam, Param, Parameter


class AdamW(Adam):
    """Adam with decoupled weight decay (PyTorch's ``torch.optim.AdamW`` without ``amsgrad``)."""

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: Annotated[float, Param(ge=0.0, help="learning rate")] = 1e-3,
        betas: Annotated[tuple[float, float], Param(ge=0.0, lt=1.0, help="decay rates of the two moments")] = (
            0.9,
            0.999,
        ),
        eps: Annotated[float, Param(ge=0.0, help="added to the denominator for stability")] = 1e-8,
        weight_decay: Annotated[float, Param(ge=0.0, help="fraction of the weights removed per step, times lr")] = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def decay(self, values: list[torch.Tensor], grads: list[torch.Tensor]) -> list[torch.Tensor]:
        """Shrink the weights themselves; the gradient is left as it is."""
        if self.weight_decay:
            torch._foreach_mul_(values, 1.0 - self.lr * self.weight_decay)
        return grads
