"""The built-in data sets: the circle task unchanged bit for bit, label noise, the split, two Gaussians."""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest
import torch

import minidl
from minidl import registry
from minidl.components.datasets import DataSplit, split_sizes
from minidl.components.datasets.circle import RADIUS
from minidl.core.errors import ShapeError
from minidl.testing import check_dataset
from minidl.workflow.spec import normalize

SPECS = Path(__file__).parents[2] / "specs"

# sha256 of train_x, train_y, test_x, test_y bytes, computed with minidl 0.1's Circle (before the pool and
# the label noise existed): the defaults must keep giving exactly these points and labels.
FROZEN = {
    (0, 1000, 1000): "85ab8b18f543d5ef2398bf98379ac8884879f3084396509017aa79e66472d4b6",
    (7, 300, 50): "369335e293fa9340cdd518591e8364a37652d2dc35f30ae15e6c8be1bf00a282",
}


def digest(data: minidl.DataSplit) -> str:
    h = hashlib.sha256()
    for tensor in (data.train_x, data.train_y, data.test_x, data.test_y):
        h.update(tensor.contiguous().numpy().tobytes())
    return h.hexdigest()


def pool(data: minidl.DataSplit) -> tuple[torch.Tensor, torch.Tensor]:
    return torch.cat([data.train_x, data.test_x]), torch.cat([data.train_y, data.test_y])


@pytest.mark.parametrize(("seed", "n_train", "n_test"), list(FROZEN))
def test_circle_defaults_give_the_frozen_data(seed: int, n_train: int, n_test: int) -> None:
    data = minidl.Circle(n_train=n_train, n_test=n_test).load(seed)
    assert digest(data) == FROZEN[seed, n_train, n_test]
    assert data.train_x.shape == (n_train, 2) and data.test_x.shape == (n_test, 2)


def test_old_files_load_with_the_same_data() -> None:
    """A file written before label_noise existed gets label_noise 0 and exactly the data it was trained on."""
    loaded = minidl.load(SPECS / "circle_trained.minidl")
    assert loaded.spec["training"]["dataset"]["config"] == {"n_train": 1000, "n_test": 1000, "label_noise": 0.0}
    assert digest(minidl.Run.from_file(loaded).trainer.data) == FROZEN[0, 1000, 1000]
    spec = minidl.default_spec(seed=7)
    spec["training"]["dataset"] = {"component": "circle", "config": {"n_train": 300, "n_test": 50}}
    assert normalize(spec)["training"]["dataset"]["config"]["label_noise"] == 0.0
    assert digest(minidl.build_trainer(spec).data) == FROZEN[7, 300, 50]


def test_label_noise_flips_that_fraction_of_the_pool_and_moves_no_point() -> None:
    def flips(seed: int) -> torch.Tensor:
        (x, y), (noisy_x, noisy_y) = (pool(minidl.Circle(700, 300, label_noise=n).load(seed)) for n in (0.0, 0.15))
        assert torch.equal(noisy_x, x)
        return noisy_y != y

    assert int(flips(3).sum()) == 150
    assert torch.equal(flips(3), flips(3)) and not torch.equal(flips(3), flips(4))


def test_label_noise_reaches_train_and_test_alike() -> None:
    clean = minidl.Circle(n_train=20000, n_test=20000).load(0)
    noisy = minidl.Circle(n_train=20000, n_test=20000, label_noise=0.2).load(0)
    train = float((clean.train_y != noisy.train_y).double().mean())
    test = float((clean.test_y != noisy.test_y).double().mean())
    assert train == pytest.approx(0.2, abs=0.012) and test == pytest.approx(0.2, abs=0.012)  # ~6 sigma


@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_a_new_ratio_at_the_same_total_resplits_the_same_points(noise: float) -> None:
    even = minidl.Circle(**split_sizes(1000, 0.5), label_noise=noise).load(2)
    mostly_train = minidl.Circle(**split_sizes(1000, 0.8), label_noise=noise).load(2)
    assert mostly_train.train_x.shape == (800, 2) and mostly_train.test_x.shape == (200, 2)
    for ours, theirs in zip(pool(even), pool(mostly_train)):
        assert torch.equal(ours, theirs)


def test_split_sizes_round_and_keep_both_sides() -> None:
    assert split_sizes(2000, 0.5) == {"n_train": 1000, "n_test": 1000}
    assert split_sizes(1100, 800 / 1100) == {"n_train": 800, "n_test": 300}
    assert split_sizes(10, 0.9) == {"n_train": 9, "n_test": 1}
    with pytest.raises(minidl.ConfigError, match=r"10 points at train ratio 0\.99 leave 10 for training and 0"):
        split_sizes(10, 0.99)


def test_label_noise_is_declared_and_bounded() -> None:
    noise = {p["name"]: p for p in registry.describe("dataset", "circle")["parameters"]}["label_noise"]
    assert (noise["default"], noise["ge"], noise["le"]) == (0.0, 0.0, 0.5)
    with pytest.raises(minidl.ConfigError, match=r"label_noise.*expected float >= 0 and <= 0.5, got 0.6"):
        registry.create("dataset", "circle", label_noise=0.6)


def test_two_gaussians_are_reproducible_and_shaped_as_declared() -> None:
    gaussians = registry.create("dataset", "gaussians", n_train=20000, n_test=100, spread=0.5)
    assert isinstance(gaussians, minidl.TwoGaussians)
    data, again = gaussians.load(1), gaussians.load(1)
    assert digest(data) == digest(again) and digest(data) != digest(gaussians.load(2))
    x, y = data.train_x.double(), data.train_y
    assert float(y.double().mean()) == pytest.approx(0.5, abs=0.02)  # ~6 sigma
    for label, centre in ((0, -0.5), (1, 0.5)):
        cluster = x[y == label]
        torch.testing.assert_close(cluster.mean(0), torch.full((2,), centre, dtype=torch.float64), atol=0.03, rtol=0)
        torch.testing.assert_close(cluster.std(0), torch.full((2,), 0.5, dtype=torch.float64), atol=0.02, rtol=0)


def test_two_gaussians_best_error_is_as_documented() -> None:
    """The diagonal x1 + x2 = 0 is the best boundary; its error is Phi(-0.5 * sqrt(2) / spread)."""
    data = minidl.TwoGaussians(n_train=40000, n_test=1, spread=0.5).load(0)
    error = float(((data.train_x.sum(1) > 0).long() != data.train_y).double().mean())
    assert error == pytest.approx(0.5 * math.erfc(0.5 / 0.5), abs=0.008)  # 7.9 %, ~6 sigma


def test_two_gaussians_train_with_noise_through_a_spec() -> None:
    spec = minidl.default_spec(epochs=3, batch_size=20)
    spec["training"]["dataset"] = {"component": "gaussians", "config": {"n_train": 200, "n_test": 100}}
    spec["training"]["dataset"]["config"]["label_noise"] = 0.1
    run = minidl.Run(spec)
    run.fit()
    assert run.spec["training"]["dataset"]["config"] == {
        "n_train": 200,
        "n_test": 100,
        "spread": 0.25,
        "label_noise": 0.1,
    }
    assert run.history[-1].test_error < 0.4


@pytest.mark.parametrize(
    ("cls", "config"),
    [
        (minidl.Circle, {"n_train": 300, "n_test": 200}),
        (minidl.Circle, {"n_train": 300, "n_test": 200, "label_noise": 0.1}),
        (minidl.TwoGaussians, {"n_train": 300, "n_test": 200, "spread": 0.5}),
    ],
    ids=["circle", "circle-noise", "gaussians"],
)
def test_the_built_in_data_sets_pass_the_kit(cls, config) -> None:
    check_dataset(cls, config)


def test_circle_labels_the_disk_of_half_the_area() -> None:
    data = minidl.Circle(n_train=20_000, n_test=10).load(0)
    inside = (data.train_x - 0.5).square().sum(1) < RADIUS**2
    assert torch.equal(data.train_y, inside.long())
    assert abs(float(data.train_y.double().mean()) - 0.5) < 0.02  # 20,000 points: the standard error is 0.0035


@pytest.mark.parametrize(
    ("train_x", "train_y", "message"),
    [
        # NaN inputs trained into "the training loss became nan ... lower the learning rate"
        (
            torch.tensor([[0.0, 1.0], [2.0, float("nan")]]),
            torch.tensor([0, 1]),
            "train inputs hold 1 NaN or infinite values (the first at row 1, column 1: nan)",
        ),
        (
            torch.tensor([[0.0, 1.0], [2.0, 3.0]]),
            torch.tensor([0.0, 1.0], dtype=torch.float64),
            "train labels must be int64 class indices in [0, 2), got torch.float64",
        ),
        (torch.tensor([[0.0, 1.0], [2.0, 3.0]]), torch.tensor([0, 2]), "got labels from 0 to 2"),
        (torch.tensor([[0, 1], [2, 3]]), torch.tensor([0, 1]), "train inputs must be floating point, got torch.int64"),
    ],
    ids=["nan-inputs", "float-labels", "label-out-of-range", "integer-inputs"],
)
def test_a_data_split_says_what_is_wrong_with_its_tensors(train_x, train_y, message: str) -> None:  # fmt: skip
    with pytest.raises(ShapeError, match=re.escape(message)):
        DataSplit(train_x, train_y, torch.zeros(1, 2), torch.zeros(1, dtype=torch.long), num_classes=2)
