"""Tensors of at least DIRECT_BYTES go from the file straight into tensor memory: the same checks hold for them."""

from __future__ import annotations

import re
from pathlib import Path

import msgpack
import pytest
import torch

import minidl
from minidl import SpecError
from minidl.workflow.files.stream import DIRECT_BYTES
from tests.workflow.files.fuzzing import run


@pytest.fixture()
def big_file(tmp_path: Path) -> Path:
    model = minidl.Sequential(minidl.Linear(130, 140), minidl.ReLU(), minidl.Linear(140, 2))
    assert model[0].weight.value.numel() * 4 >= DIRECT_BYTES
    minidl.save(model, tmp_path / "big.minidl")
    return tmp_path / "big.minidl"


def payload_start(data: bytes) -> int:
    """Where the first large payload's bytes start (after its bin 32 header)."""
    return data.index(msgpack.packb("data") + b"\xc6") + len(msgpack.packb("data")) + 5


def test_large_tensors_round_trip(tmp_path: Path) -> None:
    model = minidl.Sequential(minidl.Linear(130, 140), minidl.Tanh()).to(dtype=torch.float64)
    minidl.save(model, tmp_path / "m.minidl")
    loaded = minidl.load(tmp_path / "m.minidl").model
    assert all(torch.equal(a.value, b.value) for a, b in zip(loaded.param(), model.param()))
    assert loaded[0].weight.value.data_ptr() % 64 == 0


def test_truncated_inside_and_around_a_large_payload(big_file: Path, tmp_path: Path) -> None:
    data = big_file.read_bytes()
    start = payload_start(data)
    cut = tmp_path / "cut.minidl"
    for n in [
        start - 5,
        start - 3,
        start - 1,
        start,
        start + 1,
        start + DIRECT_BYTES // 2,
        start + 130 * 140 * 4 - 1,
        start + 130 * 140 * 4,
        len(data) - 1,
    ]:
        cut.write_bytes(data[:n])
        with pytest.raises(SpecError, match=rf"^{re.escape(str(cut))}: truncated"):
            minidl.load(cut)


def test_corrupted_large_payload_and_trailing_bytes(big_file: Path) -> None:
    data = bytearray(big_file.read_bytes())
    data[payload_start(data) + 1000] ^= 0x40
    big_file.write_bytes(bytes(data))
    with pytest.raises(SpecError, match=r'^tensors\["layers\.0\.weight"\]\.data: checksum mismatch'):
        minidl.load(big_file)
    data[payload_start(data) + 1000] ^= 0x40
    big_file.write_bytes(bytes(data) + b"\xc0")
    with pytest.raises(SpecError, match=rf"^{re.escape(str(big_file))}: 1 trailing bytes"):
        minidl.load(big_file)


def test_large_payload_of_the_wrong_length(big_file: Path) -> None:
    document = msgpack.unpackb(big_file.read_bytes(), raw=False)
    document["tensors"]["layers.0.weight"]["data"] += b"\x00" * 4
    big_file.write_bytes(msgpack.packb(document))
    with pytest.raises(SpecError, match=r'^tensors\["layers\.0\.weight"\]\.data: expected 18200 x 4 = 72800 bytes'):
        minidl.load(big_file)


def test_mutants_of_a_large_file_raise_only_spec_error(big_file: Path, tmp_path: Path) -> None:
    outcomes = run({"big": big_file.read_bytes()}, cases=300, folder=tmp_path)
    assert sum(outcomes.values()) == 300
