"""bf16 mixed precision: the model computes on a bfloat16 copy of itself, the optimizer works in float32.

Each step refreshes the bf16 copy from the float32 master weights, runs the components' own forward and
backward on it (every matmul and elementwise op in bf16), computes the loss and its gradient in float32,
writes the bf16 gradients into the float32 gradients, and lets the optimizer update the master weights
and its float32 state. Between steps the model holds its float32 tensors, so saving, evaluating and
the optimizer's state are exactly those of a float32 run.

Why a copy and not ``torch.autocast``: hand-written backward passes accumulate into float32 gradients
and buffers with in-place ops (``grad.addmm_``, ``running_mean.lerp_``), which autocast does not cover
and which refuse bf16 operands. On a copy every module sees one dtype, as it does in float64, so
modules (plugins' too) run unmodified.
"""

from __future__ import annotations

import torch

from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.core.module import Module, Parameter

COMPUTE_DTYPE = torch.bfloat16


class Bf16Step:
    """``train_step`` in bf16 mixed precision; call ``prepare()`` between epochs, then the object per batch."""

    def __init__(self, model: Module, loss: Loss, optimizer: Optimizer) -> None:
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self._masters: list[torch.Tensor] = []
        self.prepare()

    def prepare(self) -> None:
        """(Re)make the bf16 copies when the master tensors were replaced (``model.to``, a loaded file)."""
        params = self.model.param()
        buffers = [(m, name) for m in self.model.modules() for name, t in m.named_buffers(recurse=False)]
        masters = [p.value for p in params] + [getattr(m, name) for m, name in buffers]
        if len(masters) == len(self._masters) and all(a is b for a, b in zip(masters, self._masters)):
            return
        self._masters = masters
        self._params: list[Parameter] = params
        self._buffers = [(m, name) for m, name in buffers if getattr(m, name).is_floating_point()]
        self._values = [p.value.to(COMPUTE_DTYPE) for p in params]
        self._grads = [torch.zeros_like(v) for v in self._values]
        self._buffer_copies = [getattr(m, name).to(COMPUTE_DTYPE) for m, name in self._buffers]

    def __call__(self, x: torch.Tensor, target: torch.Tensor) -> None:
        """One step on a batch: bf16 forward and backward on the copy, float32 loss, update and zero-grad."""
        params, buffers = self._params, self._buffers
        masters = [p.value for p in params]
        master_grads = [p.grad for p in params]
        master_buffers = [getattr(m, name) for m, name in buffers]
        torch._foreach_copy_(self._values, masters)
        if buffers:
            torch._foreach_copy_(self._buffer_copies, master_buffers)
        _swap(params, buffers, self._values, self._grads, self._buffer_copies)
        try:
            output = self.model.forward(x.to(COMPUTE_DTYPE))
            self.loss.forward(output.to(masters[0].dtype), target)
            self.model.backward(self.loss.backward().to(COMPUTE_DTYPE))
        finally:  # what the step left, even where a module replaced a tensor instead of updating it
            grads = [p.grad for p in params]
            results = [getattr(m, name) for m, name in buffers]
            _swap(params, buffers, masters, master_grads, master_buffers)
        torch._foreach_copy_(master_grads, grads)  # gradients are zero between steps: write, not add
        torch._foreach_zero_(self._grads)
        if buffers:
            torch._foreach_copy_(master_buffers, results)
        self.optimizer.step()
        self.optimizer.zero_grad()


def _swap(
    params: list[Parameter],
    buffers: list[tuple[Module, str]],
    values: list[torch.Tensor],
    grads: list[torch.Tensor],
    buffer_values: list[torch.Tensor],
) -> None:
    """Put these tensors in the model's parameter pairs and buffer attributes."""
    for p, value, grad in zip(params, values, grads):
        p.value, p.grad = value, grad
    for (module, name), value in zip(buffers, buffer_values):
        setattr(module, name, value)
