"""Inside the network as plain data for the TUI's views (no Textual): each unit's map, the weights, the gradients.

Like :mod:`minidl.tui.boundary`, these run on the live model between epochs (in the training worker,
or in the UI thread when nothing trains) and return new tensors and floats, never references into the
model. None of them changes the run: the forwards run in evaluation mode (Dropout is the identity,
batch norm uses its running statistics), so nothing draws from a random generator; the gradient probe
backpropagates into fresh gradient tensors and puts the model's own back; the optimizer, the history
and therefore a checkpoint never see them.

Signed values are quantised to codes in ``[-LEVELS, LEVELS]`` (0 is zero, ``±LEVELS`` the layer's
largest magnitude, NaN 0), so a view draws at most ``2 * LEVELS + 1`` colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from minidl.components.losses import Loss
from minidl.components.modules.sequential import Sequential
from minidl.core.errors import ConfigError
from minidl.core.module import Module, Parameter
from minidl.tui.boundary import LEVELS, UNIT, Box, view_box
from minidl.workflow.trainer import Trainer

GRADIENT_POINTS = 256
"""Training points the gradient probe uses (the first ones: the data sets draw them independently)."""


@dataclass(frozen=True)
class UnitMaps:
    """One layer's output over the map's square: ``codes[u]`` is unit ``u``'s ``(side, side)`` map.

    Row 0 is the top (largest y) and column 0 the smallest x, as in the decision-boundary map. All
    units share one ``scale`` (the largest ``|output|``), so a weak unit looks weak.
    """

    layer: int
    codes: torch.Tensor
    scale: float


@dataclass(frozen=True)
class LayerWeights:
    """A copy of one layer's weight matrix ``(units, inputs)``, its signed codes and each unit's strength.

    ``strength[u]`` is the L2 norm of unit ``u``'s incoming weights (row ``u``).
    """

    layer: int
    values: torch.Tensor
    codes: torch.Tensor
    scale: float
    strength: torch.Tensor


@dataclass(frozen=True)
class GradientNorms:
    """For each layer with parameters (``layers``: indices in the network), the L2 norm of the loss gradient
    with respect to all of that layer's parameters."""

    layers: tuple[int, ...]
    norms: tuple[float, ...]


@dataclass(frozen=True)
class Probe:
    """What the inside views show after ``epoch``: gradient norms always; maps and weights of the selected ``layer``
    (None: none was selected)."""

    epoch: int
    layer: int | None
    gradients: GradientNorms
    units: UnitMaps | None
    weights: LayerWeights | None


def probe(trainer: Trainer, layer: int | None, side: int, points: int = GRADIENT_POINTS) -> Probe:
    """Everything the views need from the trainer's model now; ``layer=None``: gradient norms only.

    Unit maps need 2-D data (the map's square is the data's :func:`view_box`); otherwise they are None.
    """
    model, data = trainer.model, trainer.data
    assert isinstance(model, Sequential), "the views show a Sequential network"
    gradients = gradient_norms(model, trainer.loss, data.train_x[:points], trainer.train_targets[:points])
    units = weights = None
    if layer is not None:
        if data.num_features == 2:
            units = unit_maps(model, layer, side, view_box(data.train_x))
        weights = layer_weights(model, layer)
    return Probe(trainer.epoch, layer, gradients, units, weights)


def unit_maps(model: Sequential, layer: int, side: int, box: Box = UNIT) -> UnitMaps:
    """The output of ``model[layer]`` for every unit over ``box``, on a ``side x side`` grid of inputs."""
    _check_layer(model, layer)
    dtype, device = model.placement()
    x = grid_points(side, dtype, box).to(device)
    with model.evaluating():
        for module in list(model)[: layer + 1]:
            x = module.forward(x)
    scale = peak(x)
    codes = signed_codes(x, scale).t().reshape(-1, side, side).contiguous()
    return UnitMaps(layer, codes, scale)


def layer_weights(model: Sequential, layer: int) -> LayerWeights | None:
    """The weights feeding the units of ``model[layer]``: of that layer, or of the nearest one before it that
    has a weight matrix (the Linear before an activation); None when there is none."""
    _check_layer(model, layer)
    for index in range(layer, -1, -1):
        weight = weight_matrix(model[index])
        if weight is not None:
            values = weight.value.detach().clone()
            scale = peak(values)
            strength = torch.linalg.vector_norm(values, dim=1)
            return LayerWeights(index, values, signed_codes(values, scale), scale, strength)
    return None


def weight_matrix(module: Module) -> Parameter | None:
    """The module's two-dimensional parameter called ``weight`` (``(out, in)``, as Linear's), if it has one."""
    weight = dict(module.named_parameters()).get("weight")
    return weight if weight is not None and weight.value.dim() == 2 else None


def gradient_norms(model: Sequential, loss: Loss, x: torch.Tensor, targets: torch.Tensor) -> GradientNorms:
    """Per-layer norms of the gradient of ``loss(model(x), targets)`` in evaluation mode, leaving the model's
    gradients as they were."""
    layers = [(i, m.param()) for i, m in enumerate(model) if m.param()]
    pairs = [p for _, params in layers for p in params]
    kept = [p.grad for p in pairs]
    for p in pairs:
        p.grad = torch.zeros_like(p.value)
    try:
        with model.evaluating():
            loss.forward(model.forward(x), targets)
            model.backward(loss.backward())
        squares = torch.stack([torch.linalg.vector_norm(p.grad) for p in pairs]).double().square()
    finally:
        for p, grad in zip(pairs, kept):
            p.grad = grad
    per_layer = [chunk.sum() for chunk in squares.split([len(params) for _, params in layers])]
    norms = torch.stack(per_layer).sqrt().tolist() if per_layer else []
    return GradientNorms(tuple(i for i, _ in layers), tuple(norms))


def grid_points(side: int, dtype: torch.dtype, box: Box = UNIT) -> torch.Tensor:
    """``(side * side, 2)`` cell centres over ``box``, row by row from the top (largest y), each row by x."""
    ticks = (torch.arange(side, dtype=dtype) + 0.5) / side
    x0, x1, y0, y1 = box
    return torch.stack([x0 + (x1 - x0) * ticks.repeat(side), y0 + (y1 - y0) * ticks.flip(0).repeat_interleave(side)], 1)


def peak(values: torch.Tensor) -> float:
    """The largest finite ``|value|``, 0.0 when there is none."""
    magnitudes = values.detach().abs().nan_to_num(0.0, posinf=0.0)
    return float(magnitudes.max()) if magnitudes.numel() else 0.0


def signed_codes(values: torch.Tensor, scale: float) -> torch.Tensor:
    """int16 codes ``round(LEVELS * value / scale)`` in ``[-LEVELS, LEVELS]``; NaN is 0, infinities the ends."""
    scaled = values.detach().double().div(scale).mul(LEVELS)  # scale 0: every finite value is 0 -> NaN -> 0
    return scaled.nan_to_num(0.0, posinf=LEVELS, neginf=-LEVELS).round().clamp(-LEVELS, LEVELS).to(torch.int16)


def _check_layer(model: Sequential, layer: int) -> None:
    if not 0 <= layer < len(model):
        raise ConfigError(f"layer {layer}: the network has {len(model)} layers, numbered 0 to {len(model) - 1}")
