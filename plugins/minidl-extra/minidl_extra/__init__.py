"""minidl-extra: components for minidl delivered as a plugin, and a worked example for plugin authors.

Installing the distribution is all it takes: minidl finds ``minidl_extra.plugin`` through the ``minidl``
entry-point group. The classes can also be imported and used directly.
"""

__version__ = "0.1.0"

from minidl_extra.datasets import Spiral, Xor
from minidl_extra.init import Orthogonal, XavierUniform
from minidl_extra.modules import ELU, GELU, BatchNorm1d, LeakyReLU, Sigmoid, SiLU
from minidl_extra.optim import AdamW, RMSprop
from minidl_extra.schedulers import CosineAnnealingLR, StepLR

__all__ = [
    "ELU",
    "GELU",
    "AdamW",
    "BatchNorm1d",
    "CosineAnnealingLR",
    "LeakyReLU",
    "Orthogonal",
    "RMSprop",
    "SiLU",
    "Sigmoid",
    "Spiral",
    "StepLR",
    "XavierUniform",
    "Xor",
]
