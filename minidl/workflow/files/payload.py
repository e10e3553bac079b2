"""A tensor's bytes as read from a file, and their CRC-32, computed while the rest of the file is read.

Checksumming costs about half as much as reading the bytes. zlib.crc32 releases the GIL on large
buffers, so a background thread checks one large tensor while the main thread reads the next (and then
builds the model); small payloads are checked when asked and never start a thread.
"""

from __future__ import annotations

import zlib
from concurrent.futures import Future, ThreadPoolExecutor

import torch


class Payload:
    """The ``data`` of a tensor-table entry and its actual CRC-32.

    Large payloads were read straight into a uint8 tensor (see stream.py); small ones stay the ``bytes``
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


class Checksums:
    """Makes Payloads; large ones are checksummed, in order, by one background thread that ends after ``close``."""

    def __init__(self) -> None:
        self._worker: ThreadPoolExecutor | None = None

    def payload(self, data: bytes | torch.Tensor) -> Payload:
        if isinstance(data, bytes):
            return Payload(data)
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minidl-crc32")
        return Payload(data, self._worker.submit(zlib.crc32, memoryview(data.numpy())))

    def close(self) -> None:
        """No more payloads: the thread finishes the queued checksums, then ends (nobody waits for it here)."""
        if self._worker is not None:
            self._worker.shutdown(wait=False)
