"""Fuzzing: thousands of damaged files, and only SpecError ever escapes (longer runs: benchmarks/fuzz_files.py)."""

from __future__ import annotations

from pathlib import Path

from tests.workflow.files.fuzzing import run
from tests.workflow.files.helpers import save_checkpoint, save_model


def test_mutants_raise_only_spec_error(tmp_path: Path) -> None:
    seeds = {
        "model": save_model(tmp_path / "m.minidl", dropout=True).read_bytes(),
        "checkpoint": save_checkpoint(tmp_path / "c.minidl").read_bytes(),
    }
    outcomes = run(seeds, cases=3000, folder=tmp_path)
    assert sum(outcomes.values()) == 3000
    assert outcomes["loaded"] < 3000
