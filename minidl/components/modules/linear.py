"""The fully connected layer ``y = x W^T + b`` (PyTorch's weight layout: ``out_features x in_features``)."""

from __future__ import annotations

from typing import Annotated, Any

import torch

from minidl.components.init import DefaultInit
from minidl.core.config import Param
from minidl.core.errors import ShapeError
from minidl.core.lowering import OnnxGraph
from minidl.core.module import Module, Parameter, require_forward


class Linear(Module):
    """Affine map from ``in_features`` to ``out_features``, initialised like PyTorch's ``nn.Linear``."""

    config_readers = {"bias": lambda layer: layer.bias is not None}  # the flag is whether the bias Parameter exists

    def __init__(
        self,
        in_features: Annotated[int, Param(ge=1, help="width of the input")],
        out_features: Annotated[int, Param(ge=1, help="width of the output")],
        bias: Annotated[bool, Param(help="learn an additive bias")] = True,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(torch.empty(out_features, in_features, dtype=dtype, device=device))
        self.bias = Parameter(torch.empty(out_features, dtype=dtype, device=device)) if bias else None
        self._input: torch.Tensor | None = None
        self.init_parameters(DefaultInit())

    def reset_parameters(self, initializer: Any) -> None:
        initializer.fill(self.weight.value, None if self.bias is None else self.bias.value)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2 or x.shape[1] != self.in_features:
            raise ShapeError(
                f"Linear({self.in_features} -> {self.out_features}): expected input of shape "
                f"(batch, {self.in_features}), got {tuple(x.shape)}"
            )
        self._input = x
        if self.bias is None:
            return x.mm(self.weight.value.t())
        return torch.addmm(self.bias.value, x, self.weight.value.t())

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        x = self._input
        require_forward(self, x)
        self.weight.grad.addmm_(grad_output.t(), x)
        if self.bias is not None:
            self.bias.grad.add_(grad_output.sum(0))
        return grad_output.mm(self.weight.value)

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """One ``Gemm`` node: ``x W^T + b`` (``transB``: the weight is stored out x in, as here)."""
        inputs = [x, graph.constant(self.weight.value, "weight")]
        if self.bias is not None:
            inputs.append(graph.constant(self.bias.value, "bias"))
        return graph.node("Gemm", inputs, transB=1)
