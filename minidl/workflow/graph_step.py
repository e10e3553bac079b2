"""A training step captured once in a CUDA graph and replayed per batch: one launch instead of ~40 per step.

On a small network a GPU waits on Python between kernel launches. ``GraphedStep`` runs the eager step
(``train_step`` or the bf16 step) for a few warm-up batches on a side stream, then captures one whole
step (forward, loss, backward, optimizer update, zero-grad) for that batch shape with
``torch.cuda.graph`` and replays it for every later batch of the same shape, after copying the batch
into the graph's input tensors. Another shape (a last, smaller batch) runs eagerly.

What a replay reads is what capture saw, so, as for the compiled step (``fast_step.py``):
- the learning rate and step count are 0-d tensors on the device (``Optimizer.tensor_scalars``),
  refilled when the Python numbers changed (a scheduler, an eager step, a loaded state);
- the weights, buffers and optimizer state must stay the same tensors: ``prepare()``, called between
  epochs, captures again when one was replaced or a plain Python value (a configuration) changed;
- a component that changes Python state during a step, or does what capture forbids (reads a tensor's
  value in Python, copies to the CPU, synchronises), cannot be replayed: steps then run eagerly and a
  ``GraphFallback`` warning says which component and why.
Replays run the same kernels on the same values as eager steps, so they give the same bits; random
draws (Dropout) come from the device generator at other offsets, equal in distribution, not in bits.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import torch

from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.core.errors import MinidlError
from minidl.core.module import Module
from minidl.workflow.fast_step import (
    describe_failure,
    plain_values,
    slot_tensor,
    step_objects,
    step_side_effects,
    step_slots,
    tensor_layout,
)

WARMUP_STEPS = 3
"""Eager steps on a side stream before capture: they create the optimizer's state and the libraries' workspaces."""

Step = Callable[[torch.Tensor, torch.Tensor], None]


class GraphFallback(UserWarning):
    """A CUDA graph cannot replay these components' step; training goes on eagerly."""


def graphs_requested(choice: bool | None, device: torch.device) -> bool:
    """The caller's choice, else on for CUDA devices (the only ones with graphs)."""
    return device.type == "cuda" if choice is None else choice


class GraphedStep:
    """``step`` (an eager step of ``model``, ``loss`` and ``optimizer``) captured for the first full batch shape.

    Call ``prepare()`` before a run of steps (the Trainer does, each epoch), then the object once per batch.
    Every step, replayed or eager (warm-up, a smaller batch, a fallback), reads the learning rate and step
    count from the same device tensors, so all of them run the same kernels.
    """

    def __init__(self, model: Module, loss: Loss, optimizer: Optimizer, step: Step) -> None:
        self.model, self.loss, self.optimizer, self.step = model, loss, optimizer, step
        self.fallback: str | None = None
        """Why steps run eagerly, once known (``None`` while capturing is possible)."""
        self.captures = 0
        """Graphs captured so far: one per run, plus one whenever a captured tensor or Python value changes."""
        self._graph: torch.cuda.CUDAGraph | None = None
        self._key: tuple = ()
        self._batch: tuple = ()
        self._static: tuple[torch.Tensor, torch.Tensor] = ()
        self._scalars: tuple[torch.Tensor, torch.Tensor] = ()
        self._lr, self._steps = 0.0, -1  # the values the device tensors hold
        self._warm = 0
        self._rows = 0  # the largest batch of this epoch so far: the shape worth capturing

    def prepare(self) -> None:
        """Before an epoch: drop the graph when a tensor it reads was replaced or a plain Python value it baked in
        changed; the epoch's first batch is the full one (captured again if the batch size changed)."""
        inner = getattr(self.step, "prepare", None)
        if inner is not None:
            inner()
        if self._graph is not None and self._signature() != self._key:
            self._graph = None
        self._rows = 0

    def __call__(self, x: torch.Tensor, target: torch.Tensor) -> None:
        """One step on a batch: a replay when the graph fits it, else eager (warm-up, other shapes, fallback)."""
        full = x.shape[0] >= self._rows  # not the last, smaller batch of an epoch
        self._rows = max(self._rows, x.shape[0])
        if self._graph is not None and tensor_layout(x) + tensor_layout(target) == self._batch:
            self._replay(x, target)
            return
        if full and self.fallback is None:
            if self._warm < WARMUP_STEPS:
                self._warm_up(x, target)
                return
            if self._capture(x, target):
                return
        self._eager(x, target)

    def _eager(self, x: torch.Tensor, target: torch.Tensor) -> None:
        with self.optimizer.tensor_scalars(*self._device_scalars(x.device)):
            self.step(x, target)
        self._counted()

    def _replay(self, x: torch.Tensor, target: torch.Tensor) -> None:
        self._device_scalars(x.device)
        static_x, static_target = self._static
        static_x.copy_(x)
        static_target.copy_(target)
        self._graph.replay()
        self._counted()

    def _device_scalars(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        """The learning rate and step count as 0-d device tensors, refilled where the Python numbers changed."""
        optimizer = self.optimizer
        if not self._scalars:
            self._scalars = (
                torch.zeros((), dtype=torch.float64, device=device),
                torch.zeros((), dtype=torch.float64, device=device),
            )
        lr, steps = self._scalars
        if optimizer.lr != self._lr:
            self._lr = optimizer.lr
            lr.fill_(self._lr)
        if optimizer.steps != self._steps:
            self._steps = optimizer.steps
            steps.fill_(float(self._steps))
        return self._scalars

    def _counted(self) -> None:
        """The step counted itself on the device; ``tensor_scalars`` gave the Python count back: count it there too."""
        self.optimizer.steps += 1
        self._steps = self.optimizer.steps

    def _warm_up(self, x: torch.Tensor, target: torch.Tensor) -> None:
        """A real step, on a side stream, as torch's CUDA-graph notes ask before capture."""
        stream = torch.cuda.Stream(x.device)
        stream.wait_stream(torch.cuda.current_stream(x.device))
        with torch.cuda.stream(stream):
            self._eager(x, target)
        torch.cuda.current_stream(x.device).wait_stream(stream)
        self._warm += 1

    # -- capturing -----------------------------------------------------------------------------------
    def _capture(self, x: torch.Tensor, target: torch.Tensor) -> bool:
        """Capture one step on copies of this batch and replay it for this batch; False when it must run eagerly."""
        optimizer = self.optimizer
        static = x.clone(), target.clone()
        scalars = self._device_scalars(x.device)
        objects = step_objects(self.model, self.loss, optimizer)
        before = [plain_values(o) for o in objects]
        slots = step_slots(self.model, optimizer)
        held = [slot_tensor(holder, key) for holder, key in slots]
        graph = torch.cuda.CUDAGraph()
        try:
            # thread_local: another thread's CUDA work (the TUI draws a boundary) may go on during capture
            with torch.cuda.graph(graph, capture_error_mode="thread_local"), optimizer.tensor_scalars(*scalars):
                self.step(*static)
        except MinidlError:
            raise  # a mistake in the batch or the components, found by their own checks as eagerly
        except Exception as error:  # whatever capture refused: name it, then run eagerly
            return self._give_up(describe_failure(error))
        problems = step_side_effects(slots, held, objects, before)
        if problems:
            return self._give_up(problems[0])
        self._graph, self._static = graph, static
        self._batch = tensor_layout(x) + tensor_layout(target)
        self._key = self._signature()
        self.captures += 1
        self._replay(x, target)
        return True

    def _give_up(self, why: str) -> bool:
        self.fallback = why
        warnings.warn(f"minidl: CUDA graphs are off ({why}); training runs eagerly", GraphFallback, 4)
        return False

    def _signature(self) -> tuple:
        """Each object's plain Python values and the identity and layout of every tensor the graph reads."""
        plain = [(id(o), plain_values(o)) for o in step_objects(self.model, self.loss, self.optimizer)]
        tensors = [slot_tensor(holder, key) for holder, key in step_slots(self.model, self.optimizer)]
        return (*plain, tuple((t.data_ptr(), *tensor_layout(t)) for t in tensors))
