"""safetensors weights out and in: bit-for-bit round trips, the safetensors library as the oracle, hostile files."""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

import pytest
import torch

import minidl
from minidl import SpecError
from minidl.workflow.export.safetensors_format import MAX_HEADER_BYTES
from minidl.workflow.files.model import model_spec, model_tensors

safetensors_torch = pytest.importorskip("safetensors.torch", reason="the oracle is in the test extra")

SPEC = {
    "model": {
        "layers": [
            {"component": "Linear", "config": {"in_features": 2, "out_features": 3}},
            {"component": "Tanh"},
            {"component": "Linear", "config": {"in_features": 3, "out_features": 1, "bias": False}},
        ]
    },
    "training": None,
}


def model(dtype: torch.dtype = torch.float32) -> minidl.Sequential:
    spec = {**SPEC, "model": {**SPEC["model"], "dtype": str(dtype).removeprefix("torch.")}}
    return minidl.build_model(spec, seed=1)


def bits(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.view({2: torch.int16, 4: torch.int32, 8: torch.int64}[tensor.element_size()])


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_round_trip_is_bit_for_bit(tmp_path: Path, dtype: torch.dtype) -> None:
    original = model(dtype)
    weight = original[0].weight.value
    weight[0] = torch.tensor([float("nan"), -0.0], dtype=dtype)  # values whose bits a float comparison would miss
    weight[1] = torch.tensor([float("-inf"), torch.finfo(dtype).tiny / 4], dtype=dtype)
    training = minidl.default_spec()["training"]
    minidl.save_safetensors(original, tmp_path / "w.safetensors", training=training)
    loaded = minidl.load_safetensors(tmp_path / "w.safetensors")  # the spec comes from the metadata
    assert loaded.kind == "model" and loaded.spec == model_spec(original, training)
    theirs = model_tensors(loaded.model)
    for name, tensor in model_tensors(original).items():
        assert theirs[name].dtype == dtype and torch.equal(bits(theirs[name]), bits(tensor)), name


def test_the_safetensors_library_reads_what_we_write(tmp_path: Path) -> None:
    from safetensors import safe_open

    original = model(torch.float64)
    minidl.save_safetensors(original, tmp_path / "w.safetensors")
    read = safetensors_torch.load_file(tmp_path / "w.safetensors")
    ours = model_tensors(original)
    assert sorted(read) == sorted(ours) and all(torch.equal(bits(read[k]), bits(ours[k])) for k in ours)
    with safe_open(tmp_path / "w.safetensors", framework="pt") as file:
        metadata = file.metadata()
    assert metadata["format"] == "pt"
    assert json.loads(metadata["minidl.spec"]) == model_spec(original, None)


def test_a_file_the_library_wrote_from_torch_tensors_loads(tmp_path: Path) -> None:
    """As another tool would make it: torch tensors with the right names, no minidl metadata."""
    generator = torch.Generator().manual_seed(0)
    tensors = {
        "layers.0.weight": torch.randn(3, 2, generator=generator),
        "layers.0.bias": torch.randn(3, generator=generator),
        "layers.2.weight": torch.randn(1, 3, generator=generator),
    }
    safetensors_torch.save_file(tensors, tmp_path / "w.safetensors")
    loaded = minidl.load_safetensors(tmp_path / "w.safetensors", SPEC)
    assert {k: torch.equal(v, tensors[k]) for k, v in model_tensors(loaded.model).items()} == dict.fromkeys(
        tensors, True
    )
    with pytest.raises(SpecError, match=r"w\.safetensors\.__metadata__: has no 'minidl\.spec'.*give a spec"):
        minidl.load_safetensors(tmp_path / "w.safetensors")


def test_a_spec_in_the_metadata_that_is_not_json_names_its_place_once(tmp_path: Path) -> None:
    """It read ``w.safetensors.__metadata__["minidl.spec"]: w.safetensors.__metadata__["minidl.spec"]: the value is
    not valid JSON ...``: the place twice."""
    safetensors_torch.save_file(model_tensors(model()), tmp_path / "w.safetensors", metadata={"minidl.spec": "{x"})
    with pytest.raises(SpecError) as error:
        minidl.load_safetensors(tmp_path / "w.safetensors")
    assert str(error.value).startswith(f'{tmp_path / "w.safetensors"}.__metadata__["minidl.spec"]: the value is not ')
    assert str(error.value).count("minidl.spec") == 1


def library_file(tmp_path: Path, **changes: torch.Tensor | None) -> Path:
    tensors = {k: v.contiguous() for k, v in model_tensors(model()).items()}
    tensors.update(changes)
    path = tmp_path / "w.safetensors"
    safetensors_torch.save_file({k: v for k, v in tensors.items() if v is not None}, path)
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"layers.0.bias": None}, r'w\.safetensors\["layers\.0\.bias"\]: missing \(layer 0, Linear, has this tensor\)'),
        ({"layers.0.weight": torch.zeros(2, 3)}, r'\["layers\.0\.weight"\]\.shape: expected \[3, 2\] .*got \[2, 3\]'),
        (
            {"layers.2.weight": torch.zeros(1, 3, dtype=torch.float64)},
            r'\["layers\.2\.weight"\]\.dtype: expected float32',
        ),
        ({"layers.2.bias": torch.zeros(1)}, r'\["layers\.2\.bias"\]: unexpected tensor'),
        ({"layers.1.weight": torch.zeros(1)}, r'\["layers\.1\.weight"\]: unexpected tensor'),
    ],
    ids=["missing", "shape", "dtype", "extra", "extra-on-parameterless"],
)
def test_wrong_names_shapes_and_dtypes_name_the_tensor(tmp_path: Path, changes: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message) as error:
        minidl.load_safetensors(library_file(tmp_path, **changes), SPEC)
    assert "\n" not in str(error.value)


def raw(header: bytes | dict, data: bytes = b"", length: int | None = None) -> bytes:
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    return struct.pack("<Q", len(text) if length is None else length) + text + data


def entry(dtype: str = "F32", shape: list = (2,), offsets: list = (0, 8)) -> dict:
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


HOSTILE = [
    (b"", "too short"),
    (b"\x08\x00\x00\x00", "too short"),
    (raw(b"{}", length=MAX_HEADER_BYTES + 1), "more than the limit"),
    (raw(b"{}", length=3), "runs past the end of the file"),
    (raw(b" {}"), "must be a JSON object starting with"),
    (raw(b"[1]"), "must be a JSON object starting with"),
    (raw(b"{\xff}"), "the header is not valid JSON"),
    (raw(b'{"a": '), "the header is not valid JSON"),
    (raw(b'{"a": {}, "a": {}}'), r"w\.safetensors\.a: duplicate key"),
    (raw(b'{"a": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 0]}}'), "NaN is not allowed"),
    (raw(b'{"\\ud800": {}}'), "the header is not valid JSON"),
    (raw(b'{"__metadata__": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"), "the header is not valid JSON"),
    (raw({"__metadata__": {"k": 1}}), r"__metadata__\.k: expected a string, got 1"),
    (raw({"__metadata__": []}), r"__metadata__: expected a JSON object of strings"),
    (raw({"a": {"dtype": "F32", "shape": [2]}}, b"\0" * 8), r"\.a\.data_offsets: missing"),
    (raw({"a": {**entry(), "extra": 1}}, b"\0" * 8), r"\.a\.extra: unexpected key"),
    (raw({"a": entry("F8_E4M3", [8], [0, 8])}, b"\0" * 8), r"dtype: expected one of BOOL, .*got 'F8_E4M3'"),
    (raw({"a": entry("U16", [4])}, b"\0" * 8), r"dtype: expected one of"),
    (raw({"a": entry(shape=[-2])}, b"\0" * 8), r"shape\[0\]: expected an int in \[0, "),
    (raw({"a": entry(shape=[True, 2])}, b"\0" * 8), r"shape\[0\]: expected an int"),
    (raw({"a": entry(shape=[2.0])}, b"\0" * 8), r"shape\[0\]: expected an int"),
    (raw({"a": entry(shape=[1] * 33)}, b"\0" * 4), "at most 32 dimensions"),
    (raw({"a": entry(offsets=[0, 8, 9])}, b"\0" * 8), r"data_offsets: expected \[begin, end\]"),
    (raw({"a": entry(offsets=[-8, 0])}, b"\0" * 8), r"data_offsets\[0\]: expected an int in \[0, "),
    (raw({"a": entry(offsets=[8, 0])}, b"\0" * 8), "ends before it begins"),
    (raw({"a": entry(offsets=[0, 4])}, b"\0" * 4), r"holds 4 bytes, but shape \[2\] of F32 needs 8"),
    (raw({"a": entry(shape=[2**40, 2**40])}, b"\0" * 8), "needs"),
    (
        raw({"a": entry(), "b": entry(offsets=[4, 12])}, b"\0" * 12),
        r"\.b\.data_offsets: starts at 4, which overlaps",
    ),
    (
        raw({"a": entry(), "b": entry(offsets=[12, 20])}, b"\0" * 20),
        r"\.b\.data_offsets: starts at 12, which leaves a gap",
    ),
    (raw({"a": entry()}, b"\0" * 9), r"hold 8 bytes but the data after the header has 9 \(trailing bytes\)"),
    (raw({"a": entry()}, b"\0" * 7), r"hold 8 bytes but the data after the header has 7 \(the file is truncated\)"),
]


@pytest.mark.parametrize(("content", "message"), HOSTILE, ids=[f"{i}:{m[:30]}" for i, (_, m) in enumerate(HOSTILE)])
def test_hostile_files_are_one_spec_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "w.safetensors"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=message) as error:
        minidl.load_safetensors(path, SPEC)
    assert "\n" not in str(error.value) and str(path) in str(error.value)


def test_not_a_regular_file_and_size_cap(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="not a regular file"):
        minidl.load_safetensors(tmp_path, SPEC)
    minidl.save_safetensors(model(), tmp_path / "w.safetensors")
    with pytest.raises(SpecError, match="more than the limit of 100"):
        minidl.load_safetensors(tmp_path / "w.safetensors", max_bytes=100)


def test_mutated_files_fail_cleanly_and_never_load_what_the_library_refuses(tmp_path: Path) -> None:
    """Differential fuzzing: random byte edits of a valid file. minidl raises SpecError or loads, and whatever it
    loads the safetensors library also loads, with the same tensors: the reader is at least as strict."""
    path = tmp_path / "w.safetensors"
    minidl.save_safetensors(model(), path)
    valid = path.read_bytes()
    rng = random.Random(5)
    outcomes = {"refused": 0, "loaded": 0}
    for _ in range(400):
        data = bytearray(valid)
        for _ in range(rng.choice([1, 1, 2, 4])):
            at = rng.randrange(min(len(data), 8 + 400) if rng.random() < 0.8 else len(data))  # mostly the header
            data[at] = rng.choice([rng.randrange(256), ord(rng.choice('{}[]",:0123456789 '))])
        if rng.random() < 0.1:
            data = data[: rng.randrange(len(data))] if rng.random() < 0.5 else data + bytes(rng.randrange(1, 9))
        path.write_bytes(bytes(data))
        try:
            loaded = minidl.load_safetensors(path, SPEC)
        except SpecError:
            outcomes["refused"] += 1
            continue
        outcomes["loaded"] += 1
        theirs = safetensors_torch.load_file(path)
        ours = model_tensors(loaded.model)
        assert sorted(theirs) == sorted(ours) and all(torch.equal(bits(theirs[k]), bits(ours[k])) for k in ours)
    assert outcomes["refused"] > 100 and outcomes["loaded"] > 10, outcomes


def test_a_file_of_another_format_is_named_as_such(tmp_path: Path) -> None:
    # `minidl import-weights model.minidl` said "header length 8386104319403271814 is more than the limit"
    minidl.save(model(), tmp_path / "m.minidl")
    with pytest.raises(SpecError, match=r"m\.minidl: a minidl file, not a safetensors file: minidl reads it as it is"):
        minidl.load_safetensors(tmp_path / "m.minidl")
    (tmp_path / "m.onnx").write_bytes(b"\x08\x0a\x12\x07pytorch" + bytes(64))
    with pytest.raises(SpecError, match=r"m\.onnx: not a safetensors file: its first 8 bytes give a header length"):
        minidl.load_safetensors(tmp_path / "m.onnx")
    minidl.save_safetensors(model(), tmp_path / "m.safetensors")
    with pytest.raises(
        SpecError, match=r"m\.safetensors: a safetensors file, not a minidl file \(minidl import-weights makes"
    ):
        minidl.load(tmp_path / "m.safetensors")
