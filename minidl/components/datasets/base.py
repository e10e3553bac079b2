"""What a data set component produces: a classification train/test split."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from minidl.core.config import Configurable
from minidl.core.errors import ShapeError


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
                raise ShapeError(f"DataSplit: {name} labels must be int64 class indices in [0, {self.num_classes})")

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

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


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
