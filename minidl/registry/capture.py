"""What a plugin prints while it loads is kept for ``minidl plugins``, not mixed into a command's output.

Both levels are captured: Python's ``sys.stdout``/``sys.stderr`` (``print``, warnings) and the file
descriptors 1 and 2 underneath (``os.write``, C extensions, subprocesses), so ``minidl components --json``
stays valid JSON whatever a plugin does at import. The descriptors are process-wide: the registry loads
before an interface starts drawing (the TUI builds its first session before the app runs).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import IO

from minidl.registry.text import plain_text

LIMIT = 20_000  # characters kept per distribution


class Captured:
    """The text written while capturing; complete once the ``with`` block has ended, however it ended."""

    __slots__ = ("text",)

    def __init__(self) -> None:
        self.text = ""


@contextlib.contextmanager
def captured_output(into: Captured) -> Iterator[None]:
    """Capture both levels of stdout and stderr inside the block into ``into.text`` (stderr interleaved)."""
    python_level = io.StringIO()
    with tempfile.TemporaryFile() as descriptor_level:
        try:
            with (
                _descriptors_into(descriptor_level),
                contextlib.redirect_stdout(python_level),
                contextlib.redirect_stderr(python_level),
            ):
                yield
        finally:
            descriptor_level.seek(0)
            raw = descriptor_level.read(LIMIT + 1).decode("utf-8", errors="replace")
            into.text = _bounded(python_level.getvalue() + raw)


@contextlib.contextmanager
def _descriptors_into(file: IO[bytes]) -> Iterator[None]:
    _flush_standard_streams()  # the host's pending output is the host's: write it out before redirecting
    saved: list[tuple[int, int]] = []
    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):  # a closed descriptor (no console): nothing to capture there
                saved.append((fd, os.dup(fd)))
                os.dup2(file.fileno(), fd)
        yield
    finally:
        _flush_standard_streams()  # what the plugin left in Python's buffers of the real streams is the plugin's
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)


def _flush_standard_streams() -> None:
    for stream in {id(s): s for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)}.values():
        with contextlib.suppress(Exception):
            stream.flush()


def _bounded(text: str) -> str:
    """At most LIMIT characters, as plain text (line breaks kept, escape sequences shown, not sent)."""
    if len(text) > LIMIT:
        text = f"{text[:LIMIT]}\n... (output cut at {LIMIT} characters)"
    return plain_text(text.replace("\r\n", "\n"), newlines=True)
