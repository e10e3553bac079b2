"""Many tensors as one flat tensor per dtype and device: one collective call for all of them, not one per tensor.

Each call of a collective pays a latency (a round trip between processes) whatever its size; a model's
gradients are a handful of tensors, and a step would pay that latency once per tensor. So they travel
as one bucket: copied into a flat tensor, reduced, copied back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import torch


def flat_copies(tensors: list[torch.Tensor]) -> Iterator[tuple[torch.Tensor, Callable[[], None]]]:
    """For each dtype and device among ``tensors``: a flat copy of those tensors, and a function that writes the
    flat tensor (changed in place meanwhile, by a collective) back into them."""
    buckets: dict[tuple[torch.dtype, torch.device], list[torch.Tensor]] = {}
    for tensor in tensors:
        buckets.setdefault((tensor.dtype, tensor.device), []).append(tensor)
    for bucket in buckets.values():
        flat = torch.cat([t.reshape(-1) for t in bucket])
        yield flat, lambda flat=flat, bucket=bucket: _copy_back(flat, bucket)


def _copy_back(flat: torch.Tensor, tensors: list[torch.Tensor]) -> None:
    parts = flat.split([t.numel() for t in tensors])
    torch._foreach_copy_(tensors, [part.view_as(t) for part, t in zip(parts, tensors)])
