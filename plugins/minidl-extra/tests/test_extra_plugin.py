"""The plugin module itself: its hooks register every component, and the sources stay within minidl's rules."""

from __future__ import annotations

import ast
from pathlib import Path

import minidl_extra
from minidl_extra import plugin

from minidl import registry

EXPECTED = {
    "module": {"BatchNorm1d", "LeakyReLU", "Sigmoid", "GELU", "SiLU", "ELU"},
    "initializer": {"orthogonal", "xavier_uniform"},
    "optimizer": {"AdamW", "RMSprop"},
    "scheduler": {"StepLR", "CosineAnnealingLR"},
    "dataset": {"spiral", "xor"},
}
HOOKS = {"module": "register_modules", "initializer": "register_initializers", "optimizer": "register_optimizers",
         "scheduler": "register_schedulers", "dataset": "register_datasets"}  # fmt: skip
FORBIDDEN = ("torch.nn", "torch.autograd", "torch.optim", "torch.func")


def test_hooks_register_every_component_under_its_name():
    for kind, hook in HOOKS.items():
        names: set[str] = set()

        def register(cls, name=None, names=names):
            names.add(name or cls.__name__)

        getattr(plugin, hook)(register=register)
        assert names == EXPECTED[kind], kind
    assert plugin.MINIDL_PLUGIN_API == registry.PLUGIN_API


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def test_sources_use_torch_tensor_operations_only():
    hits = []
    for path in sorted(Path(minidl_extra.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names]
            else:
                names = [_dotted(node)] if isinstance(node, ast.Attribute) else []
            hits += [f"{path.name}: {n}" for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    assert hits == []


def test_sources_use_minidl_only_through_its_plugin_namespace():
    """``minidl.plugin`` is the documented surface for plugin authors; internal modules may move."""
    outside = []
    for path in sorted(Path(minidl_extra.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            modules += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            outside += [f"{path.name}: {m}" for m in modules if m.split(".")[0] == "minidl" and m != "minidl.plugin"]
    assert outside == []
