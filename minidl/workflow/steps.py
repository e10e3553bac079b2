"""Which training step a Trainer runs: the eager ``train_step``, or an object that runs it faster or in bf16.

On a CUDA device steps are captured in CUDA graphs (unless ``graphs=False``); elsewhere ``compile``
(else ``MINIDL_COMPILE``) compiles them. ``bf16`` runs each step in mixed precision, graphed on CUDA;
the compiled step is float32 only, so an explicit ``compile=True`` with bf16 is refused.
"""

from __future__ import annotations

import functools

from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.core.errors import ConfigError
from minidl.core.module import Module
from minidl.workflow.fast_step import CompiledStep, compile_requested, train_step
from minidl.workflow.graph_step import GraphedStep, graphs_requested
from minidl.workflow.mixed_precision import Bf16Step
from minidl.workflow.precision import check_precision

FastStep = CompiledStep | GraphedStep | Bf16Step


def choose_step(
    model: Module, loss: Loss, optimizer: Optimizer, *, compile: bool | None, precision: str, graphs: bool | None
) -> FastStep | None:
    """The step object for these choices (``prepare()`` between epochs, then one call per batch); None: eager."""
    dtype, device = model.placement()
    check_precision(precision, dtype, device)
    mixed = Bf16Step(model, loss, optimizer) if precision == "bf16" else None
    if graphs_requested(graphs, device):
        if device.type != "cuda":
            raise ConfigError(f"graphs: CUDA graphs need a CUDA device, this run is on {device.type}")
        if compile:
            raise ConfigError("compile and CUDA graphs: choose one (graphs=False to compile, or compile=False)")
        return GraphedStep(model, loss, optimizer, mixed or functools.partial(train_step, model, loss, optimizer))
    if mixed is not None:
        if compile:
            raise ConfigError("compile: the compiled step is float32 only; with precision 'bf16' leave compile off")
        return mixed
    return CompiledStep(model, loss, optimizer) if compile_requested(compile) else None
