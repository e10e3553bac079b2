"""Every module's forward, input and parameter gradients equal autograd's in float64 (through minidl.testing)."""

from __future__ import annotations

import itertools

import pytest
import torch

import minidl
from minidl.testing import check_against_reference, check_module


def torch_twin(module: minidl.Module) -> torch.nn.Module:
    """The torch.nn module computing the same function; the kit copies the weights over by name."""
    if isinstance(module, minidl.Sequential):
        return torch.nn.Sequential(*(torch_twin(m) for m in module))
    if isinstance(module, minidl.Linear):
        return torch.nn.Linear(module.in_features, module.out_features, bias=module.bias is not None).double()
    if isinstance(module, minidl.Dropout):
        return torch.nn.Dropout(module.p)
    return {minidl.ReLU: torch.nn.ReLU, minidl.Tanh: torch.nn.Tanh}[type(module)]()


@pytest.mark.parametrize(
    ("cls", "config", "reference", "modes"),
    [
        (minidl.Linear, {"in_features": 3, "out_features": 2}, lambda: torch.nn.Linear(3, 2), ("train", "eval")),
        (
            minidl.Linear,
            {"in_features": 3, "out_features": 2, "bias": False},
            lambda: torch.nn.Linear(3, 2, bias=False),
            ("train", "eval"),
        ),
        (minidl.ReLU, {}, torch.nn.ReLU, ("train", "eval")),
        (minidl.Tanh, {}, torch.nn.Tanh, ("train", "eval")),
        (minidl.Dropout, {"p": 0.3}, lambda: torch.nn.Dropout(0.3), ("eval",)),  # torch draws other masks in training
    ],
    ids=["Linear", "Linear-nobias", "ReLU", "Tanh", "Dropout"],
)
def test_builtin_modules_pass_the_kit(cls, config, reference, modes) -> None:
    """The same checks a plugin's modules go through: protocol, finite differences, autograd, init, wrong inputs."""
    check_module(cls, config, input_shape=(4, 3), reference=reference, reference_modes=modes)


@pytest.mark.parametrize("batch", [1, 7, 64])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(batch: int, bias: bool) -> None:
    gen = torch.Generator().manual_seed(batch)
    n_in, n_out = (int(v) for v in torch.randint(1, 40, (2,), generator=gen))
    layer = minidl.Linear(n_in, n_out, bias=bias).double()
    check_against_reference(layer, torch_twin(layer), torch.randn(batch, n_in, dtype=torch.float64, generator=gen))


@pytest.mark.parametrize("cls", [minidl.ReLU, minidl.Tanh])
@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (32, 25)])
def test_activations(cls: type, shape: tuple[int, int]) -> None:
    x = torch.randn(*shape, dtype=torch.float64)
    x[0, 0] = 0.0  # ReLU's derivative at 0 is 0, as in PyTorch
    check_against_reference(cls(), torch_twin(cls()), x)


@pytest.mark.parametrize("p", [0.0, 0.3, 0.9])
def test_dropout_matches_torch_mask_for_mask(p: float) -> None:
    """Same seed, same mask: minidl draws its mask exactly as torch's dropout does."""
    check_against_reference(minidl.Dropout(p), torch.nn.Dropout(p), torch.randn(50, 20, dtype=torch.float64))


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
    check_against_reference(model, torch_twin(model), torch.randn(batch, widths[0], dtype=torch.float64, generator=gen))


def test_dropout_in_sequential_training_mode() -> None:
    model = minidl.Sequential(minidl.Linear(4, 30), minidl.ReLU(), minidl.Dropout(0.4), minidl.Linear(30, 3)).double()
    check_against_reference(model, torch_twin(model), torch.randn(10, 4, dtype=torch.float64), seed=7)
