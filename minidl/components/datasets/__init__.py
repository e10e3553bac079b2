"""Data sets: each makes a seeded train/test split."""

from minidl.components.datasets.base import Dataset, DataSplit, PooledDataset, SampledDataset, split_sizes
from minidl.components.datasets.circle import Circle
from minidl.components.datasets.gaussians import TwoGaussians

__all__ = ["Circle", "DataSplit", "Dataset", "PooledDataset", "SampledDataset", "TwoGaussians", "split_sizes"]
