"""Any exception as one plain line for the status area: the app shows it and goes on (no Textual here).

minidl's own errors already say what and where; the operating system's get plain words instead of
``[Errno 2] ...``; anything else (a plugin's bug, torch refusing an allocation) is named by its type
and the first line of its message, since some messages carry pages of C++ frames.
"""

from __future__ import annotations

import errno
import re

from minidl.core.errors import MinidlError

MAX_LENGTH = 300
OS_WORDS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "a folder, not a file",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "the file would be too large",
    errno.EROFS: "the disk is read-only",
    errno.ENAMETOOLONG: "the name is too long",
}
TORCH_ALLOCATION = re.compile(r"can't allocate memory: you tried to allocate (\d+) bytes")


def explain(error: BaseException) -> str:
    """One line saying what went wrong, without a traceback."""
    if isinstance(error, OSError) and not isinstance(error, MinidlError):
        text = os_words(error)
    elif isinstance(error, MinidlError):
        text = str(error)
    elif isinstance(error, MemoryError):
        text = "out of memory" + (f": {error}" if str(error) else "")
    elif allocation := TORCH_ALLOCATION.search(str(error)):
        text = f"not enough memory: one tensor alone needs {int(allocation.group(1)) / 1e9:.3g} GB"
    else:
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    lines = text.strip().splitlines() or [type(error).__name__]
    first = lines[0]
    return first if len(first) <= MAX_LENGTH else first[: MAX_LENGTH - 1] + "…"


def could_not_open(path: object, error: BaseException) -> str:
    """``could not open PATH: why``, without the path a second time when the error already starts with it."""
    why = explain(error)
    return f"could not open {path}: {why.removeprefix(f'{path}: ')}"


def os_words(error: OSError) -> str:
    """``no such file``, ``permission denied``, ...: what the system said, in words, without the path."""
    words = OS_WORDS.get(error.errno or 0)
    if words is None:
        words = (error.strerror or str(error) or type(error).__name__).lower()
    return words
