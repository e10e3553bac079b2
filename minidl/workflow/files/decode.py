"""Strict msgpack decoding of a whole file: the one place where msgpack's exceptions become SpecError.

The file is read through a :class:`Stream` (``raw=False, strict_map_key=True``, buffer capped at the
file's size), so no declared length can ask for more memory than the file holds. The top-level map,
the tensor table and its entries are walked here; every other value is decoded whole by msgpack, and
each entry's ``data`` bin becomes a :class:`Payload` (a large one read from the file straight into a
uint8 tensor, its checksum computed while the rest is read). The decoded document therefore costs
about one copy of the file, which becomes the model's weights without another copy. The format puts
``tensors`` last, so the caller checks everything before it (``check_head``) before a single payload
is allocated. Maps with duplicate or non-string keys and extension types are replaced by markers
while decoding, then reported with their location by one walk over the document, which also rejects
anything that is not plain data.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from minidl.core.errors import SpecError
from minidl.workflow.files.checks import child
from minidl.workflow.files.format import FORMAT_ID, MAGIC, MAX_FILE_BYTES
from minidl.workflow.files.payload import Checksums, Payload
from minidl.workflow.files.stream import Stream

_READ_SIZE = 2**16  # the Unpacker's read-ahead: payloads bypass it, so it only holds the small values
_PLAIN = (str, int, float, bool, bytes, type(None), Payload)


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


HeadCheck = Callable[[dict[str, Any], bool], None]
"""``check_head(entries, table_follows)``: called on reaching ``tensors`` with the entries before it."""


def read_document(
    path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES, check_head: HeadCheck | None = None
) -> dict[str, Any]:
    """Decode the file at ``path`` into plain data (maps with string keys, lists, scalars, bytes, Payloads).

    ``tensors`` must be the top-level map's last entry. On reaching it, ``check_head`` gets the entries
    before it (already checked to be plain data) and whether a tensor table (a map) follows, so a file
    whose header is wrong is refused before its payloads cost any memory. Errors about the file as a
    whole name it by ``path``.
    """
    path = Path(path)
    name = str(path)
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise SpecError(f"{name}: not a regular file")
    with open(path, "rb", buffering=0) as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            raise SpecError(f'{name}: empty (expected a msgpack map starting with "format": "minidl")')
        if size > max_bytes:
            raise SpecError(f"{name}: {size} bytes is more than the limit of {max_bytes} (pass max_bytes to load it)")
        head = file.read(1 + len(MAGIC))
        if len(head) < 1 + len(MAGIC) or not 0x80 <= head[0] <= 0x8F or head[1:] != MAGIC:
            raise SpecError(f'{name}: not a minidl file (expected a msgpack map starting with "format": {FORMAT_ID!r})')
        file.seek(0)
        stream = Stream(
            file,
            size,
            read_size=min(_READ_SIZE, size),
            raw=False,
            strict_map_key=True,
            object_pairs_hook=_pairs,
            ext_hook=_ext,
            max_buffer_size=size,
        )
        checksums = Checksums()
        try:
            document = _read_top(stream, checksums, name, check_head)
        except SpecError:
            raise
        except msgpack.OutOfData:
            raise SpecError(
                f"{name}: truncated (the msgpack document does not end within the file's {size} bytes)"
            ) from None
        except (ValueError, TypeError, OverflowError, msgpack.UnpackException) as error:
            raise SpecError(f"{name}: invalid msgpack ({type(error).__name__}: {error})") from None
        finally:
            checksums.close()
        end = stream.offset
    if end != size:
        raise SpecError(f"{name}: {size - end} trailing bytes after the msgpack document (which ends at byte {end})")
    _check_plain(document, name)
    return document


def _read_top(stream: Stream, checksums: Checksums, name: str, check_head: HeadCheck | None) -> Any:
    """The top-level map; the header entries are checked when ``tensors``, the last entry, is reached."""
    count = stream.read_map_header()
    pairs: list[tuple[Any, Any]] = []
    for i in range(count):
        key = stream.unpack()
        if key != "tensors":
            pairs.append((key, stream.unpack()))
            continue
        if i != count - 1:
            raise SpecError(f"tensors: must be the last entry of the file's map, but {count - 1 - i} more follow it")
        head = _pairs(pairs)
        _check_plain(head, name)
        if check_head is not None:
            check_head(head, stream.next_is_map())
        pairs.append((key, _read_table(stream, checksums)))
    return _pairs(pairs)


def _read_map(stream: Stream, read_value: Any) -> dict[str, Any] | _Invalid:
    """The map that starts here, each value read by ``read_value(key)``; keys are checked as msgpack's maps are."""
    pairs = []
    for _ in range(stream.read_map_header()):
        key = stream.unpack()
        pairs.append((key, read_value(key)))
    return _pairs(pairs)


def _read_table(stream: Stream, checksums: Checksums) -> Any:
    """The tensor table; anything but a map (nil in a spec file, or a malformed table) is decoded whole."""
    if not stream.next_is_map():
        return stream.unpack()
    return _read_map(stream, lambda name: _read_entry(stream, checksums))


def _read_entry(stream: Stream, checksums: Checksums) -> Any:
    """One table entry: its ``data`` bin becomes a Payload, every other value is decoded whole."""
    if not stream.next_is_map():
        return stream.unpack()

    def value(key: Any) -> Any:
        if key == "data" and stream.next_is_bin():
            return checksums.payload(stream.read_bin())
        return stream.unpack()

    return _read_map(stream, value)


def _check_plain(document: Any, name: str) -> None:
    """Walk the document (iteratively: nesting depth is the file's choice) and report the first forbidden value.

    A problem of the top-level map itself is reported at ``name``, the file's.
    """
    stack: list[tuple[Any, str]] = [(document, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, _Invalid):
            raise SpecError(f"{where or name}: {value.problem}")
        if isinstance(value, dict):
            stack.extend((v, child(where, k)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, child(where, i)) for i, v in reversed(list(enumerate(value))))
        elif not isinstance(value, _PLAIN):
            raise SpecError(f"{where or name}: {type(value).__name__} values are not allowed (plain msgpack data only)")
