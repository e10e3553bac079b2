"""A tensor's elements as little-endian bytes in C order: how ONNX and safetensors both store them."""

from __future__ import annotations

import sys

import torch

from minidl.workflow.files.tensors import _swap_bytes


def little_endian(tensor: torch.Tensor) -> memoryview:
    """A view of the tensor's bytes (a copy only if it is not a contiguous CPU tensor, or on a big-endian host)."""
    tensor = tensor.detach().to("cpu").contiguous()
    if sys.byteorder == "big":
        tensor = _swap_bytes(tensor)
    return memoryview(tensor.reshape(-1).view(torch.uint8).numpy())
