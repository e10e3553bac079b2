"""Data sets: each makes a seeded train/test split."""

from minidl.components.datasets.base import Dataset, DataSplit, SampledDataset
from minidl.components.datasets.circle import Circle

__all__ = ["Circle", "DataSplit", "Dataset", "SampledDataset"]
