"""Layers: batch normalisation and element-wise activations."""

from minidl_extra.modules.batchnorm import BatchNorm1d
from minidl_extra.modules.elu import ELU
from minidl_extra.modules.gelu import GELU
from minidl_extra.modules.leaky_relu import LeakyReLU
from minidl_extra.modules.sigmoid import Sigmoid
from minidl_extra.modules.silu import SiLU

__all__ = ["ELU", "GELU", "BatchNorm1d", "LeakyReLU", "SiLU", "Sigmoid"]
