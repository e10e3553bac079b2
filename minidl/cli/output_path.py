"""Checked before any work by each command that writes a file: the path can be written; replacing is asked for."""

from __future__ import annotations

import os
from pathlib import Path

from minidl.core.errors import ConfigError


def check_output(path: Path, force: bool) -> None:
    """Raise ConfigError (one line saying what to fix) unless a regular file can be written at ``path``."""
    folder = path.parent
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; name a file to write")
    if not folder.is_dir():
        raise ConfigError(f"{path}: the folder {folder} does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(f"{path}: cannot write in the folder {folder} (permission denied); choose another path")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise ConfigError(f"{path}: is not a regular file (a device, pipe or broken link); choose another path")
        if not force:
            raise ConfigError(f"{path}: already exists; pass --force to replace it")
