"""The Playground's feature column as a first layer: ``(x1, x2)`` -> a chosen subset of seven features.

Each feature is a switch (a bool parameter), so a file holds ``{"x1": true, "sin_x1": true, ...}`` and
a form shows one toggle per feature. The output columns follow :data:`FEATURES`' fixed order, skipping
the features turned off.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

import torch

from minidl.core.config import Param
from minidl.core.errors import ConfigError, ShapeError
from minidl.core.lowering import OnnxGraph
from minidl.core.module import Module, require_forward

Tensor = torch.Tensor


@dataclass(frozen=True)
class Feature:
    """One feature: its value from ``(x1, x2)``, its backward ``(g, x1, x2) -> (dL/dx1, dL/dx2)`` and its ONNX nodes.

    A partial derivative that is identically zero is ``None``, so backward adds nothing for it.
    ``lower(graph, x1, x2)`` names the graph's value of the feature, given the graph's names of x1 and x2.
    """

    name: str
    label: str
    value: Callable[[Tensor, Tensor], Tensor]
    backward: Callable[[Tensor, Tensor, Tensor], tuple[Tensor | None, Tensor | None]]
    lower: Callable[[OnnxGraph, str, str], str]


FEATURES: tuple[Feature, ...] = (
    Feature("x1", "x1", lambda a, b: a, lambda g, a, b: (g, None), lambda graph, a, b: a),
    Feature("x2", "x2", lambda a, b: b, lambda g, a, b: (None, g), lambda graph, a, b: b),
    Feature(
        "x1_squared",
        "x1²",
        lambda a, b: a * a,
        lambda g, a, b: (2 * a * g, None),
        lambda graph, a, b: graph.node("Mul", [a, a]),
    ),
    Feature(
        "x2_squared",
        "x2²",
        lambda a, b: b * b,
        lambda g, a, b: (None, 2 * b * g),
        lambda graph, a, b: graph.node("Mul", [b, b]),
    ),
    Feature(
        "x1_times_x2",
        "x1·x2",
        lambda a, b: a * b,
        lambda g, a, b: (b * g, a * g),
        lambda graph, a, b: graph.node("Mul", [a, b]),
    ),
    Feature(
        "sin_x1",
        "sin(x1)",
        lambda a, b: a.sin(),
        lambda g, a, b: (a.cos() * g, None),
        lambda graph, a, b: graph.node("Sin", [a]),
    ),
    Feature(
        "sin_x2",
        "sin(x2)",
        lambda a, b: b.sin(),
        lambda g, a, b: (None, b.cos() * g),
        lambda graph, a, b: graph.node("Sin", [b]),
    ),
)


def _switch(name: str) -> Param:
    """The declaration of one feature's switch; its help names the feature as the Playground writes it."""
    label = next(f.label for f in FEATURES if f.name == name)
    return Param(help=f"feed {label} to the next layer")


class InputFeatures(Module):
    """Maps points ``(x1, x2)`` to the chosen features, in the order x1, x2, x1², x2², x1·x2, sin(x1), sin(x2).

    The default (x1 and x2) is the identity. The next layer's ``in_features`` is ``out_features``, the
    number of features chosen.
    """

    in_features = 2
    config_readers = {f.name: lambda m, name=f.name: any(c.name == name for c in m.features) for f in FEATURES}
    """Each switch is read from ``features``, the features the forward computes."""

    def __init__(
        self,
        x1: Annotated[bool, _switch("x1")] = True,
        x2: Annotated[bool, _switch("x2")] = True,
        x1_squared: Annotated[bool, _switch("x1_squared")] = False,
        x2_squared: Annotated[bool, _switch("x2_squared")] = False,
        x1_times_x2: Annotated[bool, _switch("x1_times_x2")] = False,
        sin_x1: Annotated[bool, _switch("sin_x1")] = False,
        sin_x2: Annotated[bool, _switch("sin_x2")] = False,
    ) -> None:
        super().__init__()
        switches = (x1, x2, x1_squared, x2_squared, x1_times_x2, sin_x1, sin_x2)
        self.features = tuple(f for f, on in zip(FEATURES, switches) if on)
        if not self.features:
            raise ConfigError(f"InputFeatures: choose at least one feature ({', '.join(f.name for f in FEATURES)})")
        self._identity = [f.name for f in self.features] == ["x1", "x2"]  # the default: no work either way
        self._input: Tensor | None = None

    @property
    def out_features(self) -> int:
        return len(self.features)

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() != 2 or x.shape[1] != 2:
            raise ShapeError(f"InputFeatures: expected input of shape (batch, 2): (x1, x2), got {tuple(x.shape)}")
        self._input = x
        if self._identity:
            return x
        a, b = x.unbind(1)
        return torch.stack([f.value(a, b) for f in self.features], 1)

    def backward(self, grad_output: Tensor) -> Tensor:
        x = self._input
        require_forward(self, x)
        if self._identity:
            return grad_output
        a, b = x.unbind(1)
        partials: tuple[list[Tensor], list[Tensor]] = ([], [])  # every feature's term of dL/dx1, of dL/dx2
        for g, feature in zip(grad_output.unbind(1), self.features):
            for column, partial in enumerate(feature.backward(g, a, b)):
                if partial is not None:
                    partials[column].append(partial)
        return torch.stack([functools.reduce(torch.add, p) if p else torch.zeros_like(a) for p in partials], 1)

    def lower_onnx(self, graph: OnnxGraph, x: str) -> str:
        """The input's two columns (``Gather``), each chosen feature's nodes, then ``Concat`` in the forward's order."""
        if self._identity:
            return x
        a, b = (graph.node("Gather", [x, graph.constant(torch.tensor([i]))], axis=1) for i in (0, 1))
        return graph.node("Concat", [f.lower(graph, a, b) for f in self.features], axis=1)
