"""The safetensors format, read and written with the standard library and torch (no ``safetensors`` package).

A file is an 8-byte little-endian header length N, N bytes of JSON (``{"name": {"dtype": "F32", "shape":
[2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "text"}}``, padded with spaces), then
the tensors' little-endian bytes, offsets counted from the end of the header. Reading is as strict as
reading a ``.minidl`` file: the sizes are checked before anything is allocated, the header is strict JSON
(no duplicate keys, no NaN), every entry has a known dtype, a shape whose bytes match its offsets, and the
tensors cover the data exactly (no gap, no overlap, no trailing bytes). Errors are SpecErrors naming the
file and the tensor.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

import torch

from minidl.core.errors import ConfigError, SpecError
from minidl.workflow.export.raw import little_endian
from minidl.workflow.files.checks import child, expect_int, expect_list, expect_map, expect_str, fail
from minidl.workflow.files.document import MAGIC, starts_a_document
from minidl.workflow.files.tensors import MAX_DIMS, _swap_bytes

SAFETENSORS_DTYPES: dict[str, torch.dtype] = {
    "BOOL": torch.bool,
    "U8": torch.uint8,
    "I8": torch.int8,
    "I16": torch.int16,
    "I32": torch.int32,
    "I64": torch.int64,
    "F16": torch.float16,
    "BF16": torch.bfloat16,
    "F32": torch.float32,
    "F64": torch.float64,
}
"""The dtypes a ``.minidl`` file allows, by their safetensors names."""
SAFETENSORS_NAMES = {v: k for k, v in SAFETENSORS_DTYPES.items()}

MAX_HEADER_BYTES = 100_000_000
"""The safetensors library's own cap on the JSON header."""

METADATA = "__metadata__"
_ENTRY_KEYS = {"dtype", "shape", "data_offsets"}


@dataclass
class Entry:
    """One tensor of the file, checked but not yet read (``to_tensor`` reads it, for ``files.model.load_model``)."""

    where: str
    dtype: torch.dtype
    shape: tuple[int, ...]
    offset: int  # where its bytes start in the file
    size: int  # how many there are
    file: BinaryIO

    def to_tensor(self) -> torch.Tensor:
        """The tensor, read from the file into memory of its own."""
        raw = torch.empty(self.size, dtype=torch.uint8)
        self.file.seek(self.offset)
        if self.size and self.file.readinto(memoryview(raw.numpy())) != self.size:
            raise SpecError(f"{self.where}: the file is shorter than when its header was read")
        if self.dtype is torch.bool and bool(raw.gt(1).any()):
            raise SpecError(f"{self.where}: a bool tensor's bytes must be 0 or 1")
        tensor = raw.view(self.dtype).reshape(self.shape)
        return _swap_bytes(tensor) if sys.byteorder == "big" else tensor


def read_header(file: BinaryIO, size: int, where: str) -> tuple[dict[str, Entry], dict[str, str]]:
    """The tensors (by name, in file order) and the metadata of the safetensors file ``file`` of ``size`` bytes."""
    head = file.read(8)
    if len(head) < 8:
        raise SpecError(f"{where}: {size} bytes is too short for a safetensors file (8 bytes of header length first)")
    length = int.from_bytes(head, "little")
    if 8 + length > size and starts_a_document(head + file.read(1 + len(MAGIC) - 8)):
        raise SpecError(
            f"{where}: a minidl file, not a safetensors file: minidl reads it as it is (import-weights takes it as "
            "--spec; minidl export --format safetensors writes its weights as safetensors)"
        )
    if length > MAX_HEADER_BYTES:
        raise SpecError(
            f"{where}: not a safetensors file: its first 8 bytes give a header length of {length}, more than the "
            f"limit of {MAX_HEADER_BYTES} bytes"
        )
    if 8 + length > size:
        raise SpecError(f"{where}: header length {length} runs past the end of the file ({size} bytes)")
    header = _header_json(file.read(length), where)
    metadata = _metadata(header.pop(METADATA, {}), child(where, METADATA))
    entries = {name: _entry(value, child(where, name), file, 8 + length) for name, value in header.items()}
    _check_layout(entries, data_start=8 + length, data_size=size - 8 - length, where=where)
    return entries, metadata


def write(file: BinaryIO, tensors: Mapping[str, torch.Tensor], metadata: Mapping[str, str]) -> None:
    """Write ``tensors`` (in order, back to back) and ``metadata`` as a safetensors file."""
    header: dict[str, Any] = {METADATA: dict(metadata)}
    offset = 0
    for name, tensor in tensors.items():
        if tensor.dtype not in SAFETENSORS_NAMES:
            allowed = ", ".join(SAFETENSORS_DTYPES)
            raise ConfigError(f"tensor {name!r}: dtype {tensor.dtype} cannot be saved (allowed: {allowed})")
        size = tensor.numel() * tensor.element_size()
        header[name] = {
            "dtype": SAFETENSORS_NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as the safetensors library writes it
    file.write(len(text).to_bytes(8, "little") + text)
    for tensor in tensors.values():
        file.write(little_endian(tensor))


def strict_json(data: bytes | str, where: str, what: str = "the value") -> Any:
    """Decode JSON refusing duplicate keys, NaN/Infinity and text that is not UTF-8; any problem is a SpecError."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise SpecError(f"{child(where, key)}: duplicate key")
            out[key] = value
        return out

    def constant(name: str) -> Any:
        raise SpecError(f"{where}: {name} is not allowed in {what}")

    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data  # json.loads would also take UTF-16
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # a lone surrogate (a \ud800 escape) is not UTF-8
        return value
    except SpecError:
        raise
    except (UnicodeError, ValueError, RecursionError) as error:
        raise SpecError(f"{where}: {what} is not valid JSON ({type(error).__name__}: {str(error)[:100]})") from None


def _header_json(data: bytes, where: str) -> dict[str, Any]:
    if not data.startswith(b"{"):
        raise SpecError(f"{where}: the header must be a JSON object starting with '{{'")
    return strict_json(data, where, "the header")  # an object: it starts with "{" and is valid


def _metadata(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        fail(where, "a JSON object of strings", value)
    for key, text in value.items():
        expect_str(text, child(where, key))
    return value


def _entry(value: Any, where: str, file: BinaryIO, data_start: int) -> Entry:
    entry = expect_map(value, where, _ENTRY_KEYS)
    name = expect_str(entry["dtype"], f"{where}.dtype")
    if name not in SAFETENSORS_DTYPES:
        raise SpecError(f"{where}.dtype: expected one of {', '.join(SAFETENSORS_DTYPES)}, got {name!r}")
    dims = expect_list(entry["shape"], f"{where}.shape")
    if len(dims) > MAX_DIMS:
        raise SpecError(f"{where}.shape: expected at most {MAX_DIMS} dimensions, got {len(dims)}")
    count = 1
    for i, dim in enumerate(dims):
        count *= expect_int(dim, f"{where}.shape[{i}]")
    offsets = expect_list(entry["data_offsets"], f"{where}.data_offsets")
    if len(offsets) != 2:
        fail(f"{where}.data_offsets", "[begin, end]", offsets)
    begin, end = (expect_int(o, f"{where}.data_offsets[{i}]") for i, o in enumerate(offsets))
    if end < begin:
        raise SpecError(f"{where}.data_offsets: {offsets} ends before it begins")
    size = count * torch.empty((), dtype=SAFETENSORS_DTYPES[name]).element_size()
    if end - begin != size:
        raise SpecError(
            f"{where}.data_offsets: {offsets} holds {end - begin} bytes, but shape {dims} of {name} needs {size}"
        )
    return Entry(where, SAFETENSORS_DTYPES[name], tuple(dims), data_start + begin, size, file)


def _check_layout(entries: dict[str, Entry], data_start: int, data_size: int, where: str) -> None:
    """The tensors tile the data exactly (sorted by offset: no gap, no overlap, nothing after the last)."""
    expected = 0
    for entry in sorted(entries.values(), key=lambda e: (e.offset, e.size)):
        begin = entry.offset - data_start
        if begin != expected:
            problem = "overlaps the tensor before it" if begin < expected else "leaves a gap before it"
            raise SpecError(f"{entry.where}.data_offsets: starts at {begin}, which {problem} (expected {expected})")
        expected += entry.size
    if expected != data_size:
        raise SpecError(
            f"{where}: the tensors hold {expected} bytes but the data after the header has {data_size}"
            + (" (trailing bytes)" if expected < data_size else " (the file is truncated)")
        )
