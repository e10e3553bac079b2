"""Data sets: each makes a seeded train/test split."""

from minidl.components.datasets.base import DataSplit, Dataset, SampledDataset
from minidl.components.datasets.circle import Circle

__all__ = ["Circle", "DataSplit", "Dataset", "SampledDataset"]
