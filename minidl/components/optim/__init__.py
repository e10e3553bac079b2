"""Optimizers with PyTorch's update rules."""

from minidl.components.optim.adam import Adam
from minidl.components.optim.optimizer import Optimizer
from minidl.components.optim.sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer"]
