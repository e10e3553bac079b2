"""On a CUDA GPU (marker ``cuda``; skipped elsewhere): the float64 oracles, bf16 and TF32, CUDA graphs against
eager steps, and checkpoints crossing between the GPU and the CPU.

Run on a GPU machine with ``pytest -m cuda``. Nothing here is needed for CI on CPUs, where the same
logic is covered by the CPU tests (devices, precision, the graph step's eager path).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import minidl
from minidl.workflow.graph_step import GraphedStep, GraphFallback
from minidl.workflow.mixed_precision import Bf16Step
from tests.workflow.files.helpers import tiny_spec

pytestmark = pytest.mark.cuda

CUDA = torch.device("cuda", 0)


def spec(**changes: Any) -> dict[str, Any]:
    """200 training points in batches of 30: six full batches and a last one of 20 (eager in a graphed run)."""
    result = tiny_spec(epochs=4)
    result["training"]["batch_size"] = 30
    result["training"].update(changes)
    return result


def run(runtime: minidl.Runtime, eager_reference: bool = False, **changes: Any) -> minidl.Run:
    """A run that must not fall back; ``eager_reference``: its graph step runs every step eagerly instead."""
    result = minidl.Run(spec(**changes), runtime=runtime)
    if eager_reference:
        result.trainer.compiled_step.fallback = "the eager reference"
    with warnings.catch_warnings():
        warnings.simplefilter("error", GraphFallback)
        result.fit()
    return result


def weights(r: minidl.Run) -> list[torch.Tensor]:
    return [p.value.cpu() for p in r.model.param()]


def assert_same_bits(a: minidl.Run, b: minidl.Run) -> None:
    assert all(torch.equal(x, y) for x, y in zip(weights(a), weights(b)))
    assert [m.train_loss for m in a.history] == [m.train_loss for m in b.history]


# -- the maths on the GPU ------------------------------------------------------------------------------
@pytest.mark.parametrize("loss_name", ["cross-entropy", "mse"])
def test_float64_gradients_equal_autograds_on_the_gpu(loss_name: str) -> None:
    torch.manual_seed(0)
    ours = minidl.Sequential(
        minidl.Linear(2, 16), minidl.ReLU(), minidl.Linear(16, 16), minidl.Tanh(), minidl.Linear(16, 3)
    ).to(dtype=torch.float64, device=CUDA)
    theirs = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))
    theirs = theirs.to(dtype=torch.float64, device=CUDA)
    reference = dict(theirs.named_parameters())
    with torch.no_grad():
        for name, p in ours.named_parameters():
            reference[name].copy_(p.value)
    x = torch.randn(32, 2, dtype=torch.float64, device=CUDA)
    if loss_name == "mse":
        loss, torch_loss, target = minidl.MSELoss(), F.mse_loss, torch.randn(32, 3, dtype=torch.float64, device=CUDA)
    else:
        loss, torch_loss, target = minidl.CrossEntropyLoss(), F.cross_entropy, torch.randint(0, 3, (32,), device=CUDA)
    value = loss(ours(x), target)
    grad_x = ours.backward(loss.backward())
    x_ref = x.clone().requires_grad_()
    expected = torch_loss(theirs(x_ref), target)
    expected.backward()
    torch.testing.assert_close(value, expected.detach(), rtol=0, atol=1e-14)
    torch.testing.assert_close(grad_x, x_ref.grad, rtol=0, atol=1e-14)
    for name, p in ours.named_parameters():
        torch.testing.assert_close(p.grad, reference[name].grad, rtol=0, atol=1e-14)


def test_a_seed_gives_the_same_data_and_weights_on_the_gpu_as_on_the_cpu() -> None:
    cpu, gpu = (minidl.build_trainer(spec(), device=d, graphs=False) for d in ("cpu", "cuda"))
    assert torch.equal(cpu.data.train_x, gpu.data.train_x.cpu()) and torch.equal(cpu.data.test_y, gpu.data.test_y.cpu())
    assert all(torch.equal(a.value, b.value.cpu()) for a, b in zip(cpu.model.param(), gpu.model.param()))
    assert gpu.model.placement() == (torch.float32, CUDA) and gpu.data.train_x.device == CUDA


def test_auto_picks_the_gpu() -> None:
    assert minidl.build_trainer(spec(), device="auto").model.placement()[1] == CUDA


# -- CUDA graphs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("precision", ["float32", "bf16"])
@pytest.mark.parametrize(
    "optimizer",
    [
        {"component": "Adam", "config": {"lr": 0.01}},
        {"component": "SGD", "config": {"lr": 0.05, "momentum": 0.9, "nesterov": True}},
    ],
    ids=["adam", "sgd-nesterov"],
)
def test_replays_give_the_bits_of_the_same_steps_run_eagerly(precision: str, optimizer: dict) -> None:
    """Same kernels, same bits: a graphed run against its own step run eagerly (learning rate and step count read
    from device tensors on both sides), with a scheduler changing the learning rate and a smaller last batch."""
    scheduler = {"component": "ReduceLROnPlateau", "config": {"patience": 0, "factor": 0.5, "threshold": 0.5}}
    runtime = minidl.Runtime(device="cuda", precision=precision)
    graphed = run(runtime, optimizer=optimizer, scheduler=scheduler)
    eager = run(runtime, eager_reference=True, optimizer=optimizer, scheduler=scheduler)
    step = graphed.trainer.compiled_step
    assert isinstance(step, GraphedStep) and step.captures == 1 and step.fallback is None
    assert isinstance(step.step, Bf16Step) == (precision == "bf16")
    assert graphed.trainer.optimizer.steps == eager.trainer.optimizer.steps == 4 * 7
    assert graphed.trainer.optimizer.lr < optimizer["config"]["lr"]  # the scheduler lowered it
    assert_same_bits(graphed, eager)


def test_graphs_agree_with_plain_eager_steps_to_rounding() -> None:
    """Without graphs the learning rate is a Python number: other kernels, the same training to rounding."""
    graphed = run(minidl.Runtime(device="cuda"))
    plain = run(minidl.Runtime(device="cuda", graphs=False))
    assert plain.trainer.compiled_step is None
    for a, b in zip(weights(graphed), weights(plain)):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_a_change_between_epochs_captures_again() -> None:
    r = minidl.Run(spec(epochs=3), runtime=minidl.Runtime(device="cuda"))
    r.fit(1)
    optimizer = r.spec["training"]["optimizer"]
    r.change("optimizer", {**optimizer, "config": {**optimizer["config"], "betas": (0.8, 0.9)}})
    r.fit(1)
    r.change("batch_size", 40)
    r.fit(1)
    assert r.trainer.compiled_step.captures == 3 and r.trainer.compiled_step.fallback is None


def test_a_module_that_cannot_be_captured_falls_back_to_eager_with_a_notice() -> None:
    class Syncing(minidl.Module):
        """Reads a tensor's value in Python: a synchronisation, which capture refuses."""

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            self.largest = float(x.abs().max())
            return x

        def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
            return grad_output

    model = minidl.Sequential(minidl.Linear(2, 8), Syncing(), minidl.Linear(8, 2))
    trainer = minidl.build_trainer(spec(), model, device="cuda")
    with pytest.warns(GraphFallback, match="CUDA graphs are off"):
        trainer.fit(2)
    assert trainer.compiled_step.fallback and len(trainer.history) == 2 and trainer.model.placement()[1] == CUDA


def test_dropout_trains_in_a_graph() -> None:
    r = minidl.Run(tiny_spec(epochs=6, dropout=True), runtime=minidl.Runtime(device="cuda"))
    r.fit()
    assert r.trainer.compiled_step.captures == 1 and r.history[-1].train_loss < r.history[0].train_loss


# -- precision -------------------------------------------------------------------------------------------
def test_tf32_sets_cudas_matmul_mode_and_trains_like_float32() -> None:
    tf32 = run(minidl.Runtime(device="cuda", precision="tf32"))
    assert torch.backends.cuda.matmul.allow_tf32
    full = run(minidl.Runtime(device="cuda", precision="float32"))
    assert not torch.backends.cuda.matmul.allow_tf32
    assert abs(tf32.history[-1].test_error - full.history[-1].test_error) <= 0.05


def test_bf16_keeps_float32_weights_and_state_on_the_gpu() -> None:
    r = run(minidl.Runtime(device="cuda", precision="bf16"))
    assert r.model.placement() == (torch.float32, CUDA)
    assert {t.dtype for ts in r.trainer.optimizer.state.values() for t in ts or []} == {torch.float32}
    assert abs(r.history[-1].test_error - run(minidl.Runtime(device="cuda")).history[-1].test_error) <= 0.05


# -- files across devices --------------------------------------------------------------------------------
@pytest.mark.parametrize("first,then", [("cuda", "cpu"), ("cpu", "cuda"), ("cuda", "cuda")])
def test_a_checkpoint_resumes_on_any_device(tmp_path: Path, first: str, then: str) -> None:
    whole = run(minidl.Runtime(device=then, graphs=False))
    half = minidl.Run(spec(), runtime=minidl.Runtime(device=first, graphs=False))
    half.fit(2)
    half.save_checkpoint(tmp_path / "half.minidl")
    resumed = minidl.resume(tmp_path / "half.minidl", minidl.Runtime(device=then, graphs=False))
    assert resumed.model.placement()[1].type == then
    assert {t.device.type for ts in resumed.trainer.optimizer.state.values() for t in ts or []} == {then}
    resumed.fit()
    if first == then:
        assert_same_bits(whole, resumed)  # exact on one device
    else:
        for a, b in zip(weights(whole), weights(resumed)):  # other kernels: the same run to rounding
            torch.testing.assert_close(a, b, rtol=1e-3, atol=1e-4)


def test_dropout_on_the_gpu_resumes_bit_for_bit(tmp_path: Path) -> None:
    """The device generator is seeded at each epoch from the seed and the step count (``random_draws.py``)."""
    runtime = minidl.Runtime(device="cuda", graphs=False)
    whole = minidl.Run(tiny_spec(epochs=4, dropout=True), runtime=runtime)
    whole.fit()
    half = minidl.Run(tiny_spec(epochs=4, dropout=True), runtime=runtime)
    half.fit(2)
    half.save_checkpoint(tmp_path / "half.minidl")
    torch.cuda.manual_seed(12345)  # whatever the device generator holds now is overwritten at the next epoch
    resumed = minidl.resume(tmp_path / "half.minidl", runtime)
    resumed.fit()
    assert_same_bits(whole, resumed)


def test_load_puts_a_checkpoint_on_the_gpu(tmp_path: Path) -> None:
    r = run(minidl.Runtime(device="cpu"))
    r.save_checkpoint(tmp_path / "run.minidl")
    loaded = minidl.load(tmp_path / "run.minidl", device="cuda")
    assert loaded.model.placement()[1] == CUDA
    assert {t.device for ts in loaded.state.optimizer.state.values() for t in ts or []} == {CUDA}


def test_the_cli_trains_on_the_gpu_and_refuses_a_missing_index(tmp_path: Path, monkeypatch, capsys) -> None:
    from minidl.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["train", "--epochs", "2", "--device", "cuda", "--precision", "bf16"]) == 0
    capsys.readouterr()
    missing = f"cuda:{torch.cuda.device_count()}"
    assert main(["train", "--epochs", "1", "--device", missing, "--force"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"minidl: error: device '{missing}': no such GPU here") and len(err.splitlines()) == 1
