"""minidl-extra's layers export to ONNX: onnxruntime's output equals their forward, float32 and float64."""

from __future__ import annotations

import pytest
import torch
from minidl_extra import ELU, GELU, BatchNorm1d, LeakyReLU, Sigmoid, SiLU

from minidl import registry
from minidl.testing import check_lowering

pytest.importorskip(
    "onnxruntime", reason="the export checks need onnx and onnxruntime: pip install 'minidl[onnx]' onnxruntime"
)

LAYERS = [
    pytest.param(Sigmoid, {}, id="Sigmoid"),
    pytest.param(SiLU, {}, id="SiLU"),
    pytest.param(LeakyReLU, {}, id="LeakyReLU"),
    pytest.param(LeakyReLU, {"negative_slope": 0.3}, id="LeakyReLU-0.3"),
    pytest.param(ELU, {}, id="ELU"),
    pytest.param(ELU, {"alpha": 0.7}, id="ELU-0.7"),
    pytest.param(BatchNorm1d, {"num_features": 4, "eps": 1e-3, "momentum": 0.3}, id="BatchNorm1d"),
]


@pytest.mark.parametrize(("cls", "config"), LAYERS)
def test_layer_exports(cls, config) -> None:
    check_lowering(cls, config, input_shape=(5, 4))


def test_gelu_exports() -> None:
    """onnxruntime has no float64 erf: in a float64 graph GELU runs in float32, so it agrees to float32's precision."""
    check_lowering(GELU, input_shape=(5, 4), dtypes=(torch.float32,))
    check_lowering(GELU, input_shape=(5, 4), dtypes=(torch.float64,), tolerance=1e-6)


def test_every_module_of_the_plugin_exports() -> None:
    ours = [n for n in registry.names("module", qualified=True) if n.startswith("minidl-extra:")]
    assert ours and all(registry.describe("module", n)["onnx"] for n in ours)
