"""Where a plugin broke: its own file and line, for the warning, ``minidl plugins`` and strict mode's traceback.

A failure's traceback runs through minidl's loader, importlib and pluggy before it reaches the
plugin; the place worth showing is the innermost frame of the plugin's own code (the line that
raised, or the line that called into minidl with a bad argument).
"""

from __future__ import annotations

import contextlib
import importlib.util
import linecache
import os
import traceback
import warnings
from pathlib import Path

import pluggy

from minidl.registry.text import plain_text

_MINIDL = str(Path(__file__).resolve().parent.parent)  # the minidl package
_NOT_THE_PLUGIN = (
    _MINIDL,
    str(Path(pluggy.__file__).resolve().parent),
    str(Path(importlib.util.__file__).parent),
    str(Path(contextlib.__file__).resolve()),  # the loader's ``with`` blocks, which raise what they find on leaving
)


def _inside(path: str, folders: tuple[str, ...] | list[str]) -> bool:
    """Whether ``path`` is one of ``folders`` or below one (``site-packages/minidl_zoo`` is not below ``minidl``)."""
    return any(path == folder or path.startswith(folder + os.sep) for folder in folders)


class PluginWarning(UserWarning):
    """A plugin failed to load and was skipped."""


def plugin_roots(entry_points: list[str]) -> list[str]:
    """The folders (or files) holding the top-level packages that entry points (``module.path:attr``, perhaps
    malformed) name, found without importing them."""
    roots = []
    for name in {value.split(":", 1)[0].split(".", 1)[0].strip() for value in entry_points}:
        try:
            spec = importlib.util.find_spec(name)
        except Exception:  # a malformed name, a broken finder, a module without __spec__: no root from it
            continue
        if spec is None or not spec.origin:
            continue
        locations = list(spec.submodule_search_locations or [])
        roots += [str(Path(p).resolve()) for p in locations] or [str(Path(spec.origin).resolve())]
    return roots


def plugin_frame(error: BaseException, roots: list[str]) -> traceback.FrameSummary | None:
    """The innermost frame in the plugin's files; failing that, the innermost frame outside minidl and importlib."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith("<")]
    resolved = [(f, str(Path(f.filename).resolve())) for f in frames]
    for frame, path in reversed(resolved):
        if _inside(path, roots):
            return frame
    for frame, path in reversed(resolved):
        if not _inside(path, _NOT_THE_PLUGIN):
            return frame
    return None


def plugin_traceback(error: BaseException) -> str:
    """The traceback without the loader's own frames (minidl, importlib, pluggy): the plugin's part."""
    report = traceback.TracebackException.from_exception(error)
    report.stack = traceback.StackSummary.from_list(
        [f for f in report.stack if not f.filename.startswith("<") and not _inside(_resolved(f.filename), (_MINIDL,))]
        or list(report.stack)
    )
    return plain_text("".join(report.format()).rstrip("\n"), newlines=True, limit=20_000)


def warn_at(message: str, location: str) -> None:
    """A PluginWarning reported at ``location`` (``path:line``), the way Python reports a warning from that line."""
    path, _, line = location.rpartition(":")
    if not path or not line.isdigit():  # a file without a line (a distribution's METADATA): its first line
        path, line = location or "minidl-plugin", "1"
    _plain_source(path)
    warnings.warn_explicit(message, PluginWarning, path, int(line))


def _plain_source(path: str) -> None:
    """Python prints the warning's source line as it is in the file: cache the file's lines as plain text first.

    (Tracebacks read the same cache, so they show the plain lines too.)
    """
    with contextlib.suppress(Exception):  # an unreadable file or an unusual cache entry: nothing to clean
        lines = linecache.getlines(path)
        if lines and not all(line.rstrip("\n").isprintable() for line in lines):
            size, mtime, _, fullname = linecache.cache[path]
            linecache.cache[path] = (size, mtime, [plain_text(line.rstrip("\n")) + "\n" for line in lines], fullname)


def _resolved(filename: str) -> str:
    return str(Path(filename).resolve())
