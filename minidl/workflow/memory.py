"""Checks before work: what a job needs in memory against what this process can still get.

The needs are counted without allocating: a network's weights on torch's meta device, a data set's
points from a sample of two.

The free memory is read without dependencies: Linux's ``MemAvailable`` plus free swap (``/proc/meminfo``),
else the free physical pages (``os.sysconf``); an address-space limit (``ulimit -v``) caps it. When nothing
can be read the check passes: it refuses only what certainly cannot fit, before anything is allocated.
"""

from __future__ import annotations

import os
from typing import Any

import torch

from minidl import registry
from minidl.components.datasets.base import Dataset, SampledDataset
from minidl.core.errors import ResourceError
from minidl.core.module import Module, no_init

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def format_bytes(size: int) -> str:
    """``1536`` -> ``1.5 KiB``."""
    value, unit = float(size), 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    return f"{size} B" if unit == 0 else f"{value:.1f} {_UNITS[unit]}"


def _kib_fields(path: str) -> dict[str, int]:
    """``Name: 123 kB`` lines of a /proc file, in bytes (empty where the file cannot be read)."""
    try:
        with open(path, encoding="ascii", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:
        return {}
    fields = {}
    for line in lines:
        name, _, rest = line.partition(":")
        words = rest.split()
        if len(words) == 2 and words[0].isdigit() and words[1] == "kB":
            fields[name] = int(words[0]) * 1024
    return fields


def _free_memory() -> int | None:
    meminfo = _kib_fields("/proc/meminfo")
    if "MemAvailable" in meminfo:
        return meminfo["MemAvailable"] + meminfo.get("SwapFree", 0)
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):  # not every system names these
        return None


def _address_space_left() -> int | None:
    try:
        import resource  # Unix only
    except ImportError:
        return None
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    used = _kib_fields("/proc/self/status").get("VmSize")
    if limit == resource.RLIM_INFINITY or used is None:
        return None
    return max(limit - used, 0)


def available_bytes() -> int | None:
    """Memory this process can still allocate, or ``None`` when the system does not say."""
    known = [size for size in (_free_memory(), _address_space_left()) if size is not None]
    return min(known) if known else None


def require(needs: dict[str, int], what: str, device: torch.device | None = None) -> None:
    """Refuse with a ResourceError naming ``what`` when ``needs`` (bytes by purpose) exceed the available memory
    (of the machine, or of a CUDA ``device``)."""
    total = sum(needs.values())
    free = torch.cuda.mem_get_info(device)[0] if device is not None and device.type == "cuda" else available_bytes()
    if free is None or total <= free:
        return
    parts = ", ".join(f"{name} {format_bytes(size)}" for name, size in needs.items() if size)
    raise ResourceError(
        f"{what}: needs at least {format_bytes(total)} of memory ({parts}), but only {format_bytes(free)} is available"
    )


def tensor_bytes(module: Module) -> int:
    """Bytes of a module's parameters and buffers."""
    tensors = [p.value for p in module.param()] + [t for _, t in module.named_buffers()]
    return sum(t.numel() * t.element_size() for t in tensors)


def weight_bytes(layers: list[dict[str, Any]], dtype: torch.dtype) -> int:
    """Bytes the weights and buffers of a normalised spec's layers will take, measured without memory.

    Each layer is built on torch's meta device (shapes only). A constructor that cannot run there counts
    nothing: building it for real will tell what is wrong with it.
    """
    total = 0
    with torch.device("meta"), no_init():
        for ref in layers:
            try:
                layer = registry.create("module", ref["component"], **ref["config"])
            except Exception:  # the real build reports it, with its place
                continue
            total += tensor_bytes(layer.to(dtype=dtype))
    return total


def data_bytes(dataset: Dataset, dtype: torch.dtype) -> int:
    """The least memory a data set's points take once loaded (0 when it cannot tell without loading)."""
    if not isinstance(dataset, SampledDataset):
        return 0
    try:
        x, y = dataset.sample(2, torch.Generator().manual_seed(0))  # two points: the size of one
    except Exception:  # loading it for real reports it
        return 0
    per_point = x[0].numel() * dtype.itemsize + y[0].numel() * y.element_size()
    return per_point * (dataset.n_train + dataset.n_test)
