"""Imports run one way (core <- components <- registry <- workflow <- cli / tui), and no modules import each other
in a circle.

Every module of ``minidl/`` is parsed, imports inside functions included. ``minidl/version.py`` is importable
by all. The conformance kit (``testing``) and the plugin authors' namespace (``plugin``) sit beside the layers,
importing what they need; nothing in minidl imports them. Nothing below the package root imports the root:
its names are re-exports of every layer, so ``import minidl`` from inside would tie each layer to all others.
"""

from __future__ import annotations

import ast
from pathlib import Path

import minidl

PACKAGE = Path(minidl.__file__).parent
LAYERS = ("core", "components", "registry", "workflow")
"""From the bottom up: each layer may import the layers before it."""
MAY_IMPORT: dict[str, set[str]] = {
    "version": set(),
    **{layer: {"version", *LAYERS[:i]} for i, layer in enumerate(LAYERS)},
    "cli": {"version", *LAYERS},
    "tui": {"version", *LAYERS},
    "testing": {"version", *LAYERS},
    "plugin": {"version", "core", "components", "registry"},
    "__main__": {"cli"},  # ``python -m minidl`` (what torchrun starts): the command
}
"""What each part of the package may import besides itself (the root, ``minidl/__init__.py``, imports lazily)."""
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()
"""Imports that close a cycle and are known to (none: the run object took checkpoints out of the Trainer)."""


def package_modules(root: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def imports_of(name: str, source: str, is_package: bool, known: set[str]) -> set[str]:
    """The minidl modules that ``source`` (module ``name``) imports anywhere in its body, resolved to known modules.

    ``from minidl.x import y`` names ``minidl.x.y`` when that is a module, else ``minidl.x`` (the package whose
    attribute ``y`` is); a relative import is resolved against the module's package.
    """

    def known_prefix(dotted: str) -> str:
        while dotted not in known and "." in dotted:
            dotted = dotted.rsplit(".", 1)[0]
        return dotted

    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(known_prefix(alias.name) for alias in node.names if alias.name.split(".")[0] == "minidl")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "minidl":
                continue
            for alias in node.names:
                submodule = f"{module}.{alias.name}"
                found.add(submodule if submodule in known else known_prefix(module))
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imports_of(name, path.read_text(), is_package, known) for name, (path, is_package) in modules.items()}


def part(module: str) -> str:
    """``core``, ``cli``, ``version``, ...: the second component of a dotted name; ``root`` for the package itself."""
    return module.split(".")[1] if "." in module else "root"


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{module} imports {target} ({part(module)} may import {', '.join(sorted(MAY_IMPORT[part(module)]))})"
        for module, targets in sorted(graph.items())
        if part(module) != "root"
        for target in sorted(targets)
        if part(target) != part(module) and part(target) not in MAY_IMPORT[part(module)]
    ]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_scanner_resolves_every_form_of_import() -> None:
    known = {"minidl", "minidl.core", "minidl.core.module", "minidl.registry", "minidl.workflow.spec"}
    source = (
        "import minidl\n"
        "from minidl import registry\n"
        "from minidl.core.module import Module\n"
        "def later():\n"
        "    from ..workflow import spec\n"
        "    import minidl.core.module.deep\n"
        "import torch, os\n"
    )
    assert imports_of("minidl.core.config", source, False, known) == {
        "minidl",
        "minidl.registry",
        "minidl.core.module",
        "minidl.workflow.spec",
    }


def test_the_rules_catch_upward_imports_the_root_and_circles() -> None:
    graph = {
        "minidl.core.module": {"minidl.components.init", "minidl.version"},
        "minidl.workflow.files": {"minidl.workflow.trainer", "minidl"},
        "minidl.workflow.trainer": {"minidl.workflow.files"},
        "minidl.testing.modules": {"minidl.workflow.export"},
        "minidl.cli.run": {"minidl.testing.modules"},
    }
    assert [v.split(" (")[0] for v in layering_violations(graph)] == [
        "minidl.cli.run imports minidl.testing.modules",
        "minidl.core.module imports minidl.components.init",
        "minidl.workflow.files imports minidl",
    ]
    assert cycles(graph) == [["minidl.workflow.files", "minidl.workflow.trainer"]]


def test_imports_follow_the_layers() -> None:
    assert layering_violations(import_graph()) == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = import_graph()
    assert all(target in graph[source] for source, target in KNOWN_CYCLE_EDGES), "remove the entry: the import is gone"
    for source, target in KNOWN_CYCLE_EDGES:
        graph[source].discard(target)
    assert cycles(graph) == []
