"""The plugin hooks: one per component kind, each handed a ``register`` callback.

A plugin module (named by an entry point in the ``minidl`` group) implements any of them (plugin
authors import everything from :mod:`minidl.plugin`)::

    from minidl.plugin import hookimpl

    @hookimpl
    def register_modules(register):
        register(BatchNorm1d)            # short name: the class name
        register(MyInit, name="mine")    # or an explicit one

A plugin module may set ``MINIDL_PLUGIN_API = 1``: a plugin written for another API version is skipped.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

PROJECT = "minidl"
PLUGIN_API = 1

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

Register = Callable[..., None]


@hookspec
def register_modules(register: Register) -> None:
    """Register layers (subclasses of ``minidl.Module``)."""


@hookspec
def register_losses(register: Register) -> None:
    """Register losses (subclasses of ``minidl.components.losses.Loss``)."""


@hookspec
def register_initializers(register: Register) -> None:
    """Register weight initializers (subclasses of ``minidl.components.init.Initializer``)."""


@hookspec
def register_optimizers(register: Register) -> None:
    """Register optimizers (subclasses of ``minidl.components.optim.Optimizer``)."""


@hookspec
def register_schedulers(register: Register) -> None:
    """Register learning-rate schedulers (subclasses of ``minidl.components.schedulers.Scheduler``)."""


@hookspec
def register_datasets(register: Register) -> None:
    """Register data sets (subclasses of ``minidl.components.datasets.Dataset``)."""
