"""Layers and containers."""

from minidl.components.modules.activations import ReLU, Tanh
from minidl.components.modules.dropout import Dropout
from minidl.components.modules.elementwise import Elementwise
from minidl.components.modules.input_features import InputFeatures
from minidl.components.modules.linear import Linear
from minidl.components.modules.sequential import Sequential

__all__ = ["Dropout", "Elementwise", "InputFeatures", "Linear", "ReLU", "Sequential", "Tanh"]
