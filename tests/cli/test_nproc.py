"""``minidl train/resume --nproc N`` and runs under torchrun: one run in N processes, rank 0 speaks and writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch

import minidl
from tests.cli.conftest import assert_one_line_error, small_spec
from tests.workflow.distributed.ranks import float64_spec

DEADLINE = 120.0


def minidl_command(*argv: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``python -m minidl ARGV`` in ``folder`` (what torchrun starts in every process), with a deadline."""
    return subprocess.run(
        [sys.executable, "-m", "minidl", *argv], cwd=folder, capture_output=True, text=True, timeout=DEADLINE
    )


def without_times(out: str) -> list[str]:
    return [line.rsplit("  ", 1)[0] if line.startswith("epoch") else line for line in out.splitlines()]


def test_python_m_minidl_is_the_command(tmp_path: Path) -> None:
    result = minidl_command("--version", folder=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"minidl {minidl.__version__}\n")


def test_train_on_two_processes_then_resume_on_three_is_the_run_of_one(cli, tmp_path: Path) -> None:
    """Rank 0 alone prints the epochs and the files it wrote; the numbers are one process's."""
    minidl.save_spec(float64_spec(epochs=3), tmp_path / "run.minidl")
    alone = cli("train", "run.minidl", "--output", "alone.minidl")
    assert alone.code == 0, alone.err
    two = minidl_command("train", "run.minidl", "--nproc", "2", "--epochs", "2", "--every", "2", folder=tmp_path)
    assert (two.returncode, two.stderr) == (0, ""), two.stderr
    assert without_times(two.stdout)[:2] == without_times(alone.out)[:2]
    checkpoint, model = two.stdout.splitlines()[-2:]
    assert checkpoint == "saved checkpoint run-trained-checkpoint.minidl (epoch 2)"
    assert model.startswith("saved model run-trained.minidl (epoch 2: test error ")
    three = minidl_command(
        "resume", "run-trained-checkpoint.minidl", "--epochs", "3", "--nproc", "3", "--force", folder=tmp_path
    )
    assert (three.returncode, three.stderr) == (0, ""), three.stderr
    assert without_times(three.stdout)[0] == without_times(alone.out)[2]
    assert three.stdout.splitlines()[-1].startswith("saved model run-trained.minidl (epoch 3: test error ")
    for ranks, one in zip(
        minidl.load(tmp_path / "run-trained.minidl").model.param(), minidl.load(tmp_path / "alone.minidl").model.param()
    ):
        torch.testing.assert_close(ranks.value, one.value, atol=1e-12, rtol=0)


def test_bad_input_is_refused_before_any_process_starts(cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("train", "missing.minidl", "--nproc", "2"))
    assert_one_line_error(cli("train", "--nproc", "0"))
    assert_one_line_error(cli("resume", "x.minidl", "--timeout", "nan"))


@pytest.mark.parametrize(
    ("option", "error"),
    [
        (("--precision", "bf16"), "precision 'bf16': data-parallel training runs in the model's dtype; leave bf16 out"),
        (("--device", "mps"), "device 'mps': minidl runs on cpu, cuda, cuda:N or auto, not on 'mps'"),
    ],
)
def test_a_runtime_choice_the_ranks_cannot_run_is_refused_once(cli, tmp_path: Path, option, error: str) -> None:
    """Before: the ranks started and each printed the error, the two lines sometimes run together on one line."""
    minidl.save_spec(small_spec(), tmp_path / "spec.minidl")
    minidl.Run(small_spec()).save_checkpoint(tmp_path / "run-checkpoint.minidl")
    for command in (("train", "spec.minidl"), ("resume", "run-checkpoint.minidl", "--epochs", "4")):
        result = cli(*command, "--nproc", "2", *option)
        assert_one_line_error(result)
        assert result.err == f"minidl: error: {error}\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["run-checkpoint.minidl", "spec.minidl"]


def test_a_huge_timeout_is_one_line_not_a_traceback(cli) -> None:
    """``--nproc 2 --timeout 1e308`` started both ranks, which died in OverflowError tracebacks (timedelta)."""
    result = cli("train", "--nproc", "2", "--timeout", "1e308")
    assert_one_line_error(result)
    assert "argument --timeout: expected a number of seconds > 0 and at most 31536000 (a year)" in result.err
    assert cli("train", "--epochs", "1", "--timeout", "31536000").code == 0


def test_nproc_under_torchrun_must_match_its_processes(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"RANK": "0", "WORLD_SIZE": "2", "LOCAL_WORLD_SIZE": "2"}.items():
        monkeypatch.setenv(name, value)
    result = cli("train", "--nproc", "3", "--epochs", "1")
    assert_one_line_error(result)
    assert result.err == "minidl: error: --nproc 3: torchrun already started 2 processes here; leave --nproc out\n"
