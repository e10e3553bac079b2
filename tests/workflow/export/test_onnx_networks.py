"""Whole networks exported to ONNX: every example in specs/ and one with every plugin layer, checked by onnxruntime."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from minidl.testing import check_onnx_export
from minidl.workflow.files.model import model_tensors

onnx = pytest.importorskip("onnx", reason="the ONNX export tests need the test extra: pip install -e '.[test]'")
ort = pytest.importorskip("onnxruntime", reason="the ONNX export tests need the test extra: pip install -e '.[test]'")

SPECS = sorted((Path(__file__).resolve().parents[3] / "specs").glob("*.minidl"))
DTYPES = [torch.float32, torch.float64]
BATCHES = (1, 10, 257)


def inputs(width: int, dtype: torch.dtype) -> list[torch.Tensor]:
    generator = torch.Generator().manual_seed(width)
    return [torch.rand(n, width, generator=generator, dtype=dtype) * 4 - 2 for n in BATCHES]  # beyond [0, 1]^2


def test_there_are_examples_to_export() -> None:
    assert any(p.name == "circle_trained.minidl" for p in SPECS), SPECS  # the glob looks in the right folder


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_every_example_exports(path: Path, dtype: torch.dtype) -> None:
    """Spec files build a fresh network from their seed; model files (circle_trained) bring trained weights."""
    model = minidl.load(path).model.to(dtype=dtype)
    check_onnx_export(model, inputs(model[0].in_features, dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_a_trained_network_with_every_plugin_layer_exports(dtype: torch.dtype) -> None:
    pytest.importorskip("minidl_extra")
    spec = minidl.default_spec(epochs=2, seed=3)
    activations = ["LeakyReLU", "GELU", "ELU", "SiLU", "Sigmoid", "Tanh", "ReLU", "Dropout"]
    spec["model"]["layers"] = [
        {"component": "Linear", "config": {"in_features": 2, "out_features": 12}},
        {"component": "BatchNorm1d", "config": {"num_features": 12}},
        *({"component": name} for name in activations),
        {"component": "Linear", "config": {"in_features": 12, "out_features": 2}},
    ]
    spec["model"]["dtype"] = str(dtype).removeprefix("torch.")
    trainer = minidl.build_trainer(spec)
    trainer.fit()  # running statistics and weights that are not the initial ones
    tolerance = 1e-6 if dtype == torch.float64 else None  # GELU's erf runs in float32 (see test_extra_export)
    check_onnx_export(trainer.model, inputs(2, dtype), tolerance=tolerance)


def test_the_file_is_a_checked_model_with_named_input_output_and_weights(tmp_path: Path) -> None:
    model = minidl.load(SPECS[0]).model
    minidl.export_onnx(model, tmp_path / "model.onnx")
    proto = onnx.load(tmp_path / "model.onnx")
    onnx.checker.check_model(proto, full_check=True)
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", 21)] and proto.ir_version == 10
    assert proto.producer_name == "minidl"

    def shape(value) -> list:
        return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]

    assert [(v.name, shape(v)) for v in proto.graph.input] == [("x", ["batch", 2])]
    assert [(v.name, shape(v)) for v in proto.graph.output] == [("y", ["batch", 2])]
    assert [t.name for t in proto.graph.initializer] == list(model_tensors(model))
    session = ort.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    x = torch.rand(4, 2)
    (y,) = session.run(None, {"x": x.numpy()})
    torch.testing.assert_close(torch.from_numpy(y), model.eval().forward(x), atol=1e-5, rtol=1e-5)
