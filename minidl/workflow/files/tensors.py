"""The tensor table: each tensor is ``{"dtype", "shape", "data", "crc32"}`` with raw little-endian bytes.

Reading checks every entry's metadata before any tensor of the model is made: the dtype is on the
allow-list, the shape is a short list of non-negative ints, the byte length equals elements x item
size; the CRC-32 is checked when the tensor is made. The bytes were read from the file into memory of
their own (see stream.py), and the tensor is a view of them: no copy. Writing streams each tensor
through a small buffer, so saving costs no second copy of the weights.
"""

from __future__ import annotations

import sys
import zlib
from dataclasses import dataclass
from typing import BinaryIO

import msgpack
import torch

from minidl.core.errors import ConfigError, SpecError
from minidl.workflow.files.checks import child, expect_int, expect_list, expect_map, expect_str, fail
from minidl.workflow.files.stream import Payload

_NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64")
DTYPES: dict[str, torch.dtype] = {name: getattr(torch, name) for name in _NAMES}
DTYPE_NAMES: dict[torch.dtype, str] = {v: k for k, v in DTYPES.items()}
MAX_TENSOR_BYTES = 2**32 - 1  # one msgpack bin holds at most this many bytes
MAX_DIMS = 32
_KEYS = {"dtype", "shape", "data", "crc32"}
_CHUNK = 8 * 2**20


@dataclass
class Record:
    """One validated table entry whose bytes are not yet a tensor."""

    where: str
    dtype: torch.dtype
    shape: tuple[int, ...]
    data: Payload
    crc32: int

    def to_tensor(self) -> torch.Tensor:
        """The tensor, after the checksum: a view of the payload's bytes (a fresh allocation, so aligned)."""
        if self.data.crc32 != self.crc32:
            raise SpecError(
                f"{self.where}.data: checksum mismatch (the bytes are corrupted; expected CRC-32 {self.crc32:#010x})"
            )
        raw = self.data.tensor()
        if self.dtype is torch.bool and bool(raw.gt(1).any()):
            raise SpecError(f"{self.where}.data: a bool tensor's bytes must be 0 or 1")
        tensor = raw.view(self.dtype).reshape(self.shape)
        return _swap_bytes(tensor) if sys.byteorder == "big" else tensor


def read_table(value: object, where: str = "tensors") -> dict[str, Record]:
    """Validate the table's structure and every entry's metadata (cheap: no tensor is built)."""
    if not isinstance(value, dict):
        fail(where, "a map of tensor names to tensors", value)
    return {name: _record(entry, child(where, name)) for name, entry in value.items()}


def _record(value: object, where: str) -> Record:
    entry = expect_map(value, where, _KEYS)
    name = expect_str(entry["dtype"], f"{where}.dtype")
    if name not in DTYPES:
        raise SpecError(f"{where}.dtype: expected one of {', '.join(DTYPES)}, got {name!r}")
    dtype = DTYPES[name]
    dims = expect_list(entry["shape"], f"{where}.shape")
    if len(dims) > MAX_DIMS:
        raise SpecError(f"{where}.shape: expected at most {MAX_DIMS} dimensions, got {len(dims)}")
    data = entry["data"]
    if not isinstance(data, Payload):  # a bin value of the table is always read as a Payload
        fail(f"{where}.data", "binary data", data)
    count = 1
    for i, dim in enumerate(dims):
        count *= expect_int(dim, f"{where}.shape[{i}]", 0, MAX_TENSOR_BYTES)
        if count > MAX_TENSOR_BYTES:
            raise SpecError(f"{where}.shape: {dims} has more elements than a tensor in a file can hold")
    itemsize = torch.empty((), dtype=dtype).element_size()
    if len(data) != count * itemsize:
        raise SpecError(
            f"{where}.data: expected {count} x {itemsize} = {count * itemsize} bytes for shape {dims} "
            f"and dtype {name}, got {len(data)}"
        )
    crc = expect_int(entry["crc32"], f"{where}.crc32", 0, 2**32 - 1)
    return Record(where, dtype, tuple(dims), data, crc)


def write_table(file: BinaryIO, tensors: dict[str, torch.Tensor]) -> None:
    """Append the msgpack map of ``tensors`` to ``file``."""
    packer = msgpack.Packer()
    file.write(packer.pack_map_header(len(tensors)))
    for name, tensor in tensors.items():
        file.write(packer.pack(name))
        _write_tensor(file, packer, name, tensor)


def _write_tensor(file: BinaryIO, packer: msgpack.Packer, name: str, tensor: torch.Tensor) -> None:
    tensor = tensor.detach().to("cpu").contiguous()
    if tensor.dtype not in DTYPE_NAMES:
        raise ConfigError(f"tensor {name!r}: dtype {tensor.dtype} cannot be saved (allowed: {', '.join(DTYPES)})")
    raw = (_swap_bytes(tensor) if sys.byteorder == "big" else tensor).reshape(-1).view(torch.uint8)
    size = raw.numel()
    if size > MAX_TENSOR_BYTES:
        raise ConfigError(
            f"tensor {name!r}: {size} bytes is more than a .minidl file can hold in one tensor ({MAX_TENSOR_BYTES})"
        )
    file.write(packer.pack_map_header(len(_KEYS)))
    file.write(packer.pack("dtype") + packer.pack(DTYPE_NAMES[tensor.dtype]))
    file.write(packer.pack("shape") + packer.pack(list(tensor.shape)))
    file.write(packer.pack("data") + _bin_header(size))
    crc = 0
    if size:
        buffer = bytearray(min(_CHUNK, size))
        staging = torch.frombuffer(buffer, dtype=torch.uint8)
        for start in range(0, size, _CHUNK):
            n = min(_CHUNK, size - start)
            staging[:n].copy_(raw[start : start + n])
            chunk = memoryview(buffer)[:n]
            crc = zlib.crc32(chunk, crc)
            file.write(chunk)
    file.write(packer.pack("crc32") + packer.pack(crc))


def _bin_header(size: int) -> bytes:
    """msgpack's bin 8/16/32 header (msgpack-python packs bins only from bytes already in memory)."""
    if size < 2**8:
        return bytes((0xC4, size))
    if size < 2**16:
        return b"\xc5" + size.to_bytes(2, "big")
    return b"\xc6" + size.to_bytes(4, "big")


def _swap_bytes(tensor: torch.Tensor) -> torch.Tensor:
    """The same tensor with each element's bytes reversed (little-endian file <-> big-endian host)."""
    size = tensor.element_size()
    if size == 1:
        return tensor
    flipped = tensor.contiguous().reshape(-1).view(torch.uint8).reshape(-1, size).flip(1).contiguous()
    return flipped.view(tensor.dtype).reshape(tensor.shape)
