"""minidl uses torch tensor operations only: no torch.nn, autograd, optim or func, and no autograd at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import torch

import minidl

PACKAGE = Path(minidl.__file__).parent
FORBIDDEN = ("torch.nn", "torch.autograd", "torch.optim", "torch.func")


def forbidden_uses(source: str) -> list[str]:
    """Imports of, and attribute chains through, the forbidden torch packages."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Attribute):
            parts = []
            current: ast.AST = node
            while isinstance(current, ast.Attribute):
                parts.append(current.attr)
                current = current.value
            if isinstance(current, ast.Name):
                names = [".".join([current.id, *reversed(parts)])]
        found += [n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]
    return found


def test_scanner_catches_each_form() -> None:
    for source in (
        "import torch.nn",
        "from torch import nn",
        "from torch.autograd import grad",
        "x = torch.optim.SGD",
        "import torch.func as f",
    ):
        assert forbidden_uses(source), source
    assert forbidden_uses("y = torch.no_grad; import torch.nnx") == []


def test_no_forbidden_torch_package_in_minidl_sources() -> None:
    hits = {
        str(path.relative_to(PACKAGE)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if (uses := forbidden_uses(path.read_text()))
    }
    assert hits == {}


def test_training_works_with_autograd_globally_off() -> None:
    with torch.set_grad_enabled(False):
        trainer = minidl.build_trainer(minidl.default_spec(epochs=3, seed=1))
        history = trainer.fit()
    assert history[-1].train_loss < history[0].train_loss
    assert not any(p.value.requires_grad for p in trainer.model.param())


def test_import_is_cheap() -> None:
    """``import minidl`` loads no plugin and no Textual."""
    code = (
        "import sys, minidl; print(any(m.startswith('textual') for m in sys.modules)); "
        "print(minidl.registry._state is None)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    assert out.stderr == ""
