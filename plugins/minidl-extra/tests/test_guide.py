"""The plugin author's guide (this distribution's README) works as written: its plugin loads, its tests pass."""

from __future__ import annotations

import ast
import re
import sys
import warnings
from pathlib import Path

import pytest

import minidl.plugin
from minidl import registry

GUIDE = Path(__file__).resolve().parents[1] / "README.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(), flags=re.DOTALL)


def plugin_and_tests() -> tuple[str, str]:
    """The guide's ``minidl_hello/plugin.py`` and ``tests/test_hello.py``."""
    [plugin] = [b for b in blocks("python") if "MINIDL_PLUGIN_API = 1" in b]
    [tests] = [b for b in blocks("python") if "from minidl_hello.plugin import" in b]
    return plugin, tests


def minidl_imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "minidl":
            found |= {node.module} if node.module != "minidl" else {f"minidl.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "minidl"}
    return found


@pytest.fixture
def hello(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The guide's minidl-hello, laid out as an installed distribution; returns the guide's test module's source."""
    plugin, tests = plugin_and_tests()
    assert 'minidl_hello = "minidl_hello.plugin"' in blocks("toml")[0]
    package = tmp_path / "minidl_hello"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "plugin.py").write_text(plugin)
    info = tmp_path / "minidl_hello-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: minidl-hello\nVersion: 0.1.0\n")
    (info / "entry_points.txt").write_text("[minidl]\nminidl_hello = minidl_hello.plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("MINIDL_STRICT_PLUGINS", "1")
    registry.reload()
    yield tests
    registry.reload()
    for name in [m for m in sys.modules if m.split(".")[0] == "minidl_hello"]:
        del sys.modules[name]


def test_the_guides_code_uses_minidl_only_through_its_namespaces() -> None:
    plugin, tests = plugin_and_tests()
    assert minidl_imports(plugin) == {"minidl.plugin"}
    assert minidl_imports(tests) <= {"minidl.testing", "minidl.registry"}
    for block in [b for b in blocks("python") if "import " in b]:  # the ONNX section's too (it used minidl.core)
        assert minidl_imports(block) <= {"minidl.plugin", "minidl.testing", "minidl.registry"}, block


def test_the_guide_lists_every_name_of_minidl_plugin() -> None:
    listed = GUIDE.read_text().split("**`minidl.plugin`**", 1)[1].split("\n\n", 1)[0]
    assert not [name for name in minidl.plugin.__all__ if f"`{name}`" not in listed]


def test_the_guides_plugin_loads_and_its_tests_pass(hello: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        info = next(i for i in registry.plugins() if i.distribution == "minidl-hello")
    assert (info.status, info.error) == ("loaded", "")
    assert len(info.components) == 7
    namespace: dict = {}
    exec(compile(hello, "tests/test_hello.py", "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_")]
    assert len(tests) == 8
    for test in tests:
        test()
