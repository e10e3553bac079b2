"""The document: one msgpack map (format, version, producer, kind, spec, [state,] tensors), read strictly, written
with the tensors last (specs/FORMAT.md describes it for readers in any language).

Reading goes through a :class:`Stream` (``raw=False, strict_map_key=True``, buffer capped at the file's
size: no declared length can ask for more memory than the file holds); this is the one place where
msgpack's exceptions become SpecError. Each tensor's ``data`` is read straight into tensor memory, so
the document costs about one copy of the file, which becomes the weights without another. Reaching
``tensors``, the last entry, checks the header before a single payload is allocated. Duplicate or
non-string keys and extension types become markers while decoding, reported with their place by one
walk that also refuses anything that is not plain data.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from typing import Any, BinaryIO

import msgpack
import torch

from minidl import registry
from minidl.core.errors import SpecError
from minidl.version import __version__
from minidl.workflow.files.atomic import atomic_write
from minidl.workflow.files.checks import as_spec_error, child, expect_int, expect_list, expect_map, expect_str
from minidl.workflow.files.stream import Payload, Stream
from minidl.workflow.files.tensors import write_table
from minidl.workflow.spec import normalize

FORMAT_ID = "minidl"
FORMAT_VERSION = 1
"""The version this minidl writes; it reads every version from 1 up to this one."""
EXTENSION = ".minidl"
FILE_KINDS = ("spec", "model", "checkpoint")
MAGIC = msgpack.packb("format") + msgpack.packb(FORMAT_ID)
"""A file is a msgpack fixmap whose first entry is ``"format": "minidl"``: these bytes follow its first byte."""
MAX_FILE_BYTES = 16 * 2**30
"""Larger files are refused before anything is read (``load(path, max_bytes=...)`` raises the cap)."""

_KEYS = {"format", "version", "producer", "kind", "spec", "tensors"}
_READ_SIZE = 2**16  # the Unpacker's read-ahead: payloads bypass it, so it only holds the small values
_PLAIN = (str, int, float, bool, bytes, type(None), Payload)


@dataclass(frozen=True)
class Document:
    """A file's checked header (kind, producer, normalised spec) and its still unchecked ``state`` and ``tensors``."""

    kind: str
    producer: dict[str, Any]
    spec: dict[str, Any]
    state: Any
    tensors: Any


_EXPECTED = f'expected a msgpack map starting with "format": "{FORMAT_ID}"'


def starts_a_document(head: bytes) -> bool:
    """Whether ``head``, a file's first ``1 + len(MAGIC)`` bytes, starts a minidl document."""
    return len(head) == 1 + len(MAGIC) and 0x80 <= head[0] <= 0x8F and head[1:] == MAGIC


def _what_else(head: bytes, size: int) -> str:
    """What a file that is not a minidl document is, as far as its first bytes tell: a safetensors file is named."""
    if head[8:9] == b"{" and 8 + int.from_bytes(head[:8], "little") <= size:  # header length, then its JSON
        return "a safetensors file, not a minidl file (minidl import-weights makes a model file of it)"
    return f"not a minidl file ({_EXPECTED})"


def read_document(path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES) -> Document:
    """Decode and check the file at ``path``; errors about the file as a whole name it by ``path``."""
    name = str(path)
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise SpecError(f"{name}: not a regular file")
    with open(path, "rb", buffering=0) as file:
        size = os.fstat(file.fileno()).st_size
        if size == 0:
            raise SpecError(f"{name}: empty ({_EXPECTED})")
        if size > max_bytes:
            raise SpecError(f"{name}: {size} bytes is more than the limit of {max_bytes} (pass max_bytes to load it)")
        head = file.read(1 + len(MAGIC))
        if not starts_a_document(head):
            raise SpecError(f"{name}: {_what_else(head, size)}")
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
        try:
            entries, header, tensors = _read_top(stream, name)
        except SpecError:
            raise
        except msgpack.OutOfData:
            raise SpecError(
                f"{name}: truncated (the msgpack document does not end within the file's {size} bytes)"
            ) from None
        except (ValueError, TypeError, OverflowError, msgpack.UnpackException) as error:
            raise SpecError(f"{name}: invalid msgpack ({type(error).__name__}: {error})") from None
        finally:
            stream.close()
        end = stream.offset
    if end != size:
        raise SpecError(f"{name}: {size - end} trailing bytes after the msgpack document (which ends at byte {end})")
    header = header or _read_header(entries, name, tensors_follow=False)
    _check_plain(tensors, "tensors")
    if header.kind == "spec" and tensors is not None:
        raise SpecError("tensors: expected nil in a spec file (a spec has no weights)")
    return Document(header.kind, header.producer, header.spec, header.state, tensors)


def _read_top(stream: Stream, name: str) -> tuple[Any, Document | None, Any]:
    """The top-level map's entries before ``tensors``, their header checked on reaching it (the last entry), and the
    tensor table; without ``tensors``, the entries and no header (the caller checks them when the file has ended)."""
    count = stream.read_map_header()
    pairs: list[tuple[Any, Any]] = []
    for i in range(count):
        key = stream.unpack()
        if key == "tensors":
            if i != count - 1:
                raise SpecError(
                    f"tensors: must be the last entry of the file's map, but {count - 1 - i} more follow it"
                )
            entries = _pairs(pairs)
            header = _read_header(entries, name, tensors_follow=True)
            if header.kind == "spec" and stream.next_is_map():
                raise SpecError("tensors: expected nil in a spec file (a spec has no weights)")
            return entries, header, _read_table(stream)
        pairs.append((key, stream.unpack()))
    return _pairs(pairs), None, None


def _read_table(stream: Stream) -> Any:
    """The tensor table; anything but a map (nil in a spec file, or a malformed table) is decoded whole."""
    if not stream.next_is_map():
        return stream.unpack()
    return _read_map(stream, lambda name: _read_entry(stream))


def _read_entry(stream: Stream) -> Any:
    """One table entry: its ``data`` bin becomes a Payload, every other value is decoded whole."""
    if not stream.next_is_map():
        return stream.unpack()
    return _read_map(
        stream, lambda key: stream.read_payload() if key == "data" and stream.next_is_bin() else stream.unpack()
    )


def _read_map(stream: Stream, read_value: Any) -> dict[str, Any] | _Invalid:
    """The map that starts here, each value read by ``read_value(key)``; keys are checked as msgpack's maps are."""
    pairs = []
    for _ in range(stream.read_map_header()):
        key = stream.unpack()
        pairs.append((key, read_value(key)))
    return _pairs(pairs)


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


def _check_plain(document: Any, where: str) -> None:
    """Walk the document (iteratively: nesting depth is the file's choice) and report the first forbidden value."""
    stack: list[tuple[Any, str]] = [(document, where)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, _Invalid):
            raise SpecError(f"{at}: {value.problem}")
        if isinstance(value, dict):
            stack.extend((v, child(at, k)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, child(at, i)) for i, v in reversed(list(enumerate(value))))
        elif not isinstance(value, _PLAIN):
            raise SpecError(f"{at}: {type(value).__name__} values are not allowed (plain msgpack data only)")


def _read_header(entries: Any, name: str, tensors_follow: bool) -> Document:
    """Format, version, kind, keys, producer and spec of the top-level entries (``tensors`` excluded if still to come).

    A problem of the top-level map itself is reported at ``name``, the file's.
    """
    if isinstance(entries, _Invalid):
        raise SpecError(f"{name}: {entries.problem}")
    _check_plain(entries, "")
    if entries.get("format") != FORMAT_ID:
        raise SpecError(f"format: expected {FORMAT_ID!r} (this is not a minidl file)")
    version = expect_int(entries.get("version"), "version", 1)
    if version > FORMAT_VERSION:
        producer = entries.get("producer")
        needed = producer.get("minidl") if isinstance(producer, dict) else None
        if not isinstance(needed, str):
            raise SpecError("producer.minidl: missing (cannot tell which minidl wrote this file)")
        raise SpecError(
            f"version: this file has format version {version}, but minidl {__version__} reads versions up to "
            f"{FORMAT_VERSION}; it was written by minidl {needed}: install minidl>={needed}"
        )
    kind = expect_str(entries.get("kind"), "kind")
    if kind not in FILE_KINDS:
        raise SpecError(f"kind: expected one of {', '.join(FILE_KINDS)}, got {kind!r}")
    keys = _KEYS | ({"state"} if kind == "checkpoint" else set())
    expect_map(entries, "", keys - ({"tensors"} if tensors_follow else set()))
    producer = read_producer(entries["producer"])
    return Document(kind, producer, read_spec(entries["spec"], producer), entries.get("state"), None)


def read_spec(value: Any, producer: dict[str, Any]) -> dict[str, Any]:
    """The normalised spec; an unknown component's message says which distribution provided it."""
    try:
        with as_spec_error():
            return normalize(value, "spec")
    except LookupError as error:
        hints = [
            f"{item['kind']} {item['id']!r} was provided by {item['distribution']} {item['version']} when this "
            f"file was saved: install {item['distribution']}>={item['version']}"
            for item in producer["components"]
            if f"{item['kind']} {item['id']!r}" in str(error) and not registry.unavailable(item["distribution"])
        ]  # a provider that is installed but did not load (failed, blocked) needs none: the message says why
        raise SpecError(f"{error}" + (f" ({'; '.join(hints)})" if hints else "")) from None


def producer_of(spec: dict[str, Any]) -> dict[str, Any]:
    """Who made a file holding ``spec``: this minidl, and the distribution and version of each component (once)."""
    training = spec["training"] or {}
    refs = [("module", layer) for layer in spec["model"]["layers"]] + [("initializer", spec["model"]["init"])]
    refs += [(kind, training[kind]) for kind in ("dataset", "loss", "optimizer", "scheduler") if training.get(kind)]
    components: list[dict[str, str]] = []
    for kind, ref in refs:
        item = {"kind": kind, "id": ref["component"], **registry.provider(kind, ref["component"])}
        if item not in components:
            components.append(item)
    return {"minidl": __version__, "components": components}


def read_producer(value: Any, where: str = "producer") -> dict[str, Any]:
    """The producer entry of a file, checked."""
    producer = expect_map(value, where, {"minidl", "components"})
    expect_str(producer["minidl"], f"{where}.minidl")
    for i, item in enumerate(expect_list(producer["components"], f"{where}.components")):
        at = child(f"{where}.components", i)
        for key, text in expect_map(item, at, {"kind", "id", "distribution", "version"}).items():
            expect_str(text, f"{at}.{key}")
    return producer


def write_document(
    path: str | os.PathLike[str],
    kind: str,
    spec: dict[str, Any],
    tensors: dict[str, torch.Tensor] | None,
    state: dict[str, Any] | None = None,
) -> None:
    """One msgpack map, atomically: format, version, producer, kind, spec, [state,] tensors (last, streamed)."""
    header: dict[str, Any] = {
        "format": FORMAT_ID,
        "version": FORMAT_VERSION,
        "producer": producer_of(spec),
        "kind": kind,
        "spec": spec,
        **({} if state is None else {"state": state}),
    }

    def write(file: BinaryIO) -> None:
        packer = msgpack.Packer()
        file.write(packer.pack_map_header(len(header) + 1))
        for key, value in header.items():
            file.write(packer.pack(key) + packer.pack(value))
        file.write(packer.pack("tensors"))
        if tensors is None:
            file.write(packer.pack(None))
        else:
            write_table(file, tensors)

    atomic_write(path, write)
