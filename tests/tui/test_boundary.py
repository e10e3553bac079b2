"""The heatmap's window onto the data: [0,1]^2 for the circle, the data's own square elsewhere."""

from __future__ import annotations

import torch

import minidl
from minidl.tui.boundary import UNIT, decision_codes, sample_points, view_box


def test_the_circle_task_is_shown_on_the_unit_square() -> None:
    data = minidl.Circle().load(0)
    assert view_box(data.train_x) == UNIT
    assert len(sample_points(data.train_x, data.train_y, 10_000)) == 1000


def test_data_outside_the_unit_square_gets_its_own_square() -> None:
    x = torch.tensor([[-1.0, -0.5], [1.0, 0.5], [0.0, 0.0]])
    x0, x1, y0, y1 = view_box(x)
    assert x0 < -1.0 and x1 > 1.0 and y0 < -0.5 and y1 > 0.5
    assert abs((x1 - x0) - (y1 - y0)) < 1e-9  # square, so circles stay round
    points = sample_points(x, torch.tensor([0, 1, 0]), 10, (x0, x1, y0, y1))
    assert len(points) == 3 and all(0 <= u <= 1 and 0 <= v <= 1 for u, v, _ in points)
    assert points[2][0] == points[2][1] == 0.5  # the centre of the data is the centre of the map


def test_codes_cover_the_box_with_the_top_row_at_the_largest_y() -> None:
    class AboveZero(minidl.Module):
        """Class 1 where y > 0, with full confidence."""

        def forward(self, x):
            return torch.stack([torch.zeros_like(x[:, 1]), 100 * torch.sign(x[:, 1])], 1)

    codes = decision_codes(AboveZero(), 4, 2, torch.float32, (-2.0, 2.0, -2.0, 2.0))
    assert codes.shape == (4, 4)
    assert (codes[:2] // 15 == 1).all() and (codes[2:] // 15 == 0).all()
