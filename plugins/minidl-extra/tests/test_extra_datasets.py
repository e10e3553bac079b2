"""The spiral and XOR data sets: reproducible from the seed, labelled by their geometry, noise as declared."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_extra import Spiral, Xor

from minidl import ConfigError
from minidl.testing import check_dataset


@pytest.mark.parametrize("cls", [Spiral, Xor])
def test_datasets_pass_the_kit(cls):
    """Same seed same split, other seeds others, the global generator untouched, sound shapes and labels."""
    check_dataset(cls, {"n_train": 200, "n_test": 100})


@pytest.mark.parametrize("cls", [Spiral, Xor])
def test_both_classes_about_equally(cls):
    assert 0.4 < float(cls(n_train=200, n_test=100).load(5).train_y.double().mean()) < 0.6


def test_spiral_points_lie_on_the_arm_of_their_class():
    data = Spiral(n_train=500, n_test=10, noise=0.0, turns=1.5).load(0)
    x, y = data.train_x.double(), data.train_y
    radius = x.norm(dim=1)
    for label in (0, 1):
        angle = 2 * math.pi * 1.5 * radius + label * math.pi
        arm = torch.stack((radius * angle.cos(), radius * angle.sin()), dim=1)
        on_arm = (x - arm).norm(dim=1) < 1e-5
        assert torch.equal(on_arm, y == label), f"class {label}"


def test_xor_labels_say_whether_the_signs_differ():
    data = Xor(n_train=500, n_test=10, noise=0.0).load(0)
    x, y = data.train_x, data.train_y
    assert float(x.abs().max()) <= 1.0
    assert torch.equal(y, (x[:, 0] * x[:, 1] < 0).long())


@pytest.mark.parametrize("cls", [Spiral, Xor])
def test_noise_moves_points_by_its_standard_deviation_and_keeps_labels(cls):
    clean = cls(n_train=4000, n_test=10, noise=0.0).load(1)
    noisy = cls(n_train=4000, n_test=10, noise=0.2).load(1)
    assert torch.equal(clean.train_y, noisy.train_y)
    assert float((noisy.train_x - clean.train_x).std()) == pytest.approx(0.2, rel=0.05)


def test_bad_dataset_configuration_is_refused():
    with pytest.raises(ConfigError, match=r"parameter 'noise': expected float >= 0"):
        Spiral(noise=-0.1)
    with pytest.raises(ConfigError, match=r"parameter 'n_train': expected int >= 1"):
        Xor(n_train=0)
