"""The entry point minidl loads (group ``minidl``): one hook per component kind, each registering classes."""

from __future__ import annotations

from minidl.plugin import Register, hookimpl
from minidl_extra.datasets import Spiral, Xor
from minidl_extra.init import Orthogonal, XavierUniform
from minidl_extra.modules import ELU, GELU, BatchNorm1d, LeakyReLU, Sigmoid, SiLU
from minidl_extra.optim import AdamW, RMSprop
from minidl_extra.schedulers import CosineAnnealingLR, StepLR

MINIDL_PLUGIN_API = 1


@hookimpl
def register_modules(register: Register) -> None:
    for cls in (BatchNorm1d, LeakyReLU, Sigmoid, GELU, SiLU, ELU):
        register(cls)


@hookimpl
def register_initializers(register: Register) -> None:
    register(Orthogonal, name="orthogonal")
    register(XavierUniform, name="xavier_uniform")


@hookimpl
def register_optimizers(register: Register) -> None:
    register(AdamW)
    register(RMSprop)


@hookimpl
def register_schedulers(register: Register) -> None:
    register(StepLR)
    register(CosineAnnealingLR)


@hookimpl
def register_datasets(register: Register) -> None:
    register(Spiral, name="spiral")
    register(Xor, name="xor")
