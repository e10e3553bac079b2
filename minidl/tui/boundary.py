"""The decision boundary as a grid of colour codes, and the data points to draw over it (no Textual).

The worker thread computes the grid from the live model between epochs and sends the result, a new
tensor, to the UI; the UI never reads the model while training runs. A code is
``class * LEVELS + level``: the predicted class and its confidence quantised to ``LEVELS`` steps, so
a two-class problem has 30 shades and the heatmap only ever draws a small, fixed set of colours.
"""

from __future__ import annotations

import torch

from minidl.core.module import Module

LEVELS = 15


def decision_codes(model: Module, side: int, num_classes: int, dtype: torch.dtype) -> torch.Tensor:
    """``(side, side)`` int16 codes over [0,1]^2, row 0 at the top (y near 1), column 0 at x near 0."""
    ticks = (torch.arange(side, dtype=dtype) + 0.5) / side
    points = torch.stack([ticks.repeat(side), ticks.flip(0).repeat_interleave(side)], 1)
    was_training = model.training
    model.eval()
    try:
        output = model.forward(points)
    finally:
        model.train(was_training)
    confidence, label = torch.softmax(output.double(), 1).max(1)
    chance = 1.0 / max(num_classes, 1)
    level = ((confidence.nan_to_num(chance) - chance) / max(1.0 - chance, 1e-12) * (LEVELS - 1)).round()
    codes = label * LEVELS + level.clamp(0, LEVELS - 1).long()
    return codes.to(torch.int16).reshape(side, side)


def sample_points(x: torch.Tensor, y: torch.Tensor, count: int) -> list[tuple[float, float, int]]:
    """The first ``count`` points inside [0,1]^2 as plain ``(x, y, label)`` tuples."""
    if x.dim() != 2 or x.shape[1] != 2:
        return []
    inside = ((x >= 0) & (x <= 1)).all(1)
    xs, ys = x[inside][:count].tolist(), y[inside][:count].tolist()
    return [(a, b, int(label)) for (a, b), label in zip(xs, ys)]
