"""Checks for a data set class: the same seed gives the same split, other seeds others, with sound shapes and labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from minidl.components.datasets import Dataset, DataSplit
from minidl.testing._util import kit_check
from minidl.testing.modules import check_config_roundtrip

PARTS = ("train_x", "train_y", "test_x", "test_y")


@kit_check
def check_dataset(cls: type[Dataset], config: Mapping[str, Any] | None = None, *, seed: int = 0) -> None:
    """Check ``cls(**config).load(seed)``.

    It returns a :class:`minidl.plugin.DataSplit`; loading the same seed again gives identical tensors,
    whatever torch's global generator did in between, and leaves that generator alone (draw from a
    ``torch.Generator`` seeded with ``seed``); another seed gives other points; inputs are finite
    floating-point ``(n, features)`` with the same features for both parts; labels are int64 in
    ``[0, num_classes)``; ``n_train``/``n_test``, when the data set has them, are the sizes; the test
    points are not the training points; the configuration survives ``get_config``/``from_config``.
    """
    config = dict(config or {})
    dataset = cls(**config)
    name = cls.__name__
    check_config_roundtrip(dataset, config)
    state = torch.get_rng_state()
    first = dataset.load(seed)
    if not torch.equal(torch.get_rng_state(), state):
        raise AssertionError(
            f"{name}.load changed torch's global random state: draw from torch.Generator().manual_seed(seed)"
        )
    if not isinstance(first, DataSplit):
        raise AssertionError(f"{name}.load returned {type(first).__name__}, expected minidl.plugin.DataSplit")
    torch.rand(3)  # move the global generator: a data set must not depend on it
    again = dataset.load(seed)
    changed = [part for part in PARTS if not torch.equal(getattr(first, part), getattr(again, part))]
    if changed or first.num_classes != again.num_classes:
        raise AssertionError(f"{name}.load({seed}) twice gave different {', '.join(changed) or 'num_classes'}")
    if torch.equal(first.train_x, dataset.load(seed + 1).train_x):
        raise AssertionError(f"{name}.load({seed + 1}) gave the same training points as load({seed})")
    _check_split(name, dataset, first)


def _check_split(name: str, dataset: Dataset, split: DataSplit) -> None:
    for part in ("train", "test"):
        x, y = getattr(split, f"{part}_x"), getattr(split, f"{part}_y")
        if not x.is_floating_point() or not bool(torch.isfinite(x).all()):
            raise AssertionError(f"{name}: {part}_x must hold finite floating-point values, got {x.dtype}")
        expected = getattr(dataset, f"n_{part}", None)
        if expected is not None and x.shape[0] != expected:
            raise AssertionError(f"{name}: {part}_x has {x.shape[0]} points, but n_{part} is {expected}")
        if y.dtype != torch.long or (y.numel() and not (0 <= int(y.min()) <= int(y.max()) < split.num_classes)):
            raise AssertionError(f"{name}: {part}_y must be int64 labels in [0, {split.num_classes})")
    if split.train_x.shape[1] != split.test_x.shape[1]:
        raise AssertionError(
            f"{name}: training points have {split.train_x.shape[1]} features, test points {split.test_x.shape[1]}"
        )
    if split.num_classes < 2:
        raise AssertionError(f"{name}: num_classes is {split.num_classes}; a classification task has at least 2")
    n = min(len(split.train_x), len(split.test_x))
    if n > 1 and torch.equal(split.train_x[:n], split.test_x[:n]):
        raise AssertionError(f"{name}: the test points are the training points; draw them separately")
