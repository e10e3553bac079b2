"""SGD and Adam parameter trajectories equal torch.optim's to 1e-10 over 60 steps (float64)."""

from __future__ import annotations

import pytest
import torch

import minidl
from tests.conftest import assert_close

STEPS = 60


def fake_gradient(value: torch.Tensor, step: int) -> torch.Tensor:
    """A deterministic, parameter-dependent gradient, the same for both sides."""
    return torch.sin(value * (1 + step % 5)) + 0.1 * value


def run_both(make_ours, make_theirs, lr_changes: dict[int, float] | None = None) -> None:
    shapes = [(5, 3), (5,), (1, 1), (4, 4)]
    start = [torch.randn(*s, dtype=torch.float64) for s in shapes]
    pairs = [minidl.Parameter(t.clone()) for t in start]
    leaves = [t.clone().requires_grad_(True) for t in start]
    ours, theirs = make_ours(pairs), make_theirs(leaves)
    for step in range(STEPS):
        if lr_changes and step in lr_changes:
            ours.lr = lr_changes[step]
            for group in theirs.param_groups:
                group["lr"] = lr_changes[step]
        for pair, leaf in zip(pairs, leaves):
            pair.grad.copy_(fake_gradient(pair.value, step))
            leaf.grad = fake_gradient(leaf.detach(), step)
        ours.step()
        theirs.step()
        for i, (pair, leaf) in enumerate(zip(pairs, leaves)):
            assert_close(pair.value, leaf.detach(), what=f"step {step} parameter {i}")


SGD_CASES = [
    dict(lr=0.1),
    dict(lr=0.05, momentum=0.9),
    dict(lr=0.05, momentum=0.9, nesterov=True),
    dict(lr=0.05, momentum=0.5, dampening=0.3),
    dict(lr=0.05, momentum=0.9, weight_decay=1e-2),
    dict(lr=0.05, momentum=0.9, weight_decay=1e-2, nesterov=True),
    dict(lr=0.1, weight_decay=0.1),
]


@pytest.mark.parametrize("config", SGD_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_sgd(config: dict) -> None:
    run_both(lambda p: minidl.SGD(p, **config), lambda p: torch.optim.SGD(p, **config), lr_changes={30: 0.01})


ADAM_CASES = [
    dict(lr=1e-3),
    dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6),
    dict(lr=1e-2, weight_decay=1e-2),
    dict(lr=5e-3, betas=(0.0, 0.5), weight_decay=0.1),
]


@pytest.mark.parametrize("config", ADAM_CASES, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_adam(config: dict) -> None:
    run_both(lambda p: minidl.Adam(p, **config), lambda p: torch.optim.Adam(p, **config), lr_changes={25: 1e-4})


@pytest.mark.parametrize(
    "make",
    [
        lambda p: minidl.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        lambda p: minidl.Adam(p, lr=0.01, weight_decay=0.1),
    ],
    ids=["sgd", "adam"],
)
def test_state_dict_continues_the_same_trajectory(make) -> None:
    """Stop after 20 steps, copy the state into a fresh optimizer on copied parameters: same next steps."""
    pairs = [
        minidl.Parameter(torch.randn(4, 3, dtype=torch.float64)),
        minidl.Parameter(torch.randn(3, dtype=torch.float64)),
    ]
    first = make(pairs)
    for step in range(20):
        for p in pairs:
            p.grad.copy_(fake_gradient(p.value, step))
        first.step()
    copies = [minidl.Parameter(p.value.clone()) for p in pairs]
    second = make(copies)
    second.load_state_dict(first.state_dict())
    for step in range(20, 40):
        for p, q in zip(pairs, copies):
            p.grad.copy_(fake_gradient(p.value, step))
            q.grad.copy_(fake_gradient(q.value, step))
        first.step()
        second.step()
    for p, q in zip(pairs, copies):
        assert torch.equal(p.value, q.value)


def test_lr_is_readable_and_writable_and_validated() -> None:
    opt = minidl.SGD([minidl.Parameter(torch.zeros(2))], lr=0.1)
    assert opt.lr == 0.1
    opt.lr = 0.5
    assert opt.lr == 0.5 and opt.get_config()["lr"] == 0.5
    with pytest.raises(minidl.ConfigError, match="learning rate must be a number >= 0"):
        opt.lr = -1.0
    with pytest.raises(minidl.ConfigError, match=r"SGD: parameter 'lr'.*>= 0"):
        minidl.SGD([minidl.Parameter(torch.zeros(2))], lr=-0.1)
    with pytest.raises(minidl.ConfigError, match=r"Adam: parameter 'betas'"):
        minidl.Adam([minidl.Parameter(torch.zeros(2))], betas=(0.9, 1.5))
