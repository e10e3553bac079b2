"""Losses with PyTorch's mean reduction: ``forward(prediction, target)`` gives a scalar, ``backward()`` its gradient.

``target_format`` tells the training loop which targets a loss wants from a classification data set:
``"index"`` (class indices) or ``"one_hot"`` (float rows, as MSE on the circle task in the report).
"""

from __future__ import annotations

from typing import Literal

import torch

from minidl.core.config import Configurable
from minidl.core.errors import ShapeError
from minidl.core.module import require_forward


class Loss(Configurable):
    """Base class of losses; calling a loss is its ``forward``."""

    target_format: Literal["index", "one_hot"] = "index"

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def backward(self) -> torch.Tensor:
        raise NotImplementedError

    def __call__(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        return self.forward(prediction, target)


class MSELoss(Loss):
    """Mean of squared differences over every element; the target has the prediction's shape."""

    target_format = "one_hot"

    def __init__(self) -> None:
        self._scaled_diff: torch.Tensor | None = None

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if target.shape != prediction.shape:
            raise ShapeError(
                f"MSELoss: target shape {tuple(target.shape)} does not match prediction shape "
                f"{tuple(prediction.shape)} (expected the same shape; one-hot rows for class labels)"
            )
        diff = prediction - target
        self._scaled_diff = diff.mul(2.0 / diff.numel())
        return diff.square().mean()

    def backward(self) -> torch.Tensor:
        grad = self._scaled_diff
        require_forward(self, grad)
        return grad


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy on logits ``(batch, classes)`` with class-index targets ``(batch,)``.

    Computed through log-sum-exp, so large logits do not overflow.
    """

    def __init__(self) -> None:
        self._grad: torch.Tensor | None = None

    def forward(self, prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if prediction.dim() != 2 or target.shape != prediction.shape[:1]:
            raise ShapeError(
                f"CrossEntropyLoss: expected prediction (batch, classes) and target (batch,) of class "
                f"indices, got prediction {tuple(prediction.shape)} and target {tuple(target.shape)}"
            )
        if target.dtype.is_floating_point or target.dtype == torch.bool:
            raise ShapeError(f"CrossEntropyLoss: target must hold integer class indices, got dtype {target.dtype}")
        log_probs = prediction - torch.logsumexp(prediction, dim=1, keepdim=True)
        picked = log_probs.gather(1, target.unsqueeze(1))
        grad = log_probs.exp_()
        grad.scatter_add_(1, target.unsqueeze(1), torch.full_like(picked, -1.0))
        self._grad = grad.div_(prediction.shape[0])
        return picked.mean().neg()

    def backward(self) -> torch.Tensor:
        grad = self._grad
        require_forward(self, grad)
        return grad
