"""Oracle checks for optimizers and schedulers: step for step against ``torch.optim`` in float64.

The caller passes the PyTorch counterpart (minidl itself never imports ``torch.optim``), and the
checks also verify that ``state_dict``/``load_state_dict`` continue a run exactly.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch

from minidl.components.optim import SGD, Optimizer
from minidl.components.optim.optimizer import held_tensors, replaced_by_step
from minidl.components.schedulers import Scheduler
from minidl.core.module import Parameter
from minidl.testing._util import assert_close, kit_check
from minidl.testing.modules import check_config_roundtrip


def _gradient(step: int, value: torch.Tensor, seed: int) -> torch.Tensor:
    """A gradient that depends on the weights (a pull towards 1) plus noise fixed by ``step``.

    Trajectories that differ once stay apart."""
    noise = torch.randn(value.shape, generator=torch.Generator().manual_seed(seed * 100_003 + step), dtype=value.dtype)
    return (value - 1.0) + 0.5 * noise.to(value.device)


@kit_check
def check_optimizer(
    cls: type[Optimizer],
    config: Mapping[str, Any],
    reference: Callable[[list[torch.Tensor]], Any],
    *,
    steps: int = 50,
    shapes: Sequence[tuple[int, ...]] = ((4, 3), (3,), (1,)),
    seed: int = 0,
    device: str | torch.device = "cpu",
    atol: float = 1e-10,
) -> None:
    """Run ``cls(params, **config)`` and ``reference(tensors)`` side by side,
    e.g. ``reference=lambda p: optim.AdamW(p, lr=0.01)`` with torch's ``optim`` imported in the test.

    Where torch has no such optimizer (Lion, say), the reference can be the author's own, written in the
    test from the paper's formula: any object with torch.optim's interface, a ``param_groups`` list of dicts
    holding ``"lr"`` and a ``step()`` that updates the tensors from their ``.grad`` (subclassing
    PyTorch's ``Optimizer`` base class gives both).

    Both get the same float64 start and the same gradients for ``steps`` steps; the learning rate is
    halved on both half way through. Weights must agree to ``atol`` after every step. A copy restored
    from ``state_dict()`` half way must then follow the original exactly, and the configuration must
    survive ``from_config`` and be read from the live optimizer (:func:`check_config_roundtrip`). Steps must
    update the tensors in place, and work on 0-d tensor scalars as compiled steps run them
    (:func:`check_tensor_scalars`).
    """
    name = cls.__name__
    generator = torch.Generator().manual_seed(seed)
    start = [torch.randn(shape, generator=generator, dtype=torch.float64).to(device) for shape in shapes]
    params = [Parameter(t.clone()) for t in start]
    optimizer = cls(params, **config)
    check_config_roundtrip(optimizer, config, [Parameter(t.clone()) for t in start])
    check_tensor_scalars(cls, config, seed=seed)
    tensors = [t.clone().requires_grad_(True) for t in start]
    torch_optimizer = reference(tensors)
    if not isinstance(getattr(torch_optimizer, "param_groups", None), list) or not callable(
        getattr(torch_optimizer, "step", None)
    ):
        raise AssertionError(
            f"check_optimizer: reference(params) gave a {type(torch_optimizer).__name__}, without torch.optim's "
            "interface: a param_groups list of dicts holding 'lr', and step() updating the tensors from .grad"
        )
    resumed: tuple[list[Parameter], Optimizer] | None = None
    for step in range(1, steps + 1):
        if step == steps // 2:
            optimizer.set_config(lr=optimizer.lr / 2)
            for group in torch_optimizer.param_groups:
                group["lr"] = group["lr"] / 2
            copies = [Parameter(p.value.clone()) for p in params]
            resumed = (copies, cls(copies, **config))
            resumed[1].load_state_dict(optimizer.state_dict())
        runs = [(params, optimizer)] + ([resumed] if resumed else [])
        with torch.no_grad():
            for run_params, run_optimizer in runs:
                for p in run_params:
                    p.grad.copy_(_gradient(step, p.value, seed))
                held = held_tensors(run_params)
                run_optimizer.step()
                replaced = replaced_by_step(run_optimizer, run_params, held)
                if replaced:
                    raise AssertionError(f"check_optimizer: {name}.{replaced} (step {step})")
                run_optimizer.zero_grad()
        for t in tensors:
            t.grad = _gradient(step, t.detach(), seed)
        torch_optimizer.step()
        for i, (p, t) in enumerate(zip(params, tensors)):
            assert_close(
                p.value, t, f"{name}: parameter {i} after step {step} vs {type(torch_optimizer).__name__}", atol=atol
            )
            if resumed:
                assert_close(
                    resumed[0][i].value,
                    p.value,
                    f"{name}: parameter {i} after step {step} of a run restored from state_dict",
                    atol=0.0,
                )


@kit_check
def check_tensor_scalars(
    cls: type[Optimizer],
    config: Mapping[str, Any],
    *,
    steps: int = 12,
    shapes: Sequence[tuple[int, ...]] = ((4, 3), (3,)),
    seed: int = 0,
) -> None:
    """Steps that read ``lr`` and ``steps`` as 0-d tensors (``Optimizer.tensor_scalars``, as the compiled step and
    CUDA graphs run them) must give the weights of steps reading Python numbers, the learning rate changed half way.

    An update written as ``torch._foreach_addcdiv_(values, grads, denom, -self.lr)`` fails here: torch takes only
    a number there; ``scale_addcdiv_`` and ``scale_add_`` from ``minidl.plugin`` take either.
    """
    name = cls.__name__
    generator = torch.Generator().manual_seed(seed)
    start = [torch.randn(shape, generator=generator, dtype=torch.float64) for shape in shapes]
    plain = cls([Parameter(t.clone()) for t in start], **config)
    traced = cls([Parameter(t.clone()) for t in start], **config)
    lr = torch.tensor(plain.lr, dtype=torch.float64)
    count = torch.tensor(0.0, dtype=torch.float64)
    for step in range(1, steps + 1):
        if step == steps // 2:
            plain.set_config(lr=plain.lr / 2)
            lr.fill_(plain.lr)
        for optimizer in (plain, traced):
            for p in optimizer.params:
                p.grad.copy_(_gradient(step, p.value, seed))
        plain.step()
        try:
            with traced.tensor_scalars(lr, count):
                traced.step()
        except Exception as error:
            raise AssertionError(
                f"check_tensor_scalars: {name}.step with lr and steps as 0-d tensors (as a compiled step runs it) "
                f"raised {type(error).__name__}: {error}; use scale_add_ / scale_addcdiv_ from minidl.plugin for "
                "updates scaled by the learning rate, and only tensor arithmetic on self.lr and self.steps"
            ) from error
        traced.steps += 1  # the caller advances the Python count, as the compiled step does
        for i, (a, b) in enumerate(zip(plain.params, traced.params)):
            assert_close(
                b.value,
                a.value,
                f"{name}: parameter {i} after step {step} with lr and steps as 0-d tensors",
                atol=1e-12,
                rtol=1e-12,
            )
        plain.zero_grad()
        traced.zero_grad()


@kit_check
def check_scheduler(
    cls: type[Scheduler],
    config: Mapping[str, Any],
    reference: Callable[[Any], Any],
    *,
    reference_optimizer: Callable[..., Any],
    epochs: int = 40,
    lr: float = 0.1,
    metrics: Sequence[float] | None = None,
    atol: float = 1e-12,
) -> None:
    """Compare learning rates of ``cls(optimizer, **config)`` with ``reference(torch_optimizer)`` epoch by epoch.

    ``reference_optimizer`` is a ``torch.optim`` class (or factory) called as ``reference_optimizer(params, lr=lr)``,
    e.g. ``optim.SGD`` (torch's ``optim``, imported in the test); ``reference`` builds the torch scheduler on it, e.g.
    ``lambda o: optim.lr_scheduler.StepLR(o, step_size=3)``. Each epoch both step with the metric
    (a reference that does not take one steps without it). Half way, a copy restored from the
    schedulers' and optimizer's ``state_dict()`` must continue with exactly the same rates.
    """
    name = cls.__name__
    metrics = (
        list(metrics) if metrics is not None else [max(1.0 - 0.05 * i, 0.4) + 0.01 * (i % 3) for i in range(epochs)]
    )
    if len(metrics) < epochs:
        raise AssertionError(f"check_scheduler: {len(metrics)} metrics for {epochs} epochs")
    optimizer = SGD([Parameter(torch.zeros(1, dtype=torch.float64))], lr=lr)
    scheduler = cls(optimizer, **config)
    check_config_roundtrip(scheduler, config, optimizer)
    torch_optimizer = reference_optimizer([torch.zeros(1, dtype=torch.float64, requires_grad=True)], lr=lr)
    torch_scheduler = reference(torch_optimizer)
    takes_metric = "metrics" in inspect.signature(torch_scheduler.step).parameters
    resumed: tuple[SGD, Scheduler] | None = None
    for epoch in range(epochs + 1):
        expected = torch_optimizer.param_groups[0]["lr"]
        what = f"{name}: learning rate after {epoch} steps vs {type(torch_scheduler).__name__}"
        assert_close(
            torch.tensor(optimizer.lr, dtype=torch.float64),
            torch.tensor(expected, dtype=torch.float64),
            what,
            atol=atol,
            rtol=1e-12,
        )
        if resumed and resumed[0].lr != optimizer.lr:
            raise AssertionError(
                f"{name}: learning rate after {epoch} steps of a run restored from state_dict is {resumed[0].lr}, "
                f"expected {optimizer.lr}"
            )
        if epoch == epochs:
            break
        if epoch == epochs // 2:
            copy = SGD([Parameter(torch.zeros(1, dtype=torch.float64))], lr=lr)
            copy.load_state_dict(optimizer.state_dict())
            resumed = (copy, cls(copy, **config))
            resumed[1].load_state_dict(scheduler.state_dict())
        for run in [scheduler] + ([resumed[1]] if resumed else []):
            run.step(metrics[epoch])
        torch_optimizer.step()
        if takes_metric:
            torch_scheduler.step(metrics[epoch])
        else:
            torch_scheduler.step()
