"""The CUDA-graph step's bookkeeping, on the CPU: its eager path (warm-up, smaller batches, fallback) reads the
learning rate and step count from device tensors and keeps the Python numbers true; and, with a stand-in
for ``torch.cuda``'s graphs, capture, replay, capturing again and falling back.

The stand-in runs the step during capture and then puts every tensor back (a real capture only records
kernels), and a replay runs the step again on the graph's input tensors. Real graphs need a GPU:
``test_cuda.py`` (marker ``cuda``) checks them bit for bit against the eager path.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import pytest
import torch

import minidl
from minidl.workflow.fast_step import slot_tensor, step_slots, train_step
from minidl.workflow.graph_step import WARMUP_STEPS, GraphedStep, GraphFallback, graphs_requested
from minidl.workflow.mixed_precision import Bf16Step
from minidl.workflow.steps import choose_step


def parts(seed: int = 0) -> tuple[minidl.Sequential, minidl.Loss, minidl.Optimizer]:
    torch.manual_seed(seed)
    model = minidl.Sequential(minidl.Linear(2, 8), minidl.Tanh(), minidl.Linear(8, 3))
    return model, minidl.CrossEntropyLoss(), minidl.Adam(model.param(), lr=0.01)


def eager_graph_step(model: minidl.Sequential, loss: minidl.Loss, optimizer: minidl.Optimizer) -> GraphedStep:
    step = GraphedStep(model, loss, optimizer, functools.partial(train_step, model, loss, optimizer))
    step.fallback = "testing the eager path"  # what a capture that failed leaves: every step eager
    return step


@pytest.mark.parametrize("bf16", [False, True], ids=["float32", "bf16"])
def test_the_eager_path_follows_the_learning_rate_and_counts_steps(bf16: bool) -> None:
    (model, loss, optimizer), (ref_model, ref_loss, ref_optimizer) = parts(), parts()
    step = eager_graph_step(model, loss, optimizer)
    if bf16:
        step.step = Bf16Step(model, loss, optimizer)
    reference = Bf16Step(ref_model, ref_loss, ref_optimizer) if bf16 else None
    x, target = torch.randn(50, 2), torch.randint(0, 3, (50,))
    for _ in range(2):  # epochs
        step.prepare()
        for xs, ts in zip(x.split(20), target.split(20)):  # 20, 20 and a last batch of 10
            step(xs, ts)
            if reference is None:
                train_step(ref_model, ref_loss, ref_optimizer, xs, ts)
            else:
                reference(xs, ts)
        optimizer.set_config(lr=0.005)  # as a scheduler does between epochs
        ref_optimizer.set_config(lr=0.005)
    assert optimizer.steps == ref_optimizer.steps == 6 and isinstance(optimizer.steps, int)
    for ours, theirs in zip(model.param(), ref_model.param()):
        torch.testing.assert_close(ours.value, theirs.value, rtol=1e-6, atol=1e-7)
    assert step._scalars[1].item() == 6 and step._scalars[0].item() == 0.005


def test_graphs_are_cuda_only_and_on_by_default_there() -> None:
    assert graphs_requested(None, torch.device("cuda", 0)) and not graphs_requested(None, torch.device("cpu"))
    assert not graphs_requested(False, torch.device("cuda", 0))
    model, loss, optimizer = parts()
    assert choose_step(model, loss, optimizer, compile=False, precision="float32", graphs=None) is None
    assert isinstance(choose_step(model, loss, optimizer, compile=False, precision="bf16", graphs=None), Bf16Step)
    with pytest.raises(minidl.ConfigError, match=r"^graphs: CUDA graphs need a CUDA device, this run is on cpu$"):
        choose_step(model, loss, optimizer, compile=None, precision="float32", graphs=True)


class StandInGraphs:
    """Just enough of ``torch.cuda`` for a GraphedStep on the CPU (streams, ``CUDAGraph``, ``graph``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.step: GraphedStep | None = None
        self.replays = 0
        for name, value in {
            "Stream": lambda device=None: self,
            "current_stream": lambda device=None: self,
            "stream": lambda stream: contextlib.nullcontext(),
            "CUDAGraph": lambda: self,
            "graph": self.capture,
        }.items():
            monkeypatch.setattr(torch.cuda, name, value)

    def wait_stream(self, other: object) -> None:
        pass

    @contextlib.contextmanager
    def capture(self, graph: object, capture_error_mode: str = "global") -> Iterator[None]:
        """Run the step, then put back every tensor it changed: a real capture executes nothing."""
        step = self.step
        tensors = [slot_tensor(holder, key) for holder, key in step_slots(step.model, step.optimizer)]
        tensors += [p.grad for p in step.model.param()] + list(step._scalars)
        saved = [t.clone() for t in tensors]
        yield
        for tensor, before in zip(tensors, saved):
            tensor.copy_(before)

    def replay(self) -> None:
        step = self.step
        with step.optimizer.tensor_scalars(*step._scalars):
            step.step(*step._static)
        self.replays += 1


def graphed_run(step: GraphedStep, epochs: int, batch_size: int, change: bool = False) -> None:
    """Epochs of a Trainer's loop on fixed data: 50 points, the last batch smaller; ``change``: new Adam betas and a
    lower learning rate after the first epoch, and another batch size after the second."""
    torch.manual_seed(5)
    x, target = torch.randn(50, 2), torch.randint(0, 3, (50,))
    for epoch in range(epochs):
        if change and epoch == 1:
            step.optimizer.set_config(betas=(0.8, 0.95), lr=0.004)
        if change and epoch == 2:
            batch_size -= 4
        step.prepare()
        for xs, ts in zip(x.split(batch_size), target.split(batch_size)):
            step(xs, ts)


@pytest.mark.parametrize("bf16", [False, True], ids=["float32", "bf16"])
def test_replays_equal_the_eager_steps_bit_for_bit(monkeypatch: pytest.MonkeyPatch, bf16: bool) -> None:
    stand_in = StandInGraphs(monkeypatch)
    steps = []
    for eager in (False, True):
        model, loss, optimizer = parts()
        inner = Bf16Step(model, loss, optimizer) if bf16 else functools.partial(train_step, model, loss, optimizer)
        steps.append(GraphedStep(model, loss, optimizer, inner))
        steps[-1].fallback = "the eager reference" if eager else None
        stand_in.step = steps[-1]
        graphed_run(steps[-1], epochs=4, batch_size=12, change=True)
    graphed, eager = steps
    assert graphed.captures == 3 and graphed.fallback is None  # the first; new betas; a new batch size
    assert stand_in.replays > 0 and graphed.optimizer.steps == eager.optimizer.steps == 5 + 5 + 7 + 7
    for ours, theirs in zip(graphed.model.param(), eager.model.param()):
        assert torch.equal(ours.value, theirs.value)


def test_a_component_changing_python_state_falls_back_with_a_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    class Counting(minidl.ReLU):
        calls = 0

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.calls += 1  # a replay would not count
            return super().forward(x)

    stand_in = StandInGraphs(monkeypatch)
    torch.manual_seed(0)
    model = minidl.Sequential(minidl.Linear(2, 8), Counting(), minidl.Linear(8, 3))
    loss, optimizer = minidl.CrossEntropyLoss(), minidl.SGD(model.param(), lr=0.1)
    stand_in.step = step = GraphedStep(model, loss, optimizer, functools.partial(train_step, model, loss, optimizer))
    with pytest.warns(GraphFallback, match=r"CUDA graphs are off \(Counting changes 'calls' in Python during a step\)"):
        graphed_run(step, epochs=1, batch_size=5)
    assert step.fallback and step.captures == 0 and stand_in.replays == 0
    assert model[1].calls == 10 + 1 and optimizer.steps == 10  # every batch ran, eagerly, and the capture's run
    assert WARMUP_STEPS < 10
