"""A msgpack stream over a file whose large ``bin`` values go straight from the file into tensor memory.

msgpack's Unpacker copies a bin payload into its buffer and then into a new ``bytes``, and making a
tensor of those bytes copies them once more. Here the Unpacker still decodes everything small (keys,
dtypes, shapes, the spec) with the caller's strict options, while :meth:`Stream.read_payload` takes the
few bytes the Unpacker has read ahead and ``readinto``s the rest of the payload from the file into a
fresh uint8 tensor: one copy, from the page cache to the tensor. The Unpacker reads through
:class:`_Source`, which counts what it hands out, so the stream always knows its offset in the file.

A :class:`Payload` carries its CRC-32: zlib.crc32 releases the GIL on large buffers, so one background
thread checks a large tensor (half the cost of reading it) while the main thread reads the next.

The caller turns msgpack's exceptions into SpecError; a payload that the file's end cuts short raises
``msgpack.OutOfData`` like any other truncation.
"""

from __future__ import annotations

import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, BinaryIO

import msgpack
import torch

_MAP_HEADERS = frozenset([*range(0x80, 0x90), 0xDE, 0xDF])  # fixmap, map 16, map 32
_BIN_LENGTH_BYTES = {0xC4: 1, 0xC5: 2, 0xC6: 4}  # bin 8, bin 16, bin 32

DIRECT_BYTES = 2**16
"""Payloads at least this long go from the file into a tensor; shorter ones are returned as ``bytes``."""


class Payload:
    """The ``data`` of a tensor-table entry and its actual CRC-32.

    Large payloads were read straight into a uint8 tensor (below); small ones stay the ``bytes``
    msgpack gave, because a tensor and a thread's future each cost far more memory than a few bytes of
    file, which a table of many tiny entries would multiply.
    """

    __slots__ = ("_checksum", "_data")

    def __init__(self, data: bytes | torch.Tensor, checksum: Future[int] | None = None) -> None:
        self._data = data
        self._checksum = checksum  # a large payload's CRC-32, being computed; a small one's is computed when asked

    def __len__(self) -> int:
        return len(self._data) if isinstance(self._data, bytes) else self._data.numel()

    @property
    def crc32(self) -> int:
        """The CRC-32 of the bytes (waits for the background thread if it is still computing it)."""
        return zlib.crc32(self._data) if self._checksum is None else self._checksum.result()

    def tensor(self) -> torch.Tensor:
        """The bytes as a uint8 tensor that owns its memory (a fresh allocation, so aligned for any dtype)."""
        if isinstance(self._data, torch.Tensor):
            return self._data
        tensor = torch.empty(len(self._data), dtype=torch.uint8)
        memoryview(tensor.numpy())[:] = self._data
        return tensor


class _Source:
    """The file as the Unpacker sees it: ``read`` counts the bytes handed out, ``readinto`` bypasses the Unpacker."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.position = 0  # bytes read so far, by the Unpacker or around it
        self._chunk = b""  # the last bytes handed to the Unpacker, and where they start in the file
        self._chunk_start = 0

    def read(self, n: int = -1) -> bytes:
        data = self.file.read(n)
        self._chunk, self._chunk_start = data, self.position
        self.position += len(data)
        return data

    def readinto(self, view: memoryview) -> int:
        """Fill ``view`` from the file (several reads if needed); fewer bytes only at the file's end."""
        filled = 0
        while filled < len(view):
            n = self.file.readinto(view[filled:])
            if not n:
                break
            filled += n
        self.position += filled
        return filled

    def byte_at(self, offset: int) -> int | None:
        """The byte at ``offset`` (None past the end), leaving the read position where it was.

        Usually it is in the last chunk handed to the Unpacker (not consumed yet); else it is read.
        """
        i = offset - self._chunk_start
        if 0 <= i < len(self._chunk):
            return self._chunk[i]
        self.file.seek(offset)
        byte = self.file.read(1)
        self.file.seek(self.position)
        return byte[0] if byte else None


class Stream:
    """Sequential msgpack values from ``file`` (positioned at its start, ``size`` bytes long)."""

    def __init__(self, file: BinaryIO, size: int, **unpacker_options: Any) -> None:
        self.size = size
        self._source = _Source(file)
        self._unpacker = msgpack.Unpacker(self._source, **unpacker_options)
        self._bypassed = 0  # payload bytes read around the Unpacker (its tell() does not count them)
        self._checksums: ThreadPoolExecutor | None = None

    @property
    def offset(self) -> int:
        """Where the next value starts in the file."""
        return self._unpacker.tell() + self._bypassed

    def unpack(self) -> Any:
        """The next value, decoded whole by msgpack."""
        return self._unpacker.unpack()

    def read_map_header(self) -> int:
        """The number of entries of the map that starts here (its keys and values follow)."""
        return self._unpacker.read_map_header()

    def next_is_map(self) -> bool:
        return self._peek() in _MAP_HEADERS

    def next_is_bin(self) -> bool:
        return self._peek() in _BIN_LENGTH_BYTES

    def _peek(self) -> int | None:
        """The type byte of the next value, read from the file: a hint for branching only.

        What is decoded always comes from the Unpacker (or :meth:`_read_bin`, which checks the byte again),
        so a file that changes while it is read cannot make the stream skip a check.
        """
        return self._source.byte_at(self.offset)

    def read_payload(self) -> Payload:
        """The bin value that starts here, as a Payload; a large one's CRC-32 is computed on a second thread."""
        data = self._read_bin()
        if isinstance(data, bytes):
            return Payload(data)
        if self._checksums is None:
            self._checksums = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minidl-crc32")
        return Payload(data, self._checksums.submit(zlib.crc32, memoryview(data.numpy())))

    def close(self) -> None:
        """No more payloads: the checksum thread finishes the queued ones, then ends (nobody waits for it here)."""
        if self._checksums is not None:
            self._checksums.shutdown(wait=False)

    def _read_bin(self) -> bytes | torch.Tensor:
        """The bin value that starts here: in a fresh uint8 tensor if it is large, else as ``bytes``.

        Its declared length is checked against the bytes left in the file before anything is allocated,
        so a payload never costs more memory than the file's size. Small payloads are left to msgpack:
        they are mostly in its buffer already, and a tensor each would cost more than its bytes.
        """
        head = self._unpacker.read_bytes(1)
        if not head or head[0] not in _BIN_LENGTH_BYTES:
            raise ValueError("the file changed while it was read (expected a bin value)")
        width = _BIN_LENGTH_BYTES[head[0]]
        length = self._unpacker.read_bytes(width)
        if len(length) < width:
            raise msgpack.OutOfData
        n = int.from_bytes(length, "big")
        if n > self.size - self.offset:
            raise msgpack.OutOfData
        if n < DIRECT_BYTES:
            data = self._unpacker.read_bytes(n)
            if len(data) < n:
                raise msgpack.OutOfData
            return data
        # numpy gives the writable view of the tensor's own memory: a torch storage has no buffer protocol,
        # and a bytearray (for torch.frombuffer) would be zero-filled first, one more pass over the memory.
        tensor = torch.empty(n, dtype=torch.uint8)
        view = memoryview(tensor.numpy())
        ahead = min(n, self._source.position - self.offset)  # what the Unpacker has already buffered
        view[:ahead] = self._unpacker.read_bytes(ahead)
        rest = self._source.readinto(view[ahead:])
        self._bypassed += rest
        if ahead + rest < n:
            raise msgpack.OutOfData
        return tensor
