"""``--device``, ``--precision``, ``--no-cuda-graphs`` on train, resume and evaluate: runtime choices, never saved."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from tests.cli.conftest import assert_one_line_error


@pytest.mark.parametrize(
    "options,message",
    [
        (("--device", "gpu"), "minidl: error: device 'gpu': unknown device; expected cpu, cuda, cuda:N or auto"),
        (("--precision", "fp16"), "minidl: error: precision 'fp16': expected one of float32, tf32, bf16"),
        (("--precision", "tf32"), "minidl: error: precision 'tf32': TF32 matmuls exist on CUDA GPUs only"),
    ],
)
@pytest.mark.parametrize("command", ["train", "evaluate"])
def test_a_bad_choice_is_one_line(cli, spec_file: Path, command: str, options: tuple[str, ...], message: str) -> None:
    result = cli(command, spec_file, *options)
    assert_one_line_error(result)
    assert result.err.startswith(message)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_one_line(cli, spec_file: Path) -> None:
    result = cli("train", spec_file, "--device", "cuda")
    assert_one_line_error(result)
    assert "device 'cuda': " in result.err and "use cpu" in result.err and not Path("small-trained.minidl").exists()


def test_bf16_trains_saves_float32_and_resumes_on_another_choice(cli, spec_file: Path) -> None:
    result = cli("train", spec_file, "--precision", "bf16", "--device", "auto", "--every", "2", "--epochs", "2")
    assert result.code == 0, result.err
    checkpoint = Path("small-trained-checkpoint.minidl")
    assert {p.value.dtype for p in minidl.load(checkpoint).model.param()} == {torch.float32}
    result = cli("resume", checkpoint, "--epochs", "3", "--device", "cpu", "--no-cuda-graphs", "--force")
    assert result.code == 0, result.err
    result = cli("evaluate", "small-trained.minidl", "--device", "cpu", "--precision", "bf16")
    assert result.code == 0 and "test" in result.out, result.err
