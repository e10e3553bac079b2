"""What a plugin prints while it loads is kept for ``minidl plugins``, not mixed into a command's output.

Both levels are captured: Python's ``sys.stdout``/``sys.stderr`` (``print``, warnings) and the file
descriptors 1 and 2 underneath (``os.write``, C extensions, subprocesses), so ``minidl components --json``
stays valid JSON whatever a plugin does at import. The descriptors are process-wide: the registry loads
before an interface starts drawing (the TUI builds its first session before the app runs).
A signal that arrives while capturing is the host's: its handler runs with the real streams back in
place, so that ``minidl: interrupted by SIGTERM`` reaches the terminal instead of the capture file.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from types import FrameType
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
    real_streams = (sys.stdout, sys.stderr)

    @contextlib.contextmanager
    def real_streams_back() -> Iterator[None]:
        captured_streams = (sys.stdout, sys.stderr)
        for fd, copy in saved:
            os.dup2(copy, fd)
        sys.stdout, sys.stderr = real_streams
        try:
            yield
        finally:
            for fd, _ in saved:
                os.dup2(file.fileno(), fd)
            sys.stdout, sys.stderr = captured_streams

    try:
        for fd in (1, 2):
            with contextlib.suppress(OSError):  # a closed descriptor (no console): nothing to capture there
                saved.append((fd, os.dup(fd)))
                os.dup2(file.fileno(), fd)
        with _host_signals_within(real_streams_back):
            yield
    finally:
        _flush_standard_streams()  # what the plugin left in Python's buffers of the real streams is the plugin's
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)


@contextlib.contextmanager
def _host_signals_within(real_streams_back: Callable[[], contextlib.AbstractContextManager]) -> Iterator[None]:
    """Inside the block, each Python signal handler of the host runs within ``real_streams_back()``."""
    previous: dict[int, Callable] = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        handler = None if signum is None else signal.getsignal(signum)
        if not callable(handler):
            continue  # the default action or ignored: nothing of the host's to print

        def host_first(number: int, frame: FrameType | None, handler: Callable = handler) -> None:
            with real_streams_back():
                handler(number, frame)

        try:
            previous[signum] = signal.signal(signum, host_first)
        except ValueError:  # not the main thread, which alone receives signals
            break
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _flush_standard_streams() -> None:
    for stream in {id(s): s for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__)}.values():
        with contextlib.suppress(Exception):
            stream.flush()


def _bounded(text: str) -> str:
    """At most LIMIT characters, as plain text (line breaks kept, escape sequences shown, not sent)."""
    if len(text) > LIMIT:
        text = f"{text[:LIMIT]}\n... (output cut at {LIMIT} characters)"
    return plain_text(text.replace("\r\n", "\n"), newlines=True)
