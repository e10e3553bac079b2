"""Where the ``minidl`` command writes, the same in a terminal or not.

- stdout: results and data: the per-epoch metrics, tables, JSON, and a line for every file written.
  ``minidl train > log`` captures all of it; nothing else is mixed in.
- stderr: everything else: the progress bar (drawn only when stderr is a terminal), notes, errors,
  and the line an interrupted command ends with.

Rich's progress bar cannot keep this rule: while it is live it redirects stdout into its own stream.
So the bar is one line of plain text on stderr, redrawn in place and erased before each line of data.
Nothing here is read as markup: names from users and plugins are printed as they are, control characters escaped.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from types import TracebackType
from typing import Any

from minidl.core.errors import printable


def say(text: str) -> None:
    """A line of results or data: stdout, one line whatever a file name holds (a newline or a terminal escape in it
    is written escaped: ``\\n``, ``\\x1b``)."""
    _write(printable(text))


def _write(text: str) -> None:
    """Print on stdout. A reader that left (``minidl train | head -1``) does not stop the command: the files it
    writes are the work, so it goes on without stdout."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        without_stdout()


def without_stdout() -> None:
    """From now on stdout goes nowhere (its file descriptor too, so that the flush at exit cannot fail again)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a stream without a descriptor of its own: replace the object
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (for the life of this process)
    finally:
        os.close(devnull)


def say_json(value: Any) -> None:
    """``value`` as indented JSON on stdout. JSON has no NaN or Infinity (``jq`` and browsers refuse Python's ``NaN``):
    a number that is not finite, the loss of diverged weights, is written ``null``, as JavaScript writes it."""
    _write(json.dumps(_finite(value), indent=2, allow_nan=False))  # control characters are escaped by json


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def note(text: str) -> None:
    """Something the user should know that is not the result: stderr."""
    print(f"minidl: note: {text}", file=sys.stderr, flush=True)


class ProgressBar:
    """``epoch 12/200 [###.......] 0:03, 0:41 left`` on stderr when it is a terminal.

    Lines of data go through :meth:`say`, which erases the bar, prints the line on stdout and draws
    the bar again below it, so that both streams stay readable on one screen. Without a terminal
    there is no bar; with ``log=True`` a line of it is printed at every tenth of the total instead
    (for long commands whose stdout has nothing until the end).
    """

    WIDTH = 24  # of the bar itself

    def __init__(
        self, label: str, total: int | None = None, done: int = 0, *, log: bool = False, shown: bool = True
    ) -> None:
        self.label, self.total, self.done = label, total, done
        self.stream = sys.stderr
        self.shown = shown and _is_terminal(self.stream)
        self.log = log and not self.shown
        self._first, self._start, self._drawn = done, time.perf_counter(), 0

    def __enter__(self) -> ProgressBar:
        self._draw()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._erase()

    def update(self, done: int, total: int | None = None) -> None:
        before, self.done, self.total = self.done, done, total if total is not None else self.total
        if self.log and self.total and before * 10 // self.total != done * 10 // self.total:
            print(self.text(), file=self.stream, flush=True)
        self._draw()

    def say(self, text: str) -> None:
        self._erase()
        say(text)
        self._draw()

    def text(self) -> str:
        elapsed = time.perf_counter() - self._start
        if not self.total:
            return f"{self.label} {self.done} {_clock(elapsed)}"
        filled = self.WIDTH * min(self.done, self.total) // self.total
        text = f"{self.label} {self.done}/{self.total} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {_clock(elapsed)}"
        if self.done > self._first:
            left = elapsed / (self.done - self._first) * (self.total - self.done)
            text += f", {_clock(left)} left"
        return text

    def _draw(self) -> None:
        if self.shown:
            text = self.text()[: _columns(self.stream) - 1]  # never wrap: a wrapped line cannot be erased
            self.stream.write("\r" + text.ljust(self._drawn))
            self.stream.flush()
            self._drawn = len(text)

    def _erase(self) -> None:
        if self.shown and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")  # spaces, not escape codes: any terminal
            self.stream.flush()
            self._drawn = 0


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _columns(stream: object) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return 80


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"
