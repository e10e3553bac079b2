"""The registry is built once and never consulted while training."""

from __future__ import annotations

import sys
from pathlib import Path

import minidl
from minidl import registry

REGISTRY_DIR = str(Path(registry.__file__).parent)


def test_training_epoch_calls_no_registry_code(monkeypatch) -> None:
    trainer = minidl.build_trainer(minidl.default_spec(epochs=2))
    calls: list[str] = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(REGISTRY_DIR):
            calls.append(frame.f_code.co_name)

    monkeypatch.setattr(registry, "reload", lambda: (_ for _ in ()).throw(AssertionError("reloaded")))
    sys.setprofile(profile)
    try:
        trainer.run_epoch()
    finally:
        sys.setprofile(None)
    assert calls == []


def test_plugins_load_once() -> None:
    registry.reload()
    registry.names("module")
    first = registry.catalog()
    registry.describe("module", "Linear")
    assert registry.catalog() is first
