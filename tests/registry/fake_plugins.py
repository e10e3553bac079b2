"""Installed-looking distributions made inside a test: a dist-info folder and a module on sys.path."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path


def make_distribution(root: Path, name: str, version: str, module: str, source: str) -> None:
    """Write ``<module>.py`` and a ``<name>-<version>.dist-info`` with a ``minidl`` entry point to it."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[minidl]\n{module} = {module}\n")
    sys.modules.pop(module, None)  # an earlier test's module of the same name must not be reused
    importlib.invalidate_caches()


GOOD_PLUGIN = """
    from typing import Annotated
    import torch
    import minidl
    from minidl.registry import hookimpl

    class Square(minidl.Module):
        \"\"\"x squared, element-wise.\"\"\"
        def __init__(self, scale: Annotated[float, minidl.Param(gt=0, help="multiplier")] = 1.0):
            super().__init__()
            self.scale = scale
        def forward(self, x):
            self._x = x
            return self.scale * x * x
        def backward(self, g):
            return 2 * self.scale * self._x * g

    @hookimpl
    def register_modules(register):
        register(Square)
        register(Square)  # the identical object twice: harmless
"""

IMPORT_FAILS = """
    raise ImportError("broken on purpose: no module named 'missing_dependency'")
"""

HOOK_FAILS = """
    from minidl.registry import hookimpl
    import minidl

    class Fine(minidl.Module):
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(Fine)

    @hookimpl
    def register_losses(register):
        raise RuntimeError("the loss hook exploded")
"""

INVALID_REGISTRATION = """
    from minidl.registry import hookimpl

    @hookimpl
    def register_optimizers(register):
        register(dict)
"""

OLD_API = """
    from minidl.registry import hookimpl
    MINIDL_PLUGIN_API = 0

    @hookimpl
    def register_modules(register):
        pass
"""

SECOND_SQUARE = """
    import minidl
    from minidl.registry import hookimpl

    class Square(minidl.Module):
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(Square)
"""
