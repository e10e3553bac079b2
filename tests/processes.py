"""Child processes for the signal tests: started with default signal handling, read with a deadline.

A test run from a background job (a CI runner, ``pytest &``) inherits SIGINT ignored, and children
inherit that in turn: a Ctrl-C test would then wait forever. Every line is read with a deadline, so a
child that hangs fails its test instead of the suite.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Sequence
from typing import IO, Any

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def popen(argv: Sequence[Any], *, ignore: Sequence[int] = (), **kwargs: Any) -> subprocess.Popen:
    """``subprocess.Popen(argv, text=True, ...)``, SIGINT, SIGTERM and SIGHUP at their defaults but ``ignore``."""

    def dispositions() -> None:
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN if signum in ignore else signal.SIG_DFL)

    return subprocess.Popen([str(a) for a in argv], preexec_fn=dispositions, text=True, **kwargs)


def read_line(stream: IO[str], timeout: float = 60.0) -> str:
    """The next line of ``stream``; an AssertionError if none comes within ``timeout`` seconds."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        raise AssertionError(f"no line from the process within {timeout} s: it is stuck")
    return line[0]
