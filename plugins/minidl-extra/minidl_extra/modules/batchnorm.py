"""``BatchNorm1d``: normalise each feature over the batch, then scale and shift (Ioffe & Szegedy).

Training uses the batch's mean and biased variance and updates running estimates (with the unbiased
variance, as PyTorch does); evaluation uses the running estimates, so one point's output does not
depend on the rest of its batch.

    x_hat = (x - mean) / sqrt(var + eps)        y = weight * x_hat + bias
    running = (1 - momentum) * running + momentum * batch_statistic

Data-parallel training (``minidl train --nproc N``): each rank normalises its own slice of the batch
with that slice's statistics (local statistics, as DistributedDataParallel without SyncBatchNorm), so
the run is not the one-process run, and every rank's slice needs 2 rows; the running statistics are
rank 0's (given to every rank before each evaluation, and saved).
"""

from __future__ import annotations

from typing import Annotated, Any

import torch

from minidl.plugin import Module, OnnxGraph, Param, Parameter, ShapeError, require_forward


class BatchNorm1d(Module):
    """Batch normalisation of ``(batch, num_features)`` inputs with a learnable affine map."""

    buffer_names = ("running_mean", "running_var")

    def __init__(
        self,
        num_features: Annotated[int, Param(ge=1, help="width of the input")],
        eps: Annotated[float, Param(gt=0.0, help="added to the variance before the square root")] = 1e-5,
        momentum: Annotated[
            float, Param(ge=0.0, le=1.0, help="weight of the newest batch in the running statistics")
        ] = 0.1,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.weight = Parameter(torch.ones(num_features, dtype=dtype, device=device))
        self.bias = Parameter(torch.zeros(num_features, dtype=dtype, device=device))
        self.running_mean = torch.zeros(num_features, dtype=dtype, device=device)
        self.running_var = torch.ones(num_features, dtype=dtype, device=device)
        self._saved: tuple[torch.Tensor, torch.Tensor, bool] | None = None

    def reset_parameters(self, initializer: Any) -> None:
        """Identity affine map and fresh running statistics, whatever the initializer (it is for weight matrices)."""
        self.weight.value.fill_(1.0)
        self.bias.value.zero_()
        self.running_mean.zero_()
        self.running_var.fill_(1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2 or x.shape[1] != self.num_features:
            raise ShapeError(
                f"BatchNorm1d({self.num_features}): expected input of shape (batch, {self.num_features}), "
                f"got {tuple(x.shape)}"
            )
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ShapeError("BatchNorm1d: training needs at least 2 points per batch to estimate a variance")
            mean = x.mean(0)
            centred = x - mean
            var = centred.square().mean(0)
            self.running_mean.lerp_(mean, self.momentum)
            self.running_var.lerp_(var * (n / (n - 1)), self.momentum)
        else:
            centred = x - self.running_mean
            var = self.running_var
        inv_std = (var + self.eps).rsqrt()
        x_hat = centred * inv_std
        self._saved = (x_hat, inv_std, self.training)
        return torch.addcmul(self.bias.value, x_hat, self.weight.value)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        saved = self._saved
        require_forward(self, saved)
        x_hat, inv_std, batch_statistics = saved
        self.weight.grad.add_((grad_output * x_hat).sum(0))
        self.bias.grad.add_(grad_output.sum(0))
        grad_x_hat = grad_output * self.weight.value
        if not batch_statistics:
            return grad_x_hat * inv_std
        # The batch mean and variance depend on every input: subtract their share of the gradient.
        mean_grad = grad_x_hat.mean(0)
        mean_grad_x_hat = (grad_x_hat * x_hat).mean(0)
        return (grad_x_hat - mean_grad - x_hat * mean_grad_x_hat) * inv_std

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps!r}, momentum={self.momentum!r}"

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """Evaluation mode: ``BatchNormalization`` with the running statistics.

        ``eps`` is added to the variance here, in the model's dtype, and the node's own epsilon is 0: an
        ONNX attribute is a float32, which would round ``eps`` in a float64 model.
        """
        scale = graph.constant(self.weight.value, "weight")
        shift = graph.constant(self.bias.value, "bias")
        mean = graph.constant(self.running_mean, "running_mean")
        var = graph.constant(self.running_var + self.eps, "running_var_plus_eps")
        return graph.node("BatchNormalization", [x, scale, shift, mean, var], epsilon=0.0)
