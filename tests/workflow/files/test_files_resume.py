"""Exact resume: k epochs, checkpoint, a new process, N-k epochs == N epochs uninterrupted, bit for bit."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

import minidl
from tests.workflow.files.helpers import tiny_spec

ROOT = Path(__file__).resolve().parents[3]

RESUME = textwrap.dedent(
    """
    import json, sys
    import torch
    import minidl
    torch.set_num_threads(1)
    trainer = minidl.resume(sys.argv[1])
    trainer.fit()
    print(json.dumps({
        "weights": [p.value.double().flatten().tolist() for p in trainer.model.param()],
        "weight_bits": [p.value.contiguous().view(-1).view(torch.uint8).tolist() for p in trainer.model.param()],
        "history": [m.as_dict() for m in trainer.history],
    }))
    """
)


def without_time(history: list[dict[str, float]]) -> list[dict[str, float]]:
    return [{k: v for k, v in m.items() if k != "seconds"} for m in history]


@pytest.mark.parametrize("dropout", [False, True])
def test_resume_in_a_new_process_is_bitwise_identical(tmp_path: Path, dropout: bool) -> None:
    epochs, k = 6, 2
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        full = minidl.build_trainer(tiny_spec(dropout=dropout, epochs=epochs))
        full.fit()
        part = minidl.Run(tiny_spec(dropout=dropout, epochs=epochs))
        part.fit(k)
        part.save_checkpoint(tmp_path / "run.minidl")
    finally:
        torch.set_num_threads(threads)
    result = subprocess.run(
        [sys.executable, "-c", RESUME, str(tmp_path / "run.minidl")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    resumed = json.loads(result.stdout)
    expected_bits = [p.value.contiguous().view(-1).view(torch.uint8).tolist() for p in full.model.param()]
    assert resumed["weight_bits"] == expected_bits
    assert without_time(resumed["history"]) == without_time([m.as_dict() for m in full.history])
    assert len(resumed["history"]) == epochs
