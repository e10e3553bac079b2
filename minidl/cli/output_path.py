"""Checked before any work by each command that writes a file: the path can be written; replacing is asked for.

``workflow/files/atomic.check_target`` knows what can be written; this module says it the command
line's way, naming the option (``--output m.minidl``, or ``the default --output m.minidl`` when the
user did not name the path).
"""

from __future__ import annotations

from pathlib import Path

from minidl.core.errors import ConfigError
from minidl.workflow.files.atomic import check_target


def where(path: Path, option: str, named: bool) -> str:
    """How a message names a path: ``--output m.minidl`` or ``the default --output m.minidl``."""
    return f"{option if named else f'the default {option}'} {path}"


def exists(path: Path, option: str, named: bool) -> bool:
    """Whether ``path`` holds a file; a ConfigError, before any work, if it cannot be written."""
    try:
        return check_target(path)
    except OSError as error:
        raise ConfigError(f"{where(path, option, named)}: {error.strerror}") from None


def check_output(path: Path, force: bool, *, option: str = "--output", named: bool = True) -> None:
    """Raise ConfigError (one line saying what to fix) unless ``path`` can be written, and replaced if it exists."""
    if exists(path, option, named) and not force:
        raise ConfigError(
            f"{where(path, option, named)}: already there; pass --force to replace, or {option} to write elsewhere"
        )


def renamed(source: Path, suffix: str) -> Path:
    """``source``'s file name with another suffix, in the current folder (the default output of a conversion)."""
    if not source.name:  # '', '.', '/': nothing to read, and no name to give the output
        raise ConfigError(f"{source}: not a regular file")
    return Path(source.name).with_suffix(suffix)
