"""The optimizer base: a list of (value, grad) pairs, a learning rate, and per-parameter state buffers.

Updates use torch's ``_foreach_*`` operations: one call updates every parameter, which matters on small
networks where the number of tensor operations, not the arithmetic, sets the speed.

The learning rate and the step count are Python numbers, except inside ``tensor_scalars()``: there they
are 0-d tensors, so a step traced once for compilation (or captured) reads them as inputs instead of
baking in today's values. Update rules therefore use them only in tensor arithmetic (``scale_add_``
and ``scale_addcdiv_`` take either), never in ``float()``, ``math`` functions or ``if``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import torch

from minidl.core.config import Configurable, validate_config
from minidl.core.errors import ConfigError
from minidl.core.module import Parameter


class Optimizer(Configurable):
    """Base class. Subclasses name their per-parameter buffers in ``state_names`` and write ``step``.

    The learning rate is ``lr``: schedulers and the TUI change it between steps with ``set_config(lr=...)``.
    """

    runtime_arguments = ("params",)
    state_names: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Parameter], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ConfigError(f"{type(self).__name__}: got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise ConfigError(
                    f"{type(self).__name__}: parameter {i} is {type(p).__name__}, "
                    "expected a Parameter from module.param()"
                )
        self.lr = lr
        self.steps = 0
        self.state: dict[str, list[torch.Tensor] | None] = dict.fromkeys(self.state_names)

    @contextmanager
    def tensor_scalars(self, lr: torch.Tensor, steps: torch.Tensor) -> Iterator[None]:
        """Within the block ``self.lr`` is ``lr`` and ``self.steps`` is ``steps``, 0-d tensors (``steps += 1`` then
        updates the tensor in place); the Python numbers come back unchanged afterwards."""
        saved = self.lr, self.steps
        self.lr, self.steps = lr, steps  # type: ignore[assignment]
        try:
            yield
        finally:
            self.lr, self.steps = saved

    def values(self) -> list[torch.Tensor]:
        return [p.value for p in self.params]

    def grads(self) -> list[torch.Tensor]:
        return [p.grad for p in self.params]

    def zero_grad(self) -> None:
        """Reset the gradients of every parameter this optimizer updates."""
        torch._foreach_zero_(self.grads())

    def step(self) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly: configuration (current lr), step count and buffers (copies)."""
        return {
            "config": self.get_config(),
            "steps": self.steps,
            "state": {k: None if v is None else [t.clone() for t in v] for k, v in self.state.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict()``; buffers must match this optimizer's parameters in number and shape."""
        name = type(self).__name__
        config = validate_config(type(self), state["config"], where=f"{name} state.config")
        buffers = state["state"]
        if set(buffers) != set(self.state_names):
            raise ConfigError(
                f"{name}.load_state_dict: expected buffers {sorted(self.state_names)}, got {sorted(buffers)}"
            )
        for key, tensors in buffers.items():
            if tensors is None:
                continue
            if len(tensors) != len(self.params) or any(t.shape != p.value.shape for t, p in zip(tensors, self.params)):
                raise ConfigError(f"{name}.load_state_dict: buffer {key!r} does not match the parameters' shapes")
        self.set_config(**config)
        self.steps = int(state["steps"])
        self.state = {
            k: None
            if v is None
            else [t.to(dtype=p.value.dtype, device=p.value.device).clone() for t, p in zip(v, self.params)]
            for k, v in buffers.items()
        }


def held_tensors(params: list[Parameter]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Each parameter's ``(value, grad)`` tensors, for :func:`replaced_by_step` after a step."""
    return [(p.value, p.grad) for p in params]


def replaced_by_step(
    optimizer: Optimizer, params: list[Parameter], held: list[tuple[torch.Tensor, torch.Tensor]]
) -> str:
    """What a step replaced instead of updating in place ("" when nothing): its list of parameters (the model then
    stops learning) or a parameter's tensor (whoever else holds it, a compiled step or a data-parallel reducer, no
    longer sees the update)."""
    if len(optimizer.params) != len(params) or any(a is not b for a, b in zip(optimizer.params, params)):
        return "step replaced its list of parameters: update each Parameter's value in place"
    for i, (p, (value, grad)) in enumerate(zip(params, held)):
        for name, before in (("value", value), ("grad", grad)):
            if getattr(p, name) is not before:
                return (
                    f"step replaced parameter {i}'s {name} tensor instead of updating it in place "
                    "(write p.value.add_(...) or torch._foreach_add_(values, ...), not p.value = ...)"
                )
    return ""


def scale_add_(tensors: list[torch.Tensor], others: list[torch.Tensor], scale: float | torch.Tensor) -> None:
    """``tensors += scale * others``: one fused operation for a number, two for a 0-d tensor."""
    if isinstance(scale, torch.Tensor):
        torch._foreach_add_(tensors, torch._foreach_mul(others, scale))
    else:
        torch._foreach_add_(tensors, others, alpha=scale)


def scale_addcdiv_(
    tensors: list[torch.Tensor],
    numerators: list[torch.Tensor],
    denominators: list[torch.Tensor],
    scale: float | torch.Tensor,
) -> None:
    """``tensors += scale * numerators / denominators``: one fused operation for a number, two for a 0-d tensor."""
    if isinstance(scale, torch.Tensor):
        torch._foreach_addcdiv_(tensors, numerators, torch._foreach_div(denominators, scale))
    else:
        torch._foreach_addcdiv_(tensors, numerators, denominators, scale)
