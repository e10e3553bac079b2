"""The module protocol: ``forward`` computes, ``backward`` accumulates gradients and passes one back.

A module keeps whatever its ``backward`` needs from the last ``forward``. Parameters are
:class:`Parameter` pairs (value, gradient) held as attributes, so ``param()`` can find them and an
optimizer can keep references to the pairs: moving a model to another dtype or device replaces the
tensors inside the pairs, and the optimizer follows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch

from minidl.core.config import Configurable, config_text, schema_of
from minidl.core.errors import CallOrderError, ConfigError


class Parameter:
    """A trainable tensor and its gradient accumulator; unpacks as ``(value, grad)``.

    The gradient is allocated (as zeros) on first use, so a model loaded only to predict costs one
    copy of its weights, not two.
    """

    __slots__ = ("_grad", "value")

    def __init__(self, value: torch.Tensor) -> None:
        self.value = value
        self._grad: torch.Tensor | None = None

    @property
    def grad(self) -> torch.Tensor:
        grad = self._grad
        if grad is None:
            grad = self._grad = torch.zeros_like(self.value)
        return grad

    @grad.setter
    def grad(self, value: torch.Tensor) -> None:
        self._grad = value

    def __iter__(self) -> Iterator[torch.Tensor]:
        yield self.value
        yield self.grad

    def __getitem__(self, index: int) -> torch.Tensor:
        return (self.value, self.grad)[index]

    def __len__(self) -> int:
        return 2

    def to(self, dtype: torch.dtype | None = None, device: torch.device | str | None = None) -> None:
        """Move value and gradient in place of the old tensors (the pair object stays the same)."""
        self.value = self.value.to(dtype=dtype, device=device)
        if self._grad is not None:
            self._grad = self._grad.to(dtype=dtype, device=device)

    def __repr__(self) -> str:
        return f"Parameter(shape={tuple(self.value.shape)}, dtype={self.value.dtype})"


_building = threading.local()

INIT_SHORTCUTS: dict[str, type] = {}
"""The names ``init_parameters`` accepts for an initializer ("default", "xavier", "he"), with their classes.

The components layer defines those classes and fills this table when it is imported: core cannot
import components, so the shortcuts resolve above it.
"""


@contextmanager
def no_init() -> Iterator[None]:
    """Build modules without initialising their parameters: for weights about to be overwritten (loading a file).

    Parameters made inside hold uninitialised memory until they are assigned.
    """
    previous = getattr(_building, "skip_init", False)
    _building.skip_init = True
    try:
        yield
    finally:
        _building.skip_init = previous


class Module(Configurable):
    """Base class of layers and networks.

    Subclasses write ``forward(*inputs)`` and ``backward(*grad_outputs)``; calling a module is its
    ``forward``. Parameters are :class:`Parameter` attributes; sub-modules are listed by ``children()``.
    ``named_parameters``, ``named_buffers`` and ``named_modules`` give them PyTorch's dotted names.
    """

    runtime_arguments = ("dtype", "device")
    training: bool
    buffer_names: tuple[str, ...] = ()
    """Attributes holding tensor state that is not trained but is saved and moved (running statistics)."""
    initializer: Any = None
    """The initializer object of the last ``init_parameters`` that reached this module (None: never called).

    Files read it to record how the weights were drawn, so a saved model trains again from the same draw.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.__call__ = cls.forward  # calling a module costs no extra Python frame

    def __init__(self) -> None:
        self.training = True

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, *grad_outputs: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    __call__ = forward

    # -- structure ---------------------------------------------------------------------------------
    def children(self) -> list[Module]:
        """Direct sub-modules, in order (none for a plain layer)."""
        return []

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, depth first."""
        yield self
        for child in self.children():
            yield from child.modules()

    def named_children(self) -> list[tuple[str, Module]]:
        """``(name, sub-module)`` for ``children()``, named as PyTorch names them: the attribute that holds the
        sub-module, else its index (a Sequential's are ``0``, ``1``, ...)."""
        attributes = {id(v): k for k, v in vars(self).items() if isinstance(v, Module)}
        return [(attributes.get(id(child), str(i)), child) for i, child in enumerate(self.children())]

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``) and every module below it, with dotted names (``0``, ``0.1``), depth first."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(_dotted(prefix, name))

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> list[tuple[str, Parameter]]:
        """``(dotted name, pair)`` for every parameter, named as PyTorch names them: this module's own by attribute
        (``weight``), then each sub-module's under its name (``0.weight``); ``recurse=False``: only its own."""
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        return [(_dotted(name, k), v) for name, m in modules for k, v in vars(m).items() if isinstance(v, Parameter)]

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> list[tuple[str, torch.Tensor]]:
        """``(dotted name, tensor)`` for every buffer (see ``buffer_names``), named like :meth:`named_parameters`."""
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        return [(_dotted(name, k), getattr(m, k)) for name, m in modules for k in m.buffer_names]

    def param(self) -> list[Parameter]:
        """Every (parameter, gradient) pair of this module and its sub-modules; empty when there are none."""
        return [p for _, p in self.named_parameters()]

    def placement(self) -> tuple[torch.dtype, torch.device]:
        """The dtype and device of the parameters (torch's defaults for a module without any)."""
        params = self.param()
        if not params:
            return torch.get_default_dtype(), torch.device("cpu")
        return params[0].value.dtype, params[0].value.device

    def zero_grad(self) -> None:
        """Reset every gradient accumulator to zero."""
        for p in self.param():
            p.grad.zero_()

    # -- modes ---------------------------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Switch this module and its sub-modules to training mode (``mode=False``: evaluation)."""
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode (e.g. Dropout becomes the identity)."""
        return self.train(False)

    @contextmanager
    def evaluating(self) -> Iterator[Module]:
        """Evaluation mode inside the block; afterwards every sub-module has the mode it had, even after an error."""
        modes = [(m, m.training) for m in self.modules()]
        self.eval()
        try:
            yield self
        finally:
            for m, training in modes:
                m.training = training

    # -- initialisation and placement ------------------------------------------------------------
    def init_parameters(self, method: Any = "default", gain: float | None = None) -> Module:
        """Re-initialise the parameters of every sub-module with an initializer, and remember it on each.

        ``method`` is an initializer object (one made by ``registry.create("initializer", ...)``, or
        ``minidl.HeNormal(gain=...)``) or one of the names in :data:`INIT_SHORTCUTS` (``"default"``,
        ``"xavier"``, ``"he"``, with ``gain``; see :func:`minidl.gain`). Inside :func:`no_init` nothing is
        drawn but the initializer is still remembered: the file that supplies the weights says it drew them.
        """
        initializer = _initializer(method, gain)
        if not getattr(_building, "skip_init", False):
            for m in self.modules():
                m.reset_parameters(initializer)
        for m in self.modules():
            m.initializer = initializer
        return self

    def reset_parameters(self, initializer: Any) -> None:
        """Initialise this module's own parameters (nothing to do for modules without any)."""

    def to(self, dtype: torch.dtype | None = None, device: torch.device | str | None = None) -> Module:
        """Move every parameter (and any tensor state a module keeps) to another dtype and/or device."""
        for p in self.param():
            p.to(dtype=dtype, device=device)
        for m in self.modules():
            for name, tensor in m.named_buffers(recurse=False):
                setattr(m, name, tensor.to(dtype=dtype if tensor.is_floating_point() else None, device=device))
        return self

    def double(self) -> Module:
        return self.to(dtype=torch.float64)

    def float(self) -> Module:
        return self.to(dtype=torch.float32)

    # -- display -------------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The configuration shown between the parentheses of ``repr``."""
        return config_text(self._live_values())

    def __repr__(self) -> str:
        children = self.children()
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        for i, child in enumerate(children):
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({i}): {body}")
        lines.append(")")
        return "\n".join(lines)


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _initializer(method: Any, gain: float | None) -> Any:
    """The initializer object ``init_parameters(method, gain)`` means."""
    if not isinstance(method, str):
        if gain is not None:
            raise ConfigError("init_parameters: pass gain to the initializer object, not beside it")
        if not callable(getattr(method, "fill", None)):
            raise ConfigError(
                f"init_parameters: expected an init method name or an initializer object, got {type(method).__name__}"
            )
        return method
    cls = INIT_SHORTCUTS.get(method)
    if cls is None:
        raise ConfigError(
            f"init_parameters: unknown init method {method!r}; expected one of {', '.join(INIT_SHORTCUTS)} "
            "or an initializer object (registry.create('initializer', ...))"
        )
    if gain is None:
        return cls()
    if not any(field.name == "gain" for field in schema_of(cls)):
        with_gain = [name for name, c in INIT_SHORTCUTS.items() if any(f.name == "gain" for f in schema_of(c))]
        raise ConfigError(
            f"init_parameters: the {method!r} method takes no gain (use {' or '.join(map(repr, with_gain))})"
        )
    return cls(gain=gain)


def require_forward(module: Module, saved: Any) -> None:
    """Raise the error for ``backward`` called without a preceding ``forward``."""
    if saved is None:
        raise CallOrderError(f"{type(module).__name__}.backward called before forward: call forward on a batch first")
