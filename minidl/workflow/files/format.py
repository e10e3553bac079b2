"""The constants of the ``.minidl`` format (specs/FORMAT.md describes it for readers in any language)."""

from __future__ import annotations

import msgpack
import torch

FORMAT_ID = "minidl"
FORMAT_VERSION = 1
"""The version this minidl writes; it reads every version from 1 up to this one."""

EXTENSION = ".minidl"
FILE_KINDS = ("spec", "model", "checkpoint")

MAGIC = msgpack.packb("format") + msgpack.packb(FORMAT_ID)
"""A file is a msgpack fixmap whose first entry is ``"format": "minidl"``: these bytes follow its first byte."""

MAX_FILE_BYTES = 16 * 2**30
"""Larger files are refused before anything is read (``load(path, max_bytes=...)`` raises the cap)."""

MAX_SPEC_MODEL_BYTES = 2**30
"""A spec file holds no weights, so its size says nothing about the model it builds: this caps that model."""

MAX_TENSOR_BYTES = 2**32 - 1  # one msgpack bin holds at most this many bytes
MAX_DIMS = 32

DTYPES: dict[str, torch.dtype] = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}
DTYPE_NAMES: dict[torch.dtype, str] = {v: k for k, v in DTYPES.items()}
