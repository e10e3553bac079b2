"""Learning-rate schedulers, stepped once per epoch."""

from minidl_extra.schedulers.cosine import CosineAnnealingLR
from minidl_extra.schedulers.step_lr import StepLR

__all__ = ["CosineAnnealingLR", "StepLR"]
