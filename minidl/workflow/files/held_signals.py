"""SIGINT, SIGTERM and SIGHUP held back while a temporary file exists, so that no stop leaves one behind.

A signal that arrives inside :class:`HeldSignals` is recorded and delivered again when the block
ends (the temporary file renamed or removed by then), through whatever handler was installed before:
Python's Ctrl-C handler, the ``minidl`` command's, or the default action that ends the process.
Inside :meth:`HeldSignals.released` (a long write) it acts at once through that handler, so a stop
need not wait for the write; the caller's cleanup then runs with signals held again. A handler
that returns (a program that only notes the request) lets the write go on.

Only the main thread may set handlers, and only it runs them: in another thread this does nothing.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import Any

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class _StopNow(BaseException):
    """Unwinds a released write for a signal whose handler is the default (end the process) after cleanup."""


class HeldSignals:
    """``with HeldSignals() as held:`` signals wait until the block ends; ``with held.released():`` they act."""

    def __init__(self) -> None:
        self.previous: dict[int, Any] = {}
        self.pending: list[int] = []
        self.releasing = False

    def __enter__(self) -> HeldSignals:
        try:
            for signum in SIGNALS:
                if signal.getsignal(signum) is not None:  # None: installed outside Python, cannot be put back
                    self.previous[signum] = signal.signal(signum, self._arrived)
        except ValueError:  # not the main thread: it neither sets nor runs handlers
            pass
        except BaseException:  # a signal while swapping: put back what was swapped before it goes on
            self._restore()
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._restore()
        for signum in self.pending:  # each now meets the handler it would have met
            signal.raise_signal(signum)

    @contextmanager
    def released(self) -> Iterator[None]:
        self.releasing = True
        try:
            yield
        finally:
            self.releasing = False

    def _arrived(self, signum: int, frame: FrameType | None) -> None:
        handler = self.previous[signum]
        if not self.releasing:
            self.pending.append(signum)
        elif callable(handler):
            handler(signum, frame)  # Ctrl-C's KeyboardInterrupt, the minidl command's Interrupted, ...
        elif handler != signal.SIG_IGN:
            self.pending.append(signum)  # the default action ends the process: after the cleanup
            raise _StopNow

    def _restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        self.previous.clear()
