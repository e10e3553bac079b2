"""Where a run computes: the device a user names (``cpu``, ``cuda``, ``cuda:N``, ``auto``), checked once.

A device is a runtime choice, never a fact of a model: files hold no device, data is drawn on the CPU
from the seed and then moved, so a seed gives the same data everywhere and a file from any device
loads on any other.
"""

from __future__ import annotations

import torch

from minidl.core.errors import ConfigError

DEVICE_NAMES = "cpu, cuda, cuda:N or auto"


def resolve_device(name: str | torch.device) -> torch.device:
    """The torch device ``name`` means on this machine (``auto``: the current GPU when there is one, else the CPU).

    Raises a one-line ConfigError for an unknown name, CUDA on a machine without it, or a CUDA index that
    does not exist. ``meta`` (shapes without values) is accepted for loading files, not for training.
    """
    text = str(name).strip()
    if text == "auto":
        return torch.device("cuda", torch.cuda.current_device()) if torch.cuda.is_available() else torch.device("cpu")
    try:
        device = torch.device(text)
    except (RuntimeError, TypeError):
        raise ConfigError(f"device {text!r}: unknown device; expected {DEVICE_NAMES}") from None
    if device.type in ("cpu", "meta"):
        return torch.device(device.type)
    if device.type != "cuda":
        raise ConfigError(f"device {text!r}: minidl runs on {DEVICE_NAMES}, not on {device.type!r}")
    if not torch.cuda.is_available():
        why = "this torch is built without CUDA" if torch.version.cuda is None else "this machine has no CUDA device"
        raise ConfigError(f"device {text!r}: {why}; use cpu (or auto: the GPU when there is one)")
    count = torch.cuda.device_count()
    index = torch.cuda.current_device() if device.index is None else device.index
    if index >= count:
        raise ConfigError(f"device {text!r}: no such GPU here; there are {count} (cuda:0 to cuda:{count - 1})")
    return torch.device("cuda", index)
