"""``minidl export`` and ``minidl import-weights`` as a user runs them, good input and bad."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

import minidl
from tests.cli.conftest import assert_one_line_error, small_spec

pytest.importorskip("onnx", reason="the export commands' tests need the test extra: pip install -e '.[test]'")


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    path = tmp_path / "net.minidl"
    spec = small_spec()
    minidl.save(minidl.build_model(spec, seed=0), path, training=spec["training"])
    return path


def test_export_onnx_writes_in_the_current_folder_by_default(cli, model_file: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    result = cli("export", model_file)  # the cli fixture runs in tmp_path, model_file's folder
    assert (result.code, result.out, result.err) == (0, "wrote net.onnx\n", "")
    session = ort.InferenceSession(str(model_file.with_suffix(".onnx")), providers=["CPUExecutionProvider"])
    x = torch.rand(3, 2)
    (y,) = session.run(None, {"x": x.numpy()})
    torch.testing.assert_close(torch.from_numpy(y), minidl.load(model_file).model.eval().forward(x))


def test_safetensors_out_and_back_in_gives_the_same_model_file_content(cli, model_file: Path, tmp_path: Path) -> None:
    weights = tmp_path / "w.safetensors"
    assert cli("export", model_file, "--format", "safetensors", "--output", weights).code == 0
    result = cli("import-weights", weights, "--output", tmp_path / "back.minidl")
    assert (result.code, result.out) == (0, f"wrote {tmp_path / 'back.minidl'}\n")
    before, after = minidl.load(model_file), minidl.load(tmp_path / "back.minidl")
    assert after.spec == before.spec
    assert all(torch.equal(a.value, b.value) for a, b in zip(before.model.param(), after.model.param()))
    spec_file = tmp_path / "spec.minidl"
    minidl.save_spec(small_spec(), spec_file)
    assert cli("import-weights", weights, "--spec", spec_file).code == 0  # default output: w.minidl
    assert minidl.load(tmp_path / "w.minidl").spec["training"] == before.spec["training"]


def test_exporting_a_spec_file_says_weights_are_needed(cli, spec_file: Path) -> None:
    for format in ("onnx", "safetensors"):
        result = cli("export", spec_file, "--format", format)
        assert_one_line_error(result)
        assert "is a spec file, without weights: export needs a trained model (minidl train" in result.err
    assert sorted(p.name for p in spec_file.parent.iterdir()) == ["small.minidl"]


@pytest.mark.parametrize("command", ["export", "import-weights"])
@pytest.mark.parametrize("name", [".", "/"])
def test_a_path_without_a_file_name_is_one_line(cli, command: str, name: str) -> None:
    """Found by test_properties: ``minidl export ''`` raised pathlib's ValueError deriving the output's name."""
    result = cli(command, name)
    assert_one_line_error(result)
    assert "not a regular file" in result.err


def test_output_paths_are_checked_before_any_work(cli, model_file: Path, tmp_path: Path) -> None:
    existing = tmp_path / "net.onnx"
    existing.write_bytes(b"keep me")
    result = cli("export", model_file)
    assert_one_line_error(result)
    assert "the default --output net.onnx: already there; pass --force to replace" in result.err
    assert existing.read_bytes() == b"keep me"
    assert cli("export", model_file, "--force").code == 0 and existing.read_bytes() != b"keep me"
    for output, message in [
        (tmp_path / "missing" / "m.onnx", f"the folder {tmp_path / 'missing'} does not exist"),
        (tmp_path, "is a folder, not a file"),
    ]:
        result = cli("export", model_file, "--output", output)
        assert_one_line_error(result)
        assert message in result.err


def test_a_missing_optional_dependency_says_what_to_install(cli, model_file: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    result = cli("export", model_file)
    assert_one_line_error(result)
    assert "needs the onnx package, which is not installed: pip install 'minidl[onnx]'" in result.err
    assert not model_file.with_suffix(".onnx").exists()


def test_bad_weights_are_one_line_naming_the_tensor(cli, model_file: Path, tmp_path: Path) -> None:
    safetensors_torch = pytest.importorskip("safetensors.torch")
    safetensors_torch.save_file({"layers.0.weight": torch.zeros(8, 3)}, tmp_path / "w.safetensors")
    result = cli("import-weights", tmp_path / "w.safetensors", "--spec", model_file)
    assert_one_line_error(result)
    assert 'w.safetensors["layers.0.weight"].shape: expected [8, 2]' in result.err
    (tmp_path / "junk.safetensors").write_bytes(b"not safetensors")
    assert_one_line_error(cli("import-weights", tmp_path / "junk.safetensors"))
    assert_one_line_error(cli("import-weights", tmp_path / "nothing.safetensors"))
    assert not (tmp_path / "w.minidl").exists()


def test_a_model_file_and_a_safetensors_file_given_for_each_other_are_named(
    cli, model_file: Path, tmp_path: Path
) -> None:
    """``minidl import-weights net.minidl`` said ``header length 8386104319403271814 is more than the limit``;
    ``minidl train w.safetensors`` said ``not a minidl file (... "format": 'minidl')``."""
    result = cli("import-weights", model_file, "--output", "out.minidl")
    assert_one_line_error(result)
    assert result.err == (
        f"minidl: error: {model_file}: a minidl file, not a safetensors file: minidl reads it as it is "
        "(import-weights takes it as --spec; minidl export --format safetensors writes its weights as safetensors)\n"
    )
    assert cli("export", model_file, "--format", "safetensors", "--output", "w.safetensors").code == 0
    for command in ("train", "evaluate", "inspect", "export"):
        result = cli(command, "w.safetensors")
        assert_one_line_error(result)
        assert result.err == (
            "minidl: error: w.safetensors: a safetensors file, not a minidl file (minidl import-weights makes a model "
            "file of it)\n"
        )
    (tmp_path / "five.py").write_text("print(5)\n")
    assert cli("inspect", "five.py").err == (
        'minidl: error: five.py: not a minidl file (expected a msgpack map starting with "format": "minidl")\n'
    )
    assert not (tmp_path / "out.minidl").exists()
