"""What can go wrong when exporting: a model that cannot be lowered, or an optional package that is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from minidl.core.errors import MinidlError


class ExportError(MinidlError, ValueError):
    """The model cannot be written in the requested format (the message names the layer and why)."""


class MissingDependency(MinidlError, ImportError):
    """An optional package needed for this export is not installed (the message says what to install)."""


def require(module: str, purpose: str, install: str) -> ModuleType:
    """Import an optional package, or raise MissingDependency saying what to install."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingDependency(f"{purpose} needs the {module} package, which is not installed: {install}") from error
