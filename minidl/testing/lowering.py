"""Checks of a module's ONNX lowering: onnxruntime runs the exported graph and must agree with ``forward``.

Needs ``onnx`` and ``onnxruntime`` (``pip install 'minidl[onnx]' onnxruntime``); without them the checks
fail with that message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch

from minidl.core.module import Module
from minidl.testing._util import assert_close, isolated_rng
from minidl.workflow.export import onnx_model
from minidl.workflow.export.errors import require

TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-12}
"""Absolute and relative: float32 rounding of a few hundred operations, and float64's."""


def check_lowering(
    cls: type[Module],
    config: Mapping[str, Any] | None = None,
    *,
    input_shape: Sequence[int],
    batch_sizes: Sequence[int] = (1, 2, 7),
    dtypes: Sequence[torch.dtype] = (torch.float32, torch.float64),
    seed: int = 0,
    tolerance: float | None = None,
) -> None:
    """Export ``cls(**config)`` in evaluation mode; onnxruntime's outputs must equal its ``forward``.

    In each dtype the parameters get small random offsets (so an identity scale cannot hide a missing
    term) and a few training batches move any running statistics off their initial values; then inputs
    of ``input_shape`` with each of ``batch_sizes`` as the batch run through one session (the batch is
    dynamic). ``tolerance`` (absolute and relative) defaults to :data:`TOLERANCE` of the dtype.
    """
    for dtype in dtypes:
        with isolated_rng(seed, torch.device("cpu")):
            module = cls(**dict(config or {})).to(dtype=dtype)
            for p in module.param():
                p.value.add_(0.1 * torch.randn_like(p.value))
            for _ in range(3):
                module.forward(torch.randn(tuple(input_shape), dtype=dtype) * 2.0 + 0.5)
            inputs = [torch.randn((n, *input_shape[1:]), dtype=dtype) * 2.0 for n in batch_sizes]
            check_onnx_export(module, inputs, tolerance=tolerance)


def check_onnx_export(module: Module, inputs: Sequence[torch.Tensor], *, tolerance: float | None = None) -> None:
    """Export ``module`` (a layer or a whole Sequential); onnxruntime's output on each input equals its eval forward.

    The module's mode is restored afterwards. Export errors become AssertionErrors with their message.
    """
    ort = require("onnxruntime", "checking an ONNX export", "pip install onnxruntime")
    name = type(module).__name__
    try:
        proto = onnx_model(module, inputs[0].dtype)  # a module without parameters takes the inputs' dtype
    except Exception as error:
        raise AssertionError(f"{name}: the ONNX export failed: {error}") from error
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: no warnings on stderr
    options.intra_op_num_threads = 1
    try:
        session = ort.InferenceSession(proto.SerializeToString(), options, providers=["CPUExecutionProvider"])
    except Exception as error:
        raise AssertionError(
            f"{name} ({inputs[0].dtype}): onnxruntime cannot run the exported graph: {error}"
        ) from error
    with module.evaluating():
        for x in inputs:
            try:
                (output,) = session.run(["y"], {"x": x.detach().cpu().numpy()})
            except Exception as error:
                raise AssertionError(f"{name}: onnxruntime failed on input {tuple(x.shape)}: {error}") from error
            expected = module.forward(x)
            tol = TOLERANCE[x.dtype] if tolerance is None else tolerance
            what = f"{name} ({x.dtype}, input {tuple(x.shape)}): onnxruntime's output"
            assert_close(torch.from_numpy(output), expected, what, atol=tol, rtol=tol)
