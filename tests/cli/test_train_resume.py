"""``minidl train`` and ``minidl resume``: overrides, output names, checkpoints, exact continuation."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from tests.cli.conftest import assert_one_line_error, small_spec


def weights(path: Path) -> list[torch.Tensor]:
    return [p.value for p in minidl.load(path).model.param()]


def test_train_default_recipe_saves_beside_the_working_folder(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("train", "--epochs", "1")
    assert result.code == 0, result.err
    assert "epoch    1  train loss" in result.out
    assert "saved default-recipe.minidl" in result.out
    loaded = minidl.load(tmp_path / "default-recipe.minidl")
    assert loaded.kind == "model" and loaded.spec["training"]["epochs"] == 1


def test_train_file_with_overrides(cli, spec_file: Path) -> None:
    result = cli("train", spec_file, "--epochs", "2", "--batch-size", "5", "--seed", "3", "--lr", "0.02")
    assert result.code == 0, result.err
    assert [line.split()[1] for line in result.out.splitlines() if line.startswith("epoch")] == ["1", "2"]
    output = spec_file.with_name("small-trained.minidl")
    training = minidl.load(output).spec["training"]
    assert (training["epochs"], training["batch_size"], training["seed"]) == (2, 5, 3)
    assert training["optimizer"]["config"]["lr"] == 0.02


def test_checkpoint_then_resume_continues_exactly(cli, spec_file: Path, tmp_path: Path) -> None:
    assert cli("train", spec_file, "--epochs", "4", "--output", tmp_path / "straight.minidl").code == 0
    assert cli("train", spec_file, "--epochs", "2", "--every", "2", "--output", tmp_path / "run.minidl").code == 0
    checkpoint = tmp_path / "run-checkpoint.minidl"
    assert minidl.load(checkpoint).kind == "checkpoint"
    result = cli("resume", checkpoint, "--epochs", "4")
    assert result.code == 0, result.err
    assert [line.split()[1] for line in result.out.splitlines() if line.startswith("epoch")] == ["3", "4"]
    for resumed, straight in zip(weights(tmp_path / "run.minidl"), weights(tmp_path / "straight.minidl")):
        assert torch.equal(resumed, straight)
    assert minidl.load(tmp_path / "run.minidl").spec["training"]["epochs"] == 4


def test_resume_a_finished_run_says_how_to_go_on(cli, spec_file: Path, tmp_path: Path) -> None:
    cli("train", spec_file, "--epochs", "1", "--every", "1", "--output", tmp_path / "done.minidl")
    result = cli("resume", tmp_path / "done-checkpoint.minidl")
    assert_one_line_error(result)
    assert "--epochs" in result.err


def test_train_refuses_a_checkpoint(cli, spec_file: Path, tmp_path: Path) -> None:
    cli("train", spec_file, "--epochs", "1", "--every", "1", "--output", tmp_path / "c.minidl")
    result = cli("train", tmp_path / "c-checkpoint.minidl")
    assert_one_line_error(result)
    assert "minidl resume" in result.err


def test_resume_refuses_a_model_file(cli, spec_file: Path) -> None:
    result = cli("resume", spec_file)
    assert_one_line_error(result)
    assert "not a checkpoint" in result.err


def test_divergence_exits_3_and_saves_nothing(cli, tmp_path: Path) -> None:
    spec = small_spec(loss={"component": "MSELoss"}, optimizer={"component": "SGD"})
    minidl.save_spec(spec, tmp_path / "sgd.minidl")
    result = cli("train", tmp_path / "sgd.minidl", "--lr", "1e10", "--epochs", "3")
    assert_one_line_error(result, code=3)
    assert "learning rate" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sgd.minidl"]
