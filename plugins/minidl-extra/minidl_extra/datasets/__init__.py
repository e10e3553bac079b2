"""Two-class toy data sets, reproducible from a seed."""

from minidl_extra.datasets.spiral import Spiral
from minidl_extra.datasets.xor import Xor

__all__ = ["Spiral", "Xor"]
