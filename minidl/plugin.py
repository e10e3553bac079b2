"""Everything a plugin author uses, in one place: ``from minidl.plugin import hookimpl, Module, Param, ...``.

A plugin is a distribution with an entry point in the ``minidl`` group naming a module. In that module,
functions marked ``@hookimpl`` (one per kind you provide) call the ``register`` callback they are given::

    from minidl.plugin import Elementwise, hookimpl

    class Softsign(Elementwise):
        def function(self, x): return x / (1 + x.abs())
        def derivative(self, x, out): return (1 - out.abs()) ** 2

    @hookimpl
    def register_modules(register):
        register(Softsign)                 # its short name is the class name; its id "<distribution>:Softsign"

The hooks: ``register_modules``, ``register_losses``, ``register_initializers``, ``register_optimizers``,
``register_schedulers``, ``register_datasets``. ``register(cls, name=None)``: a name is a letter then
up to 63 letters, digits or underscores. Set ``MINIDL_PLUGIN_API = 1`` in the module: the plugin API
version you wrote against (``PLUGIN_API`` is this minidl's; a plugin for another one is skipped, with a message).

What each name is for:

- ``hookimpl``, ``Register`` (the callback's type), ``PLUGIN_API``: the hooks.
- ``Module`` (layers: ``forward``, ``backward``, ``param()``, ``reset_parameters``), ``Elementwise``
  (activations: write ``function(x)`` and ``derivative(x, out)``), ``Loss``, ``Initializer``,
  ``Optimizer``, ``Scheduler``, ``Dataset`` and ``SampledDataset`` (data: write ``sample(n, generator)``),
  ``DataSplit`` (what a data set's ``load(seed)`` returns): the base class of every kind.
- ``Adam``: the built-in meant to be extended (a variant overrides ``decay``, as minidl-extra's AdamW does).
- ``Param``: bounds, choices and help of a constructor parameter (``Annotated[float, Param(gt=0)]``).
- ``Parameter``: a trainable ``(value, grad)`` pair held as a module attribute.
- ``require_forward``: ``backward`` calls it to raise ``CallOrderError`` when forward has not run.
- ``fans``: a weight's ``(fan_in, fan_out)``, as PyTorch counts them (for initializers).
- ``scale_add_``, ``scale_addcdiv_``: an optimizer's in-place updates scaled by ``self.lr``, whether it is a
  number or, in a compiled step, a 0-d tensor (``torch._foreach_addcdiv_`` takes only a number).
- ``OnnxGraph``: what a module's optional ``lower_onnx(graph, x)`` writes its ONNX nodes into (export);
  ``PooledDataset``: data drawn as one pool, with label noise, split in order.
- ``ShapeError`` (a wrong input shape), ``ConfigError``, ``CallOrderError``, ``MinidlError``: the errors
  users see as one clear line.

The guide with a complete plugin: ``plugins/minidl-extra/README.md``; the conformance kit that checks
components against this contract: ``minidl.testing``.
"""

from minidl.components.datasets import Dataset, DataSplit, PooledDataset, SampledDataset
from minidl.components.init import Initializer, fans
from minidl.components.losses import Loss
from minidl.components.modules import Elementwise
from minidl.components.optim import Adam, Optimizer
from minidl.components.optim.optimizer import scale_add_, scale_addcdiv_
from minidl.components.schedulers import Scheduler
from minidl.core import CallOrderError, ConfigError, MinidlError, Module, Param, Parameter, ShapeError
from minidl.core.lowering import OnnxGraph
from minidl.core.module import require_forward
from minidl.registry.hookspecs import PLUGIN_API, Register, hookimpl

__all__ = [
    "PLUGIN_API",
    "Adam",
    "CallOrderError",
    "ConfigError",
    "DataSplit",
    "Dataset",
    "Elementwise",
    "Initializer",
    "Loss",
    "MinidlError",
    "Module",
    "OnnxGraph",
    "Optimizer",
    "Param",
    "Parameter",
    "PooledDataset",
    "Register",
    "SampledDataset",
    "Scheduler",
    "ShapeError",
    "fans",
    "hookimpl",
    "require_forward",
    "scale_add_",
    "scale_addcdiv_",
]
