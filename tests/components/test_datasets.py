"""The circle data set through minidl.testing, as a plugin's data sets go; its labels follow the disk."""

from __future__ import annotations

import torch

import minidl
from minidl.components.datasets.circle import RADIUS
from minidl.testing import check_dataset


def test_circle_passes_the_kit() -> None:
    check_dataset(minidl.Circle, {"n_train": 300, "n_test": 200})


def test_circle_labels_the_disk_of_half_the_area() -> None:
    data = minidl.Circle(n_train=20_000, n_test=10).load(0)
    inside = (data.train_x - 0.5).square().sum(1) < RADIUS**2
    assert torch.equal(data.train_y, inside.long())
    assert abs(float(data.train_y.double().mean()) - 0.5) < 0.02  # 20,000 points: the standard error is 0.0035
