"""minidl-extra's layers train unmodified in minidl's bf16 mixed precision (``Runtime(precision="bf16")``).

BatchNorm1d updates its float32 running statistics in place with ``lerp_``, which refuses a bf16
operand: the bf16 step must hand it bf16 copies and put the float32 results back.
"""

from __future__ import annotations

import pytest
import torch

import minidl


@pytest.mark.parametrize("layer", ["BatchNorm1d", "GELU", "SiLU", "ELU", "LeakyReLU", "Sigmoid"])
def test_a_plugin_layer_trains_in_bf16_as_in_float32(layer: str) -> None:
    extra = {"component": f"minidl-extra:{layer}", "config": {"num_features": 16} if layer == "BatchNorm1d" else {}}
    spec = minidl.default_spec(epochs=5, batch_size=20)
    spec["model"]["layers"] = [
        {"component": "Linear", "config": {"in_features": 2, "out_features": 16}},
        extra,
        {"component": "Tanh"},
        {"component": "Linear", "config": {"in_features": 16, "out_features": 2}},
    ]
    spec["training"]["dataset"]["config"] = {"n_train": 200, "n_test": 100}
    losses = {}
    for precision in ("float32", "bf16"):
        run = minidl.Run(spec, runtime=minidl.Runtime(precision=precision))
        run.fit()
        losses[precision] = [m.train_loss for m in run.history]
    assert losses["bf16"][-1] < losses["bf16"][0] and abs(losses["bf16"][-1] - losses["float32"][-1]) < 0.02, losses
    assert {t.dtype for _, t in run.model.named_buffers()} <= {torch.float32}
    assert {p.value.dtype for p in run.model.param()} == {torch.float32}
