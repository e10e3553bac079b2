"""Fixtures for the command line: a small spec file, and a helper that runs ``minidl`` in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

import minidl
from minidl.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Result]]:
    """``cli("train", "--epochs", "2")`` runs ``minidl.cli.main`` in ``tmp_path`` and returns its status and output.

    The commands write their files in the current folder and set torch's thread count: both are put back.
    """
    monkeypatch.chdir(tmp_path)
    threads = torch.get_num_threads()

    def run(*argv: str | Path) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    yield run
    torch.set_num_threads(threads)


def small_spec(**training: object) -> dict:
    """A network and data set small enough to train in a fraction of a second."""
    return {
        "model": {
            "layers": [
                {"component": "Linear", "config": {"in_features": 2, "out_features": 8}},
                {"component": "Tanh"},
                {"component": "Linear", "config": {"in_features": 8, "out_features": 2}},
            ]
        },
        "training": {
            "dataset": {"component": "circle", "config": {"n_train": 60, "n_test": 40}},
            "loss": {"component": "CrossEntropyLoss"},
            "optimizer": {"component": "Adam", "config": {"lr": 0.01}},
            "scheduler": {"component": "ReduceLROnPlateau", "config": {"patience": 1}},
            "epochs": 3,
            "batch_size": 10,
            "seed": 7,
            **training,
        },
    }


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.minidl"
    minidl.save_spec(small_spec(), path)
    return path


def assert_one_line_error(result: Result, code: int = 2) -> None:
    """A user mistake: the status, one line on stderr naming minidl, no traceback."""
    assert result.code == code, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("minidl"), result.err
    assert "Traceback" not in result.err + result.out
