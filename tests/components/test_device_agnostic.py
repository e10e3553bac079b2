"""No code assumes the CPU: every op follows its inputs' device (checked on torch's "meta" device).

A tensor made on the CPU by mistake (``torch.zeros(n)`` without ``device=``) would meet a meta tensor
and fail, so a full forward, backward, loss and optimizer step on meta tensors proves placement is
taken from the inputs. No GPU is needed for this check.
"""

from __future__ import annotations

import pytest
import torch

import minidl

META = torch.device("meta")


def network() -> minidl.Sequential:
    return minidl.Sequential(
        minidl.Linear(2, 8), minidl.ReLU(), minidl.Dropout(0.2), minidl.Linear(8, 8), minidl.Tanh(), minidl.Linear(8, 3)
    ).to(device=META)


@pytest.mark.parametrize(
    "loss,target",
    [
        (minidl.CrossEntropyLoss(), torch.zeros(5, dtype=torch.long, device=META)),
        (minidl.MSELoss(), torch.zeros(5, 3, device=META)),
    ],
    ids=["cross-entropy", "mse"],
)
@pytest.mark.parametrize(
    "make_optimizer",
    [
        lambda p: minidl.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True),
        lambda p: minidl.Adam(p, weight_decay=0.1),
    ],
    ids=["sgd", "adam"],
)
def test_a_training_step_stays_on_the_inputs_device(loss, target, make_optimizer) -> None:
    model = network()
    optimizer = make_optimizer(model.param())
    output = model(torch.zeros(5, 2, device=META))
    value = loss(output, target)
    grad_input = model.backward(loss.backward())
    optimizer.step()
    optimizer.zero_grad()
    assert {t.device for t in (output, value, grad_input)} == {META}
    assert {t.device for p in model.param() for t in p} == {META}
    assert {t.device for buffers in optimizer.state.values() for t in buffers or []} == {META}


def test_moving_a_model_moves_parameters_and_gradients() -> None:
    model = minidl.Sequential(minidl.Linear(2, 3))
    model.zero_grad()  # allocate the gradients first: they must move too
    model.to(device=META, dtype=torch.float64)
    assert model.placement() == (torch.float64, META)
    assert {(t.device, t.dtype) for p in model.param() for t in p} == {(META, torch.float64)}
