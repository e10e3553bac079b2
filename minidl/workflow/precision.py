"""How a run's float32 arithmetic is done: ``float32`` (IEEE), ``tf32`` (TF32 matmuls on CUDA), ``bf16`` (mixed).

A runtime choice like the device, never written into a file; float64 stays a property of the spec
(``spec.model.dtype``), and the two lower precisions apply to float32 models only.
"""

from __future__ import annotations

import torch

from minidl.core.errors import ConfigError

PRECISIONS = ("float32", "tf32", "bf16")


def check_precision(precision: str, dtype: torch.dtype | None, device: torch.device | None) -> None:
    """Refuse, in one line, a precision this model's dtype or this device cannot run (``None``: not known yet)."""
    if precision not in PRECISIONS:
        raise ConfigError(f"precision {precision!r}: expected one of {', '.join(PRECISIONS)}")
    if precision == "float32":
        return
    if dtype is not None and dtype != torch.float32:
        raise ConfigError(
            f"precision {precision!r}: the model is {str(dtype).removeprefix('torch.')} (spec.model.dtype); "
            f"{precision} applies to float32 models: use a float32 spec, or precision float32"
        )
    if device is None:
        return
    if precision == "tf32" and device.type != "cuda":
        raise ConfigError(
            f"precision 'tf32': TF32 matmuls exist on CUDA GPUs only, this run is on {device.type}; "
            "use float32 or bf16 there"
        )
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported(including_emulation=False):
        raise ConfigError(f"precision 'bf16': {torch.cuda.get_device_name(device)} has no bfloat16 arithmetic")


def check_data_parallel(precision: str) -> None:
    """Refuse a precision that data-parallel training cannot run (its gradients are averaged in the model's dtype)."""
    if precision == "bf16":
        raise ConfigError("precision 'bf16': data-parallel training runs in the model's dtype; leave bf16 out")


def apply_matmul_precision(precision: str, device: torch.device) -> None:
    """Set CUDA's float32 matmul mode for a run on ``device`` (process-wide, like torch's thread count): TF32 for
    ``tf32``, IEEE float32 otherwise. CPU runs leave it alone."""
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
