"""Strict msgpack decoding of a whole file: the one place where msgpack's exceptions become SpecError.

The file is streamed through ``msgpack.Unpacker`` (``raw=False, strict_map_key=True``) with its buffer
capped at the file's size, so no declared length can ask for more memory than the file holds and the
decoded document (tensor bytes included) costs about one copy of the file. Maps with duplicate or
non-string keys and extension types are replaced by markers while decoding, then reported with their
location by one walk over the document, which also rejects anything that is not plain data.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from minidl.core.errors import SpecError
from minidl.workflow.files.checks import child
from minidl.workflow.files.format import FORMAT_ID, MAGIC, MAX_FILE_BYTES

_READ_SIZE = 8 * 2**20
_PLAIN = (str, int, float, bool, bytes, type(None))


@dataclass(frozen=True)
class _Invalid:
    """Stands in for a map or extension value that the format forbids, until the walk can name its place."""

    problem: str


def _pairs(pairs: list[tuple[Any, Any]]) -> dict[str, Any] | _Invalid:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if not isinstance(key, str):
            return _Invalid(f"map key {key!r} is not a string")
        if key in out:
            return _Invalid(f"duplicate key {key!r}")
        out[key] = value
    return out


def _ext(code: int, data: bytes) -> _Invalid:
    return _Invalid(f"msgpack extension type {code} is not allowed")


def read_document(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> dict[str, Any]:
    """Decode the file at ``path`` into plain data (maps with string keys, lists, scalars, bytes)."""
    path = Path(path)
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise SpecError(f"{path}: not a regular file")
    with open(path, "rb", buffering=0) as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            raise SpecError("file: empty (expected a msgpack map starting with \"format\": \"minidl\")")
        if size > max_bytes:
            raise SpecError(f"file: {size} bytes is more than the limit of {max_bytes} (pass max_bytes to load it)")
        head = file.read(1 + len(MAGIC))
        if len(head) < 1 + len(MAGIC) or not 0x80 <= head[0] <= 0x8F or head[1:] != MAGIC:
            raise SpecError(f"file: not a minidl file (expected a msgpack map starting with \"format\": {FORMAT_ID!r})")
        file.seek(0)
        unpacker = msgpack.Unpacker(
            file,
            read_size=min(_READ_SIZE, size),
            raw=False,
            strict_map_key=True,
            object_pairs_hook=_pairs,
            ext_hook=_ext,
            max_buffer_size=size,
        )
        try:
            document = unpacker.unpack()
        except msgpack.OutOfData:
            raise SpecError(f"file: truncated (the msgpack document does not end within the file's {size} bytes)") from None
        except (ValueError, TypeError, OverflowError, msgpack.UnpackException) as error:
            raise SpecError(f"file: invalid msgpack ({type(error).__name__}: {error})") from None
        end = unpacker.tell()
    if end != size:
        raise SpecError(f"file: {size - end} trailing bytes after the msgpack document (which ends at byte {end})")
    _check_plain(document)
    return document


def _check_plain(document: Any) -> None:
    """Walk the document (iteratively: nesting depth is the file's choice) and report the first forbidden value."""
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, _Invalid):
            raise SpecError(f"{where or 'file'}: {value.problem}")
        if isinstance(value, dict):
            stack.extend((v, child(where, k)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, child(where, i)) for i, v in reversed(list(enumerate(value))))
        elif not isinstance(value, _PLAIN):
            raise SpecError(f"{where or 'file'}: {type(value).__name__} values are not allowed (plain msgpack data only)")
