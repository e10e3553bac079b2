"""What a plugin can do while it loads that no exception reports: take long, leave a thread running, or change
torch's global state.

A slow import (a plugin that downloads something, or sleeps) runs while the plugin's output is captured, so the
user would see nothing at all: after ``SLOW_LOAD_SECONDS`` one line on the real stderr names the plugin and how to
skip it. A non-daemon thread the plugin started and left running would keep every command from exiting (Python
joins such threads at exit, and a thread cannot be stopped from outside): the plugin is failed, naming the
thread, and ``leave_plugin_threads`` lets a command's entry point exit without waiting for it. Torch's default
dtype and gradient mode are put back and the plugin failed (a float64 default silently changed every run's data
and weights); its draws from torch's global generator are undone (they would shift a seeded user's stream).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

import torch

from minidl.registry.text import plain_text

SLOW_LOAD_SECONDS = 3.0

_stray: list[threading.Thread] = []


class StrayThread(Exception):
    """Raised internally for a distribution that left a non-daemon thread running; ``location`` is where it runs."""

    def __init__(self, message: str, thread: threading.Thread) -> None:
        super().__init__(message)
        frame = sys._current_frames().get(thread.ident or -1)
        while frame is not None and frame.f_code.co_filename == threading.__file__:
            frame = frame.f_back  # a thread blocked in threading's own waits: show the plugin's line that waits
        self.location = f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame else ""


@contextlib.contextmanager
def watch_load(distribution: str, version: str) -> Iterator[None]:
    """Say on the real stderr when loading ``distribution`` is slow; raise StrayThread for threads it leaves running
    and ChangedTorch when it changed torch's default dtype or gradient mode (put back, with its global generator).

    Enter before the plugin's output is captured: the notice goes to the stderr of the moment of entering.
    """
    before = set(threading.enumerate())
    dtype, grad, rng = torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_rng_state()
    with _real_stderr() as stderr:
        line = (
            f"minidl: plugin {distribution} {version} is still loading after {SLOW_LOAD_SECONDS:g} s "
            f"(MINIDL_DISABLE_PLUGINS={distribution} skips it; Ctrl-C stops)\n"
        )
        notice = threading.Timer(SLOW_LOAD_SECONDS, _write, (stderr, line))
        notice.daemon = True
        notice.start()
        try:
            yield
        finally:
            notice.cancel()
            notice.join()  # before the descriptor it writes to is closed
            changed = _restore_torch(dtype, grad, rng)
    started = [t for t in threading.enumerate() if t not in before and t.is_alive() and not t.daemon]
    if started:
        _stray.extend(started)
        names = ", ".join(repr(plain_text(t.name, limit=60)) for t in started)
        raise StrayThread(
            f"started thread {names} while loading and left it running, which would keep every minidl command "
            "from exiting; start threads when a component is used, as daemon threads, or not at all",
            started[0],
        )
    if changed:
        raise ChangedTorch(
            f"changed {' and '.join(changed)} while loading (minidl put it back); a plugin must leave torch's "
            "global settings alone: pass dtype= to the tensors it makes instead"
        )


class ChangedTorch(Exception):
    """Raised internally for a distribution that changed torch's default dtype or gradient mode while loading."""


def _restore_torch(dtype: torch.dtype, grad: bool, rng: torch.Tensor) -> list[str]:
    """Put torch's default dtype, gradient mode and global generator back; say which of the first two had changed."""
    changed = []
    if torch.get_default_dtype() != dtype:
        changed.append(f"torch's default dtype to {str(torch.get_default_dtype()).removeprefix('torch.')}")
        torch.set_default_dtype(dtype)
    if torch.is_grad_enabled() != grad:
        changed.append(f"torch's gradient mode to {'on' if torch.is_grad_enabled() else 'off'}")
        torch.set_grad_enabled(grad)
    torch.set_rng_state(rng)
    return changed


@contextlib.contextmanager
def _real_stderr() -> Iterator[int]:
    """A descriptor of stderr as it is now (-1 without one), closed at the end."""
    try:
        fd = os.dup(2)
    except OSError:
        fd = -1
    try:
        yield fd
    finally:
        if fd >= 0:
            os.close(fd)


def _write(fd: int, line: str) -> None:
    with contextlib.suppress(OSError):
        os.write(fd, line.encode("utf-8", errors="replace"))


def leave_plugin_threads(status: int) -> int:
    """``status``; or, when a failed plugin left a thread running (Python would wait for it forever at exit),
    exit at once with it. For a command's entry point, with the status it is about to exit with."""
    if any(t.is_alive() for t in _stray):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(status)
    return status
