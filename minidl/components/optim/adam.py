"""Adam (Kingma & Ba) with PyTorch's exact rule; ``weight_decay`` is L2 added to the gradient.

g = grad + weight_decay * w
m = beta1 * m + (1 - beta1) * g
v = beta2 * v + (1 - beta2) * g^2
w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import torch

from minidl.components.optim.optimizer import Optimizer, scale_addcdiv_
from minidl.core.config import Param
from minidl.core.module import Parameter


class Adam(Optimizer):
    """Adam with bias-corrected moments and optional L2 weight decay, as PyTorch's Adam optimizer (no amsgrad)."""

    state_names = ("exp_avg", "exp_avg_sq")

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: Annotated[float, Param(ge=0.0, help="learning rate")] = 1e-3,
        betas: Annotated[tuple[float, float], Param(ge=0.0, lt=1.0, help="decay rates of the two moments")] = (
            0.9,
            0.999,
        ),
        eps: Annotated[float, Param(ge=0.0, help="added to the denominator for stability")] = 1e-8,
        weight_decay: Annotated[float, Param(ge=0.0, help="L2 penalty added to the gradient")] = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.betas = tuple(betas)
        self.eps = eps
        self.weight_decay = weight_decay

    def step(self) -> None:
        values, grads = self.values(), self.grads()
        self.adam_update(values, self.decay(values, grads))

    def decay(self, values: list[torch.Tensor], grads: list[torch.Tensor]) -> list[torch.Tensor]:
        """Adam's weight decay: L2, added to the gradient (AdamW overrides this)."""
        if not self.weight_decay:
            return grads
        return torch._foreach_add(grads, values, alpha=self.weight_decay)

    def adam_update(self, values: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        """The moment updates and the bias-corrected step, in place on ``values``."""
        beta1, beta2 = self.betas
        if self.state["exp_avg"] is None:
            self.state["exp_avg"] = [torch.zeros_like(v) for v in values]
            self.state["exp_avg_sq"] = [torch.zeros_like(v) for v in values]
        exp_avg, exp_avg_sq = self.state["exp_avg"], self.state["exp_avg_sq"]
        self.steps += 1
        torch._foreach_lerp_(exp_avg, grads, 1.0 - beta1)
        torch._foreach_mul_(exp_avg_sq, beta2)
        torch._foreach_addcmul_(exp_avg_sq, grads, grads, 1.0 - beta2)
        bias_correction1 = 1.0 - beta1**self.steps
        bias_correction2_sqrt = (1.0 - beta2**self.steps) ** 0.5
        denom = torch._foreach_sqrt(exp_avg_sq)
        torch._foreach_div_(denom, bias_correction2_sqrt)
        torch._foreach_add_(denom, self.eps)
        scale_addcdiv_(values, exp_avg, denom, -self.lr / bias_correction1)
