"""Each built-in module's ONNX lowering against its forward (onnxruntime, float32 and float64); export errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from minidl import registry
from minidl.core.lowering import lowers_to_onnx
from minidl.testing import check_lowering
from minidl.workflow.export import ExportError, MissingDependency, onnx_model
from tests.registry import fake_plugins as fp

pytest.importorskip("onnx", reason="the ONNX export tests need the test extra: pip install -e '.[test]'")
pytest.importorskip("onnxruntime", reason="the ONNX export tests need the test extra: pip install -e '.[test]'")

BUILTINS = [
    pytest.param(minidl.Linear, {"in_features": 4, "out_features": 3}, id="Linear"),
    pytest.param(minidl.Linear, {"in_features": 4, "out_features": 3, "bias": False}, id="Linear-nobias"),
    pytest.param(minidl.ReLU, {}, id="ReLU"),
    pytest.param(minidl.Tanh, {}, id="Tanh"),
    pytest.param(minidl.Dropout, {"p": 0.5}, id="Dropout"),
]


@pytest.mark.parametrize(("cls", "config"), BUILTINS)
def test_builtin_lowering_equals_forward(cls, config) -> None:
    check_lowering(cls, config, input_shape=(5, 4))


@pytest.mark.parametrize(
    "features",
    [
        {},
        {"x1": False, "sin_x2": True},
        dict.fromkeys(("x1_squared", "x2_squared", "x1_times_x2", "sin_x1", "sin_x2"), True),
    ],
    ids=["identity", "x2-sin_x2", "all"],
)
def test_input_features_lowering_equals_forward(features) -> None:
    check_lowering(minidl.InputFeatures, features, input_shape=(5, 2))


def test_every_builtin_module_exports_and_the_registry_says_so() -> None:
    names = registry.names("module")
    builtins = [n for n in names if registry.provider("module", n)["distribution"] == "minidl"]
    assert {n: registry.describe("module", n)["onnx"] for n in builtins} == dict.fromkeys(builtins, True)
    assert "onnx" not in registry.describe("optimizer", "minidl:Adam")


class Cube(minidl.Elementwise):
    """A layer without a lowering."""

    def function(self, x: torch.Tensor) -> torch.Tensor:
        return x**3

    def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        return 3 * x**2


def test_a_layer_without_lowering_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"the previous file")
    model = minidl.Sequential(minidl.Linear(2, 3), Cube(), minidl.Linear(3, 1))
    with pytest.raises(ExportError, match=r"^layers\[1\] \(.*Cube, not a registered module\) has no ONNX lowering"):
        minidl.export_onnx(model, path)
    assert path.read_bytes() == b"the previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["model.onnx"]
    assert not lowers_to_onnx(Cube)


def test_a_registered_layer_without_lowering_names_its_provider(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    fp.make_distribution(tmp_path, "minidl-square", "1.2.0", "minidl_square_plugin", fp.GOOD_PLUGIN)
    registry.reload()
    try:
        square = registry.create("module", "Square")
        assert registry.describe("module", "Square")["onnx"] is False
        with pytest.raises(ExportError, match=r"^layers\[1\] \(minidl-square:Square, minidl-square 1\.2\.0\) has no"):
            onnx_model(minidl.Sequential(minidl.Linear(2, 2), square))
    finally:
        registry.reload()


class BadLowering(minidl.ReLU):
    def lower_onnx(self, graph, x: str) -> str:
        return graph.node("Relu", [x, x])  # Relu takes one input: ONNX's checker refuses the graph


class RaisingLowering(minidl.ReLU):
    def lower_onnx(self, graph, x: str) -> str:
        raise RuntimeError("not today")


def test_a_lowering_that_makes_an_invalid_graph_or_raises_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"the ONNX graph the layers made is invalid: .*layers\.1\.Relu"):
        minidl.export_onnx(minidl.Sequential(minidl.Linear(2, 2), BadLowering()), tmp_path / "m.onnx")
    with pytest.raises(ExportError, match=r"layers\[0\] .*: its ONNX lowering failed \(RuntimeError: not today\)"):
        minidl.export_onnx(minidl.Sequential(RaisingLowering()), tmp_path / "m.onnx")
    assert list(tmp_path.iterdir()) == []


def test_models_that_cannot_be_exported_are_refused() -> None:
    with pytest.raises(ExportError, match="no layers"):
        onnx_model(minidl.Sequential())
    with pytest.raises(ExportError, match=r"must all be float32 or float64, got \['torch.float16'\]$"):
        onnx_model(minidl.Sequential(minidl.Linear(2, 2)).to(dtype=torch.float16))


def test_an_input_width_no_layer_declares_stays_symbolic() -> None:
    proto = onnx_model(minidl.Sequential(minidl.ReLU(), minidl.Tanh()))
    (x,) = proto.graph.input
    assert [d.dim_param or d.dim_value for d in x.type.tensor_type.shape.dim] == ["batch", "features"]


def test_a_missing_onnx_package_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # import onnx now raises ImportError
    with pytest.raises(
        MissingDependency, match=r"^exporting to ONNX needs the onnx package.*pip install 'minidl\[onnx\]'"
    ):
        onnx_model(minidl.Sequential(minidl.ReLU()))
