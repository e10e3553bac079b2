"""Installed-looking distributions made inside a test: a dist-info folder and a module on sys.path."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path


def make_distribution(
    root: Path,
    name: str,
    version: str,
    module: str,
    source: str,
    *,
    metadata: str | None = None,
    entry_points: str | None = None,
) -> Path:
    """Write ``<module>.py`` and a ``<name>-<version>.dist-info`` with a ``minidl`` entry point to it.

    ``metadata`` and ``entry_points`` replace the files' usual text (for broken records); returns the folder.
    """
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    default_metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    (info / "METADATA").write_text(default_metadata if metadata is None else metadata)
    (info / "entry_points.txt").write_text(f"[minidl]\n{module} = {module}\n" if entry_points is None else entry_points)
    sys.modules.pop(module, None)  # an earlier test's module of the same name must not be reused
    importlib.invalidate_caches()
    return info


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

UNDECLARED_PARAMETER = """
    import minidl
    from minidl.registry import hookimpl

    class Scaled(minidl.Module):
        def __init__(self, alpha=1.0):  # no type hint: a file would silently reload it as 1.0
            super().__init__()
            self.alpha = alpha
        def forward(self, x): return self.alpha * x
        def backward(self, g): return self.alpha * g

    @hookimpl
    def register_modules(register):
        register(Scaled)
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

CLASHING_RELU = """
    import minidl
    from minidl.registry import hookimpl

    class ReLU(minidl.Module):
        \"\"\"A plugin's own ReLU: the identity, so using it by mistake would show.\"\"\"
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(ReLU)
"""

EXITS = """
    import sys
    sys.exit(3)
"""

RAISES_BASE_EXCEPTION = """
    class Escape(BaseException):
        pass

    raise Escape("not an Exception at all")
"""

INTERRUPTS = """
    raise KeyboardInterrupt
"""

LOOKS_UP_THE_REGISTRY = """
    from minidl import registry
    registry.names("module")
"""

RELOADS_IN_A_HOOK = """
    from minidl import registry
    from minidl.registry import hookimpl

    @hookimpl
    def register_losses(register):
        registry.reload()
"""

PRINTS = """
    import os, sys
    print("PLUGIN-SAYS python stdout")
    print("PLUGIN-SAYS python stderr", file=sys.stderr)
    os.write(1, b"PLUGIN-SAYS fd 1\\n")
    os.write(2, b"PLUGIN-SAYS fd 2\\n")
    sys.__stdout__.write("PLUGIN-SAYS real stdout\\n")
    from minidl.registry import hookimpl

    @hookimpl
    def register_modules(register):
        print("PLUGIN-SAYS in a hook")
"""

ESCAPES = r"""
    import sys
    from typing import Annotated
    import minidl
    from minidl.registry import hookimpl

    class Shout(minidl.Module):
        '''\x1b[31mred\x1b[0m [bold]markup[/bold] [/] and a\nsecond line'''
        def __init__(self, mode: Annotated[str, minidl.Param(help="\x1b]0;title\x07 [/]")] = "\x1b[2J"):
            super().__init__()
            self.mode = mode
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        print("\x1b[2J\x1b[H screen cleared")
        register(Shout)
"""

FAILS_WITH_ESCAPES = r"""
    raise RuntimeError("\x1b[2J\x1b[31mcleared your screen\nminidl: error: a forged second line \u202e[/]")
"""

FAILS_ON_A_LINE_WITH_A_RAW_ESCAPE = """
    raise RuntimeError("\x1b[31m" + "red")
"""

BAD_NAME_TEMPLATE = """
    import minidl
    from minidl.registry import hookimpl

    class Fine(minidl.Module):
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(Fine, name={name!r})
"""

LEAVES_A_THREAD = """
    import threading
    import time

    def poll_forever():
        while True:
            time.sleep(0.05)

    threading.Thread(target=poll_forever, name="poller").start()
"""

DEFAULT_OUTSIDE_ITS_BOUNDS = """
    from typing import Annotated
    import minidl
    from minidl.registry import hookimpl

    class Scale(minidl.Module):
        def __init__(self, factor: Annotated[float, minidl.Param(gt=0)] = -1.0):
            super().__init__()
            self.factor = factor
        def forward(self, x): return x * self.factor
        def backward(self, g): return g * self.factor

    @hookimpl
    def register_modules(register):
        register(Scale)
"""

HOOK_IS_A_GENERATOR = """
    import minidl
    from minidl.registry import hookimpl

    class Lazy(minidl.Module):
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        yield register(Lazy)
"""

HOOK_RETURNS_CLASSES = """
    import minidl
    from minidl.registry import hookimpl

    class Listed(minidl.Module):
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        return [Listed]
"""

TWO_CLASSES_ONE_NAME = """
    import minidl
    from minidl.registry import hookimpl

    class One(minidl.Module):
        def forward(self, x): return x
        def backward(self, g): return g

    class Two(One):
        pass

    @hookimpl
    def register_modules(register):
        register(One, name="Same")
        register(Two, name="Same")
"""

RAISES_IN_CONSTRUCTOR = """
    import minidl
    from minidl.registry import hookimpl

    class Grumpy(minidl.Module):
        \"\"\"Refuses to be built.\"\"\"
        def __init__(self):
            raise RuntimeError("Grumpy will not be built")
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(Grumpy)
"""

WRONG_HOOK_ARGUMENT = """
    from minidl.registry import hookimpl

    @hookimpl
    def register_modules(registrar):
        pass
"""

SLEEPS = """
    import time
    time.sleep(0.3)
"""
