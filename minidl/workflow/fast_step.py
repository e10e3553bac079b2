"""The training step, eager and compiled into one C++ call.

``train_step`` is the step and the reference: the components' own forward, loss, backward, optimizer
update and zero-grad, one tensor operation after another. On a small network each operation costs a
dispatch (~2 us), not arithmetic, so ``CompiledStep`` runs that same function as one call: it traces it
once per batch shape on fake tensors (``make_fx``: the components' Python runs, no arithmetic happens),
TorchInductor compiles the graph of tensor operations (fused C++ loops, torch's own matrix products, a
C++ wrapper), and every step hands the live tensors to the compiled function.

A trace bakes Python values in; what it may bake in is checked, not assumed:
- tensors (weights, buffers, optimizer state, learning rate, step count) are inputs, read live;
- gradients are zero between steps (the step ends with zero-grad), so the graph starts from zeros
  and leaves ``Parameter.grad`` alone;
- plain Python values (configurations, train/eval mode) are constants: ``prepare()``, called between
  epochs, traces again when one changed;
- a component that changes Python state during a step, branches on a tensor's value, or reads tensors
  the step does not hand over cannot be compiled: steps then run eagerly and a ``CompileFallback``
  warning says which component and why.
"""

from __future__ import annotations

import copy
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import torch

from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.core.environment import switch
from minidl.core.errors import MinidlError
from minidl.core.module import Module, Parameter

INDUCTOR_OPTIONS = {
    "cpp_wrapper": True,  # the graph's glue in C++ too: one Python call per step
    "fallback_random": True,  # random operations (Dropout) draw from torch's generator, exactly as eagerly
}


def inductor_options() -> dict[str, Any]:
    """``INDUCTOR_OPTIONS``, plus, where this torch has it, the pass that turns matrix products with a single row
    (a batch of one) into fused loops instead of BLAS calls: 7 of the report net's 11 products, ~12% of a step."""
    from torch._inductor.fx_passes import split_cat

    if "decompose_mm_pass" not in getattr(split_cat, "POST_GRAD_PATTERNS", {}):
        return INDUCTOR_OPTIONS
    return {**INDUCTOR_OPTIONS, "post_grad_fusion_options": {"decompose_mm_pass": {}}}


class CompileFallback(UserWarning):
    """The compiled step cannot apply to these components; training goes on eagerly."""


def compile_requested(choice: bool | None) -> bool:
    """The caller's choice, or else the environment's: ``MINIDL_COMPILE=1`` compiles, unset or ``0`` does not."""
    return switch("MINIDL_COMPILE") if choice is None else choice


def train_step(model: Module, loss: Loss, optimizer: Optimizer, x: torch.Tensor, target: torch.Tensor) -> None:
    """One step on a batch: forward, loss, backward, optimizer update, zero gradients."""
    backpropagate(model, loss, x, target)
    optimizer.step()
    optimizer.zero_grad()


def backpropagate(model: Module, loss: Loss, x: torch.Tensor, target: torch.Tensor) -> None:
    """Forward and backward on a batch: every parameter's gradient accumulates the gradient of the batch's loss."""
    loss.forward(model.forward(x), target)
    model.backward(loss.backward())


class CompiledStep:
    """``train_step`` compiled for the first batch shape it meets; other shapes (a last, smaller batch) run eagerly.

    Call ``prepare()`` before a run of steps (the Trainer does, each epoch), then the object once per batch.
    The first step of a fresh optimizer (``steps == 0``) runs eagerly: it creates the optimizer's state;
    the next one traces and compiles (seconds; TorchInductor caches compiled graphs on disk).
    """

    def __init__(self, model: Module, loss: Loss, optimizer: Optimizer) -> None:
        self.model, self.loss, self.optimizer = model, loss, optimizer
        self.fallback: str | None = None
        """Why steps run eagerly, once known (``None`` while compiling is possible)."""
        self.compilations = 0
        """Graphs compiled so far: one per run, plus one whenever a traced Python value changes."""
        self._graph: Callable[..., Any] | None = None
        self._key: tuple = ()
        self._batch: tuple = ()
        self._inputs: tuple[torch.Tensor, ...] = ()
        self._lr = 0.0

    def prepare(self) -> None:
        """Read the live tensors and learning rate; drop the compiled graph if a traced Python value changed."""
        if self.fallback is not None:
            return
        self._collect_inputs()
        if self._graph is not None and self._signature() != self._key:
            self._graph = None
        torch._foreach_zero_([p.grad for p in self.model.param()])

    def __call__(self, x: torch.Tensor, target: torch.Tensor) -> None:
        """One step on a batch, through the compiled graph when it applies."""
        matches = self._graph is not None and tensor_layout(x) + tensor_layout(target) == self._batch
        if not matches and not self._compile(x, target):
            train_step(self.model, self.loss, self.optimizer, x, target)
            return
        optimizer = self.optimizer
        if optimizer.lr != self._lr:
            self._lr = optimizer.lr
            self._inputs[-2].fill_(self._lr)
        self._graph(*self._inputs, x, target)
        optimizer.steps += 1

    # -- compiling -----------------------------------------------------------------------------------
    def _compile(self, x: torch.Tensor, target: torch.Tensor) -> bool:
        """Trace and compile for this batch; False when this batch must run eagerly."""
        if self.fallback is not None or self._graph is not None or self.optimizer.steps == 0:
            return False
        why = self._unsupported()
        if why is None:
            self._collect_inputs()
            try:
                graph = self._trace(x, target)
            except MinidlError:
                raise  # a mistake in the batch or the components, found by their own checks as eagerly
            except Exception as error:  # whatever tracing or compiling raised: name it, then run eagerly
                why = describe_failure(error)
        if why is not None:
            self.fallback = why
            warnings.warn(f"minidl: the compiled step is off ({why}); training runs eagerly", CompileFallback, 3)
            return False
        self._graph, self._key = graph, self._signature()
        self._batch = tensor_layout(x) + tensor_layout(target)
        self.compilations += 1
        return True

    def _unsupported(self) -> str | None:
        if {id(p) for p in self.optimizer.params} != {id(p) for p in self.model.param()}:
            return f"{type(self.optimizer).__name__} does not update exactly the model's parameters"
        return None

    def _trace(self, x: torch.Tensor, target: torch.Tensor) -> Callable[..., Any]:
        """Trace ``train_step`` on a private copy of the components (sharing their tensors), then compile it."""
        import torch._inductor  # seconds to import: only when compiling
        from torch.fx.experimental.proxy_tensor import make_fx

        model, loss, optimizer = parts = _copy_sharing_tensors(self.model, self.loss, self.optimizer)
        objects = step_objects(*parts)
        before = [plain_values(o) for o in objects]
        problems: list[str] = []

        def step(*tensors: torch.Tensor) -> tuple[()]:
            *held, lr, steps, batch_x, batch_target = tensors
            slots = step_slots(model, optimizer)
            for (holder, key), tensor in zip(slots, held):
                _put(holder, key, tensor)
            for p in model.param():
                p.grad = torch.zeros_like(p.value)
            with optimizer.tensor_scalars(lr, steps):
                train_step(model, loss, optimizer, batch_x, batch_target)
            problems.extend(step_side_effects(slots, held, objects, before))
            return ()

        inputs = [*self._inputs, x, target]
        graph = make_fx(step, tracing_mode="fake")(*inputs)
        if problems:
            raise _Untraceable(problems[0])
        return torch._inductor.compile(graph, inputs, options=inductor_options())

    # -- what a step reads ---------------------------------------------------------------------------
    def _collect_inputs(self) -> None:
        _, device = self.model.placement()
        self._lr = self.optimizer.lr
        lr = torch.tensor(self._lr, dtype=torch.float64, device=device)
        steps = torch.tensor(float(self.optimizer.steps), dtype=torch.float64, device=device)
        held = (slot_tensor(holder, key) for holder, key in step_slots(self.model, self.optimizer))
        self._inputs = (*held, lr, steps)

    def _signature(self) -> tuple:
        """Each object's plain Python values (what a trace bakes in), and the layout of every input tensor."""
        plain = [(type(o), id(o), plain_values(o)) for o in step_objects(self.model, self.loss, self.optimizer)]
        return (*plain, tuple(tensor_layout(t) for t in self._inputs[:-2]))


class _Untraceable(Exception):
    """The trace ran but would not match the eager step (the message says why)."""


def describe_failure(error: Exception) -> str:
    """``Component: what went wrong`` in one line, naming the innermost component the error came from."""
    if isinstance(error, _Untraceable):
        return str(error)
    frames = [frame.f_locals.get("self") for frame, _ in traceback.walk_tb(error.__traceback__)]
    culprit = next((o for o in reversed(frames) if isinstance(o, (Module, Loss, Optimizer))), None)
    where = "" if culprit is None else f"{type(culprit).__name__}: "
    what = f"{type(error).__name__}: {(str(error).strip().splitlines() or [''])[0][:200]}"
    if "DataDependent" in type(error).__name__:
        what = f"reads a tensor's value in Python (bool(), float(), .item(), if on a tensor): {what}"
    return where + what


def step_objects(model: Module, loss: Loss, optimizer: Optimizer) -> list[Any]:
    return [*model.modules(), loss, optimizer]


def step_slots(model: Module, optimizer: Optimizer) -> list[tuple[Any, Any]]:
    """Where the step's persistent tensors live: parameter values, module buffers, optimizer state."""
    slots: list[tuple[Any, Any]] = [(p, "value") for p in model.param()]
    slots += [(m, name) for m in model.modules() for name, _ in m.named_buffers(recurse=False)]
    for buffers in optimizer.state.values():
        slots += [(buffers, i) for i in range(len(buffers or ()))]
    return slots


def _copy_sharing_tensors(model: Module, loss: Loss, optimizer: Optimizer) -> tuple[Module, Loss, Optimizer]:
    """A deep copy of the components sharing their tensors: the trace swaps tensors in the copy, not the originals."""
    held = [vars(o) for o in step_objects(model, loss, optimizer)] + [(p.value, p.grad) for p in model.param()]
    memo = {id(t): t for t in _tensors_in(held)}
    return copy.deepcopy((model, loss, optimizer), memo)


def _tensors_in(value: Any) -> Iterator[torch.Tensor]:
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _tensors_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _tensors_in(item)


_PLAIN = (bool, int, float, str)
_MISSING = object()


def plain_values(o: Any) -> dict[str, Any]:
    """Attributes holding plain data (numbers, strings, tuples of them); ``steps`` and the learning rate are inputs."""
    skip = ("steps", "lr") if isinstance(o, Optimizer) else ()
    return {
        k: v
        for k, v in vars(o).items()
        if k not in skip and (isinstance(v, _PLAIN) or (isinstance(v, tuple) and all(isinstance(i, _PLAIN) for i in v)))
    }


def tensor_layout(t: torch.Tensor) -> tuple:
    """What a compiled graph assumes of a tensor besides its values."""
    return (t.shape, t.stride(), t.dtype, t.device)


def slot_tensor(holder: Any, key: Any) -> torch.Tensor:
    return holder[key] if isinstance(holder, list) else getattr(holder, key)


def _put(holder: Any, key: Any, value: torch.Tensor) -> None:
    if isinstance(holder, list):
        holder[key] = value
    else:
        setattr(holder, key, value)


def step_side_effects(
    slots: list[tuple[Any, Any]], held: list[torch.Tensor], objects: list[Any], before: list[dict[str, Any]]
) -> list[str]:
    """What a step did that a compiled or captured step cannot repeat: tensors in ``slots`` that are no longer the
    ``held`` ones, and plain Python values of ``objects`` that differ from ``before``."""
    replaced = [
        f"{_owner(holder)} replaces its tensor {key!r} during a step instead of updating it in place"
        for (holder, key), tensor in zip(slots, held)
        if slot_tensor(holder, key) is not tensor
    ]
    return replaced + [
        f"{type(o).__name__} changes {name!r} in Python during a step"
        for o, old in zip(objects, before)
        for name in sorted({name for name, _ in plain_values(o).items() ^ old.items()})
    ]


def _owner(holder: Any) -> str:
    if isinstance(holder, list):
        return "the optimizer's state"
    return "a parameter" if isinstance(holder, Parameter) else type(holder).__name__
