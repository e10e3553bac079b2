"""The data-parallel step: each rank backpropagates its slice of the global batch, then the ranks average.

Every rank holds the same weights and draws the same global batch (the same data and shuffled order
from the seed). Rank r takes ``n_r`` of the batch's ``n`` rows and computes the gradient of its own
rows' mean loss, ``g_r``. The gradient one process computes on the whole batch is the mean over all rows,

    g = (1/n) sum_i grad loss_i = sum_r (n_r/n) g_r,

so each rank scales its gradient by its share ``n_r/n`` and one all-reduce adds them up: after it,
every rank holds ``g`` and takes the same optimizer step. Uneven slices (a batch that does not divide,
the last, smaller batch of an epoch) are weighted right, and a rank with no rows adds zeros.

This needs the loss to be a mean over rows of a per-row term, with ``backward`` its gradient: true of
``MSELoss`` (the mean over rows x classes is the mean over rows of each row's mean) and of
``CrossEntropyLoss``; a plugin loss must be one too (a sum, or a term coupling rows, would be weighted wrong).

Random draws inside modules (Dropout's masks) cannot be those of one process: a rank draws masks for
its own rows only. With more than one rank, rank r draws a step's masks from torch's generator seeded
by (the run's seed, the step number, r): masks differ between ranks and steps, and a run (or a resumed
run) on the same number of ranks draws the same ones. One rank draws as one process does.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.core.module import Module
from minidl.workflow.distributed.buckets import flat_copies
from minidl.workflow.distributed.world import World, buffers_of
from minidl.workflow.fast_step import backpropagate
from minidl.workflow.random_draws import step_seed

Tally = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
"""``(inputs, targets, labels) -> (mean loss, number of misclassified rows)`` of a model on some rows."""


def train_step(
    world: World, seed: int, model: Module, loss: Loss, optimizer: Optimizer, x: torch.Tensor, target: torch.Tensor
) -> None:
    """One step on a global batch: backpropagate this rank's rows, average the gradients, update, zero them."""
    rows = world.rows(x.shape[0])
    count = rows.stop - rows.start
    if count:
        if world.size > 1:
            torch.manual_seed(step_seed(seed, optimizer.steps, world.rank))
        backpropagate(model, loss, x[rows], target[rows])
    average_gradients(world, optimizer.grads(), share=count / x.shape[0])
    optimizer.step()
    optimizer.zero_grad()


def average_gradients(world: World, grads: list[torch.Tensor], share: float) -> None:
    """``grad <- sum over ranks of share_r * grad_r``, in place: one all-reduce per dtype and device."""
    for flat, copy_back in flat_copies(grads):
        world.all_reduce(flat.mul_(share))
        copy_back()


def evaluate(
    world: World, model: Module, tally: Tally, x: torch.Tensor, targets: torch.Tensor, labels: torch.Tensor
) -> tuple[float, float]:
    """Mean loss and error rate on a whole set: each rank scores its rows, one all-reduce adds the shares up.

    The number of misclassified rows is added exactly, so the error equals one process's; the loss is
    the same weighted sum as the gradients (equal up to rounding). Buffers (BatchNorm's running
    statistics, updated by each rank on its own rows) are rank 0's first, on every rank.
    """
    buffers = buffers_of(model)
    if buffers:
        world.broadcast_all(buffers)
    n = x.shape[0]
    rows = world.rows(n)
    sums = torch.zeros(2, dtype=torch.float64, device=x.device)
    if rows.stop > rows.start:
        value, wrong = tally(x[rows], targets[rows], labels[rows])
        sums[0], sums[1] = value.double() * ((rows.stop - rows.start) / n), wrong.double()
    world.all_reduce(sums)
    return float(sums[0]), int(sums[1]) / n
