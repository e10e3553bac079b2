"""Numeric checks of a module's ``backward``: against central finite differences and against a PyTorch module.

Both use the scalar ``L = sum(forward(x) * R)`` for a fixed random ``R``, so ``backward(R)`` must return
``dL/dx`` and accumulate ``dL/dparameter`` into every parameter's gradient.
"""

from __future__ import annotations

from typing import Any

import torch

from minidl.core.module import Module
from minidl.testing._util import assert_close, kit_check, seeded_forward


def output_weights(shape: torch.Size, like: torch.Tensor, seed: int) -> torch.Tensor:
    """The fixed random ``R`` of the scalar ``L = sum(forward(x) * R)``; ``backward(R)`` is ``dL/dx``."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed + 1), dtype=like.dtype).to(like.device)


def analytic_gradients(module: Module, x: torch.Tensor, seed: int = 0) -> dict[str, torch.Tensor]:
    """Output, ``R``, input and parameter gradients of one forward and ``backward(R)`` (gradients zeroed first)."""
    with torch.no_grad():
        module.zero_grad()
        out = seeded_forward(module, x, seed)
        weights = output_weights(out.shape, x, seed)
        grads = {"output": out.clone(), "weights": weights, "input gradient": module.backward(weights).clone()}
        grads.update({f"gradient of parameter {name!r}": p.grad.clone() for name, p in module.named_parameters()})
    return grads


@kit_check
def check_finite_differences(
    module: Module, x: torch.Tensor, *, seed: int = 0, step: float = 1e-6, rtol: float = 1e-6, atol: float = 1e-8
) -> None:
    """Check the input gradient and every parameter gradient against float64 central differences.

    ``module`` and ``x`` must be float64; every element of ``x`` and of each parameter is perturbed in
    turn (two forwards each), so keep them small. Random modules are reseeded before every forward.
    """
    if x.dtype != torch.float64 or any(p.value.dtype != torch.float64 for p in module.param()):
        raise AssertionError("check_finite_differences needs a float64 module and input (call module.double())")
    name = f"{type(module).__name__} ({'train' if module.training else 'eval'} mode)"
    x = x.detach().clone()  # perturbed in place below; the caller's tensor stays untouched
    with torch.no_grad():
        analytic = analytic_gradients(module, x, seed)
        weights = analytic["weights"]

        def loss() -> float:
            return float((seeded_forward(module, x, seed) * weights).sum())

        tensors = [("input gradient", x)] + [
            (f"gradient of parameter {n!r}", p.value) for n, p in module.named_parameters()
        ]
        for what, tensor in tensors:
            numeric = torch.zeros_like(tensor).reshape(-1)
            flat = tensor.view(-1)
            for i in range(flat.numel()):
                original = flat[i].item()
                flat[i] = original + step
                plus = loss()
                flat[i] = original - step
                minus = loss()
                flat[i] = original
                numeric[i] = (plus - minus) / (2 * step)
            assert_close(
                analytic[what], numeric.view_as(tensor), f"{name}: {what} vs finite differences", atol=atol, rtol=rtol
            )


def copy_into_reference(module: Module, reference: Any) -> None:
    """Copy every parameter and buffer of ``module`` into the PyTorch module ``reference`` by dotted name."""
    ref_params = dict(reference.named_parameters())
    ref_buffers = dict(reference.named_buffers())
    for kind, mine, theirs in (
        ("parameter", module.named_parameters(), ref_params),
        ("buffer", module.named_buffers(), ref_buffers),
    ):
        for name, value in mine:
            tensor = value.value if kind == "parameter" else value
            if name not in theirs:
                raise AssertionError(
                    f"reference {type(reference).__name__} has no {kind} {name!r} (it has {sorted(theirs)})"
                )
            if theirs[name].shape != tensor.shape:
                raise AssertionError(
                    f"{kind} {name!r}: shape {tuple(tensor.shape)}, reference has {tuple(theirs[name].shape)}"
                )
            with torch.no_grad():
                theirs[name].copy_(tensor)
    missing = sorted(set(ref_params) - {n for n, _ in module.named_parameters()})
    if missing:
        raise AssertionError(f"{type(module).__name__} lacks the reference's parameters {missing}")


@kit_check
def check_against_reference(
    module: Module, reference: Any, x: torch.Tensor, *, seed: int = 0, atol: float = 1e-10
) -> None:
    """Compare forward, input gradient, parameter gradients and buffers with a PyTorch module under autograd.

    ``reference`` is a PyTorch ``nn.Module`` in the same dtype; it gets this module's weights, buffers
    and train/eval mode first. Use float64 for a tolerance like 1e-10.
    """
    name = f"{type(module).__name__} ({'train' if module.training else 'eval'} mode) vs {type(reference).__name__}"
    copy_into_reference(module, reference)
    reference.train(module.training)
    ours = analytic_gradients(module, x, seed)
    x_ref = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        torch.manual_seed(seed)
        out_ref = reference(x_ref)
        out_ref.backward(ours["weights"])
    assert_close(ours["output"], out_ref, f"{name}: output", atol=atol)
    assert_close(ours["input gradient"], x_ref.grad, f"{name}: input gradient", atol=atol)
    ref_params = dict(reference.named_parameters())
    for param_name, _ in module.named_parameters():
        what = f"gradient of parameter {param_name!r}"
        assert_close(ours[what], ref_params[param_name].grad, f"{name}: {what}", atol=atol)
    ref_buffers = dict(reference.named_buffers())
    for buffer_name, tensor in module.named_buffers():
        assert_close(tensor, ref_buffers[buffer_name], f"{name}: buffer {buffer_name!r} after forward", atol=atol)
