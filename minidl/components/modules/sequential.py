"""A chain of modules: forward runs them in order, backward in reverse."""

from __future__ import annotations

from collections.abc import Iterator

import torch

from minidl.core.errors import ConfigError
from minidl.core.module import Module


class Sequential(Module):
    """``Sequential(m1, m2, ...)``: iterable, indexable and sized like a list of its modules."""

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise ConfigError(f"Sequential: item {i} is {type(m).__name__}, expected a minidl Module")
        self._modules = list(modules)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for m in self._modules:
            x = m.forward(x)
        return x

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        for m in reversed(self._modules):
            grad_output = m.backward(grad_output)
        return grad_output

    def children(self) -> list[Module]:
        return list(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __getitem__(self, index: int | slice) -> Module:
        if isinstance(index, slice):
            return Sequential(*self._modules[index])
        return self._modules[index]
