"""minidl's own components, registered through the same hooks as any plugin (entry point ``minidl``)."""

from __future__ import annotations

from minidl.components.datasets import Circle, TwoGaussians
from minidl.components.init import BUILTIN_INITIALIZERS
from minidl.components.losses import CrossEntropyLoss, MSELoss
from minidl.components.modules import Dropout, InputFeatures, Linear, ReLU, Tanh
from minidl.components.optim import SGD, Adam
from minidl.components.schedulers import ReduceLROnPlateau
from minidl.registry.hookspecs import Register, hookimpl

MINIDL_PLUGIN_API = 1


@hookimpl
def register_modules(register: Register) -> None:
    for cls in (Linear, ReLU, Tanh, Dropout, InputFeatures):
        register(cls)


@hookimpl
def register_losses(register: Register) -> None:
    register(MSELoss)
    register(CrossEntropyLoss)


@hookimpl
def register_initializers(register: Register) -> None:
    for name, cls in BUILTIN_INITIALIZERS.items():
        register(cls, name=name)


@hookimpl
def register_optimizers(register: Register) -> None:
    register(SGD)
    register(Adam)


@hookimpl
def register_schedulers(register: Register) -> None:
    register(ReduceLROnPlateau)


@hookimpl
def register_datasets(register: Register) -> None:
    register(Circle, name="circle")
    register(TwoGaussians, name="gaussians")
