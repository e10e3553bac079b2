"""Every module's forward, input gradient and parameter gradients equal autograd's in float64."""

from __future__ import annotations

import itertools

import pytest
import torch

import minidl
from tests.conftest import assert_close


def torch_twin(module: minidl.Module) -> torch.nn.Module:
    """The torch.nn module computing the same function, with the same weights."""
    if isinstance(module, minidl.Sequential):
        return torch.nn.Sequential(*(torch_twin(m) for m in module))
    if isinstance(module, minidl.Linear):
        twin = torch.nn.Linear(
            module.in_features, module.out_features, bias=module.bias is not None, dtype=torch.float64
        )
        with torch.no_grad():
            twin.weight.copy_(module.weight.value)
            if module.bias is not None:
                twin.bias.copy_(module.bias.value)
        return twin
    if isinstance(module, minidl.Dropout):
        return torch.nn.Dropout(module.p)
    return {minidl.ReLU: torch.nn.ReLU, minidl.Tanh: torch.nn.Tanh}[type(module)]()


def twin_parameters(twin: torch.nn.Module) -> list[torch.Tensor]:
    return [p for p in twin.parameters()]


def check_against_autograd(module: minidl.Module, x: torch.Tensor, seed: int = 0) -> None:
    """Compare forward, input grad and every parameter grad with autograd on the twin."""
    twin = torch_twin(module)
    torch.manual_seed(seed)
    out = module.forward(x)
    upstream = torch.randn_like(out)
    grad_in = module.backward(upstream)
    xr = x.clone().requires_grad_(True)
    torch.manual_seed(seed)
    ref = twin(xr)
    ref.backward(upstream)
    assert_close(out, ref.detach(), what=f"{module!r} forward")
    assert_close(grad_in, xr.grad, what=f"{module!r} input gradient")
    ours = module.param()
    theirs = twin_parameters(twin)
    assert len(ours) == len(theirs)
    for i, (pair, ref_param) in enumerate(zip(ours, theirs)):
        assert_close(pair.grad, ref_param.grad, what=f"{module!r} parameter {i} gradient")


@pytest.mark.parametrize("batch", [1, 7, 64])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(batch: int, bias: bool) -> None:
    gen = torch.Generator().manual_seed(batch)
    n_in, n_out = (int(v) for v in torch.randint(1, 40, (2,), generator=gen))
    layer = minidl.Linear(n_in, n_out, bias=bias).double()
    check_against_autograd(layer, torch.randn(batch, n_in, dtype=torch.float64, generator=gen))


@pytest.mark.parametrize("cls", [minidl.ReLU, minidl.Tanh])
@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (32, 25)])
def test_activations(cls: type, shape: tuple[int, int]) -> None:
    x = torch.randn(*shape, dtype=torch.float64)
    x[0, 0] = 0.0  # ReLU's derivative at 0 is 0, as in PyTorch
    check_against_autograd(cls(), x)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.9])
def test_dropout_matches_torch_mask_for_mask(p: float) -> None:
    """Same seed, same mask: minidl draws its mask exactly as torch's dropout does."""
    check_against_autograd(minidl.Dropout(p), torch.randn(50, 20, dtype=torch.float64))


@pytest.mark.parametrize("depth,batch", [(1, 1), (4, 1), (8, 16), (12, 3)])
def test_deep_sequential(depth: int, batch: int) -> None:
    gen = torch.Generator().manual_seed(depth * 100 + batch)
    widths = [int(w) for w in torch.randint(1, 30, (depth + 1,), generator=gen)]
    layers: list[minidl.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        layers.append(minidl.Linear(a, b, bias=i % 3 != 2))
        if i < depth - 1:
            layers.append([minidl.ReLU(), minidl.Tanh()][i % 2])
    model = minidl.Sequential(*layers).double()
    check_against_autograd(model, torch.randn(batch, widths[0], dtype=torch.float64, generator=gen))


def test_dropout_in_sequential_training_mode() -> None:
    model = minidl.Sequential(minidl.Linear(4, 30), minidl.ReLU(), minidl.Dropout(0.4), minidl.Linear(30, 3)).double()
    check_against_autograd(model, torch.randn(10, 4, dtype=torch.float64), seed=7)
