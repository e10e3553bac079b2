"""Ctrl-C, SIGTERM and SIGHUP stop a command the same way: one line on stderr, status 128 + the signal.

``main`` installs the handlers first, before torch is imported (the package root is lazy for that).
Until a command starts work that writes files, a signal ends the process at once: there is nothing
to clean up, and an exception raised into torch's import can abort the process instead (C++ code
calling back into Python terminates on it). Inside :func:`stoppable` (training, saving) a signal
raises :class:`Interrupted`, a ``KeyboardInterrupt``, so the cleanup written for Ctrl-C runs for
all three: temporary files are removed (``workflow/files/atomic.py`` holds signals while one exists)
and the files already written are reported. The signal is also remembered, so that one whose
exception library code swallowed still stops the command at the next :func:`check` (between epochs).

Only the standard library is imported here: this module is on the path of every start-up.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def message(signum: int) -> str:
    """The line an interrupted command ends with."""
    return "minidl: interrupted" + ("" if signum == signal.SIGINT else f" by {signal.Signals(signum).name}")


class Interrupted(KeyboardInterrupt):
    """The command was stopped by ``signum``; it exits with the shell's status for that, 128 + signum."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def signal_of(error: KeyboardInterrupt) -> int:
    """The signal behind an interrupt (a ``KeyboardInterrupt`` raised by other code stands for Ctrl-C)."""
    return error.signum if isinstance(error, Interrupted) else signal.SIGINT


_received: list[int] = []


def _exit_now(signum: int, frame: FrameType | None) -> None:
    print(message(signum), file=sys.stderr, flush=True)
    os._exit(128 + signum)


def _stop(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise Interrupted(signum)


@contextmanager
def handled() -> Iterator[None]:
    """Within the block a signal ends the process with its line and status; then the previous handlers return."""
    previous = _install(_exit_now)
    try:
        yield
    finally:
        _install(previous)
        _received.clear()


@contextmanager
def stoppable() -> Iterator[None]:
    """Within the block (work that writes files) a signal raises :class:`Interrupted` where the program is."""
    previous = _install(_stop)
    try:
        yield
    except Exception:
        if _received:  # library code turned the signal's exception into another one
            raise Interrupted(_received[0]) from None
        raise
    finally:
        _install(previous)


def check() -> None:
    """Raise :class:`Interrupted` if a signal arrived whose exception something swallowed."""
    if _received:
        raise Interrupted(_received[0])


def _install(handlers: object) -> dict[int, object]:
    """Set one handler for every signal, or each its own (a dict, to put back); returns the ones replaced."""
    previous: dict[int, object] = {}
    for signum in SIGNALS:
        handler = handlers.get(signum) if isinstance(handlers, dict) else handlers
        if handler is None or signal.getsignal(signum) in (None, signal.SIG_IGN):
            continue  # set outside Python (cannot be put back), or ignored by who started us (nohup): leave it
        try:
            previous[signum] = signal.signal(signum, handler)  # type: ignore[arg-type]
        except ValueError:  # not the main thread, which alone receives signals: nothing to install
            break
    return previous
