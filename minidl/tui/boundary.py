"""The decision boundary as a grid of colour codes, and the data points to draw over it (no Textual).

The worker thread computes the grid from the live model between epochs and sends the result, a new
tensor, to the UI; the UI never reads the model while training runs. A code is
``class * LEVELS + level``: the predicted class and its confidence quantised to ``LEVELS`` steps, so
a two-class problem has 30 shades and the heatmap only ever draws a small, fixed set of colours.

The map shows [0,1]^2 when the data lies there (the circle task); data elsewhere (the plugin's spiral
and XOR sets live in [-1,1]^2) gets the square around its training points instead.
"""

from __future__ import annotations

import torch

from minidl.core.module import Module

LEVELS = 15
MARGIN = 0.05

Box = tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
UNIT: Box = (0.0, 1.0, 0.0, 1.0)


def view_box(x: torch.Tensor) -> Box:
    """[0,1]^2 when every point lies in it, else the square around the points with a small margin."""
    low, high = x.min(0).values.tolist(), x.max(0).values.tolist()
    if min(low) >= 0.0 and max(high) <= 1.0:
        return UNIT
    half = max(h - lo for h, lo in zip(high, low)) * (0.5 + MARGIN) or 1.0
    cx, cy = ((h + lo) / 2 for h, lo in zip(high, low))
    return (cx - half, cx + half, cy - half, cy + half)


def decision_codes(model: Module, side: int, num_classes: int, dtype: torch.dtype, box: Box = UNIT) -> torch.Tensor:
    """``(side, side)`` int16 codes over ``box``, row 0 at the top (largest y), column 0 at the smallest x."""
    ticks = (torch.arange(side, dtype=dtype) + 0.5) / side
    x0, x1, y0, y1 = box
    points = torch.stack(
        [x0 + (x1 - x0) * ticks.repeat(side), y0 + (y1 - y0) * ticks.flip(0).repeat_interleave(side)], 1
    )
    with model.evaluating():
        output = model.forward(points)
    confidence, label = torch.softmax(output.double(), 1).max(1)
    chance = 1.0 / max(num_classes, 1)
    level = ((confidence.nan_to_num(chance) - chance) / max(1.0 - chance, 1e-12) * (LEVELS - 1)).round()
    codes = label * LEVELS + level.clamp(0, LEVELS - 1).long()
    return codes.to(torch.int16).reshape(side, side)


def sample_points(x: torch.Tensor, y: torch.Tensor, count: int, box: Box = UNIT) -> list[tuple[float, float, int]]:
    """The first ``count`` points inside ``box`` as plain ``(u, v, label)`` tuples, ``u, v`` in [0,1] across the box."""
    if x.dim() != 2 or x.shape[1] != 2:
        return []
    x0, x1, y0, y1 = box
    unit = (x - torch.tensor([x0, y0], dtype=x.dtype)) / torch.tensor([x1 - x0, y1 - y0], dtype=x.dtype)
    inside = ((unit >= 0) & (unit <= 1)).all(1)
    uv, labels = unit[inside][:count].tolist(), y[inside][:count].tolist()
    return [(u, v, int(label)) for (u, v), label in zip(uv, labels)]
