"""What a data set component produces (a classification train/test split), and the shared ways of drawing one."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from minidl.core.config import Configurable, Param
from minidl.core.errors import ConfigError, ShapeError


@dataclass(frozen=True)
class DataSplit:
    """Inputs ``(n, features)`` and integer class labels ``(n,)`` for training and testing."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    test_x: torch.Tensor
    test_y: torch.Tensor
    num_classes: int

    def __post_init__(self) -> None:
        for name, x, y in (("train", self.train_x, self.train_y), ("test", self.test_x, self.test_y)):
            if x.dim() != 2 or y.shape != x.shape[:1]:
                raise ShapeError(
                    f"DataSplit: {name} inputs must be (n, features) and labels (n,), "
                    f"got {tuple(x.shape)} and {tuple(y.shape)}"
                )
            if y.dtype != torch.long or (y.numel() and (y.min() < 0 or y.max() >= self.num_classes)):
                got = y.dtype if y.dtype != torch.long else f"labels from {int(y.min())} to {int(y.max())}"
                raise ShapeError(
                    f"DataSplit: {name} labels must be int64 class indices in [0, {self.num_classes}), got {got}"
                )
            if not x.is_floating_point():
                raise ShapeError(f"DataSplit: {name} inputs must be floating point, got {x.dtype}")
            bad = (~torch.isfinite(x)).nonzero()
            if len(bad):  # found here, not as a diverged loss blamed on the learning rate
                row, column = (int(i) for i in bad[0])
                raise ShapeError(
                    f"DataSplit: {name} inputs hold {len(bad)} NaN or infinite values "
                    f"(the first at row {row}, column {column}: {float(x[row, column])})"
                )

    @property
    def num_features(self) -> int:
        return self.train_x.shape[1]

    def to(self, dtype: torch.dtype | None = None, device: torch.device | str | None = None) -> DataSplit:
        """Inputs in another dtype/device (labels stay integer)."""
        return DataSplit(
            self.train_x.to(dtype=dtype, device=device),
            self.train_y.to(device=device),
            self.test_x.to(dtype=dtype, device=device),
            self.test_y.to(device=device),
            self.num_classes,
        )


class Dataset(Configurable):
    """Base class: ``load(seed)`` returns the same :class:`DataSplit` for the same seed and configuration."""

    def load(self, seed: int) -> DataSplit:
        raise NotImplementedError


class SampledDataset(Dataset):
    """A data set of independent labelled points: ``n_train`` then ``n_test`` drawn by ``sample``.

    Subclasses set ``n_train``, ``n_test`` and ``num_classes`` and write ``sample(n, generator)``.
    """

    n_train: int
    n_test: int
    num_classes: int = 2

    def load(self, seed: int) -> DataSplit:
        generator = torch.Generator().manual_seed(seed)
        train = self.sample(self.n_train, generator)
        test = self.sample(self.n_test, generator)
        return DataSplit(*train, *test, num_classes=self.num_classes)

    def sample(self, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` points ``(n, features)`` and their class labels ``(n,)``, drawn from ``generator``."""
        raise NotImplementedError


N_TRAIN = Param(ge=1, le=10_000_000, help="number of training points")
N_TEST = Param(ge=1, le=10_000_000, help="number of test points")
LABEL_NOISE = Param(ge=0.0, le=0.5, help="fraction of all labels (train and test) flipped, chosen from the seed")


class PooledDataset(SampledDataset):
    """One pool of ``n_train + n_test`` points drawn at once, a fraction ``label_noise`` of its labels flipped, then
    split in order: the first ``n_train`` points train, the rest test.

    So the split ratio is ``n_train / (n_train + n_test)``, and a new ratio at the same total
    (:func:`split_sizes`) re-splits the same points with the same labels, like the Playground's slider.
    Subclasses set ``label_noise`` besides ``n_train`` and ``n_test`` and write ``sample``.
    """

    label_noise: float = 0.0

    def load(self, seed: int) -> DataSplit:
        generator = torch.Generator().manual_seed(seed)
        x, y = self.sample(self.n_train + self.n_test, generator)
        y = flip_labels(y, self.label_noise, self.num_classes, generator)
        n = self.n_train
        return DataSplit(x[:n], y[:n], x[n:], y[n:], num_classes=self.num_classes)


def flip_labels(labels: torch.Tensor, fraction: float, num_classes: int, generator: torch.Generator) -> torch.Tensor:
    """``labels`` with ``round(fraction * n)`` of them, chosen by ``generator``, moved to another class at random.

    Draws nothing from ``generator`` (and returns ``labels`` itself) when no label is to flip.
    """
    count = round(fraction * labels.shape[0])
    if count == 0:
        return labels
    chosen = torch.randperm(labels.shape[0], generator=generator)[:count]
    shift = torch.randint(1, num_classes, (count,), generator=generator)
    flipped = labels.clone()
    flipped[chosen] = (labels[chosen] + shift) % num_classes
    return flipped


def split_sizes(total: int, train_ratio: float) -> dict[str, int]:
    """``{"n_train": ..., "n_test": ...}`` for ``total`` points with ``train_ratio`` of them training.

    Both counts are at least 1; raises ConfigError when that is impossible.
    """
    n_train = round(total * train_ratio)
    if not 1 <= n_train < total:
        raise ConfigError(
            f"split: {total} points at train ratio {train_ratio:g} leave {n_train} for training and "
            f"{total - n_train} for testing; each needs at least 1"
        )
    return {"n_train": n_train, "n_test": total - n_train}
