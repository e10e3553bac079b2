"""Optimizers with PyTorch's update rules."""

from minidl_extra.optim.adamw import AdamW
from minidl_extra.optim.rmsprop import RMSprop

__all__ = ["AdamW", "RMSprop"]
