"""The CUDA-graph step's bookkeeping, on the CPU: its eager path (warm-up, smaller batches, fallback) reads the
learning rate and step count from device tensors and keeps the Python numbers true.

Capture and replay themselves need a GPU: ``test_cuda.py`` (marker ``cuda``) checks them bit for bit
against this eager path.
"""

from __future__ import annotations

import functools

import pytest
import torch

import minidl
from minidl.workflow.fast_step import train_step
from minidl.workflow.graph_step import GraphedStep, graphs_requested
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
