"""``minidl train`` and ``minidl resume``: overrides, output names, checkpoints, exact continuation."""

from __future__ import annotations

from pathlib import Path

import torch

import minidl
from tests.cli.conftest import assert_one_line_error, small_spec


def weights(path: Path) -> list[torch.Tensor]:
    return [p.value for p in minidl.load(path).model.param()]


def epochs_printed(out: str) -> list[str]:
    return [line.split()[1] for line in out.splitlines() if line.startswith("epoch")]


def test_train_default_recipe_saves_in_the_current_folder(cli, tmp_path: Path) -> None:
    result = cli("train", "--epochs", "1")
    assert result.code == 0, result.err
    assert "epoch    1  train loss" in result.out
    assert result.out.splitlines()[-1].startswith("saved model default-recipe.minidl (epoch 1: test error ")
    loaded = minidl.load(tmp_path / "default-recipe.minidl")
    assert loaded.kind == "model" and loaded.spec["training"]["epochs"] == 1


def test_train_a_file_elsewhere_writes_here_not_beside_it(cli, tmp_path: Path) -> None:
    """``minidl train specs/x.minidl`` wrote into specs/: outputs go to the current folder."""
    (tmp_path / "specs").mkdir()
    minidl.save_spec(small_spec(), tmp_path / "specs" / "small.minidl")
    result = cli("train", "specs/small.minidl", "--epochs", "2", "--batch-size", "5", "--seed", "3", "--lr", "0.02")
    assert result.code == 0, result.err
    assert epochs_printed(result.out) == ["1", "2"]
    assert sorted(p.name for p in (tmp_path / "specs").iterdir()) == ["small.minidl"]
    training = minidl.load(tmp_path / "small-trained.minidl").spec["training"]
    assert (training["epochs"], training["batch_size"], training["seed"]) == (2, 5, 3)
    assert training["optimizer"]["config"]["lr"] == 0.02


def test_every_file_written_is_reported(cli, spec_file: Path, tmp_path: Path) -> None:
    """``train --every`` wrote NAME-checkpoint.minidl but reported only the model; and it left the checkpoint at the
    last multiple of N (epoch 2 of 3), so resuming the finished run for more epochs trained epoch 3 again."""
    result = cli("train", spec_file, "--every", "2", "--output", "run.minidl")
    assert result.code == 0, result.err
    checkpoint_line, model_line = result.out.splitlines()[-2:]
    assert checkpoint_line == "saved checkpoint run-checkpoint.minidl (epoch 3)"
    assert minidl.load(tmp_path / "run-checkpoint.minidl").state.history[-1].epoch == 3
    assert model_line.startswith("saved model run.minidl (epoch 3: test error ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-checkpoint.minidl", "run.minidl", "small.minidl"]


def test_checkpoint_then_resume_continues_exactly(cli, spec_file: Path, tmp_path: Path) -> None:
    assert cli("train", spec_file, "--epochs", "4", "--output", "straight.minidl").code == 0
    assert cli("train", spec_file, "--epochs", "4", "--every", "2", "--output", "run.minidl").code == 0
    (tmp_path / "run.minidl").unlink()  # as if the run had been stopped after its checkpoint of epoch 4
    assert cli("train", spec_file, "--epochs", "2", "--every", "2", "--output", "run.minidl", "--force").code == 0
    result = cli("resume", "run-checkpoint.minidl", "--epochs", "4", "--every", "1", "--force")
    assert result.code == 0, result.err
    assert epochs_printed(result.out) == ["3", "4"]
    assert "saved checkpoint run-checkpoint.minidl (epoch 4)\n" in result.out  # writing on in it: no "replaced"
    assert "saved model run.minidl (epoch 4: " in result.out and "replaced the file that was there" in result.out
    for resumed, straight in zip(weights(tmp_path / "run.minidl"), weights(tmp_path / "straight.minidl")):
        assert torch.equal(resumed, straight)
    assert minidl.load(tmp_path / "run.minidl").spec["training"]["epochs"] == 4


def test_resume_does_not_replace_a_model_it_did_not_start_from(cli, spec_file: Path, tmp_path: Path) -> None:
    """``resume`` silently overwrote the model file of the run: now it asks for --force, before training."""
    assert cli("train", spec_file, "--epochs", "2", "--every", "2", "--output", "run.minidl").code == 0
    before = (tmp_path / "run.minidl").read_bytes()
    result = cli("resume", "run-checkpoint.minidl", "--epochs", "4")
    assert_one_line_error(result)
    assert "the default --output run.minidl: already there; pass --force" in result.err
    assert result.out == "" and (tmp_path / "run.minidl").read_bytes() == before
    assert cli("resume", "run-checkpoint.minidl", "--epochs", "4", "--output", "longer.minidl").code == 0


def test_resume_a_finished_run_says_how_to_go_on(cli, spec_file: Path) -> None:
    cli("train", spec_file, "--epochs", "1", "--every", "1", "--output", "done.minidl")
    result = cli("resume", "done-checkpoint.minidl")
    assert_one_line_error(result)
    assert result.err == (
        "minidl: error: done-checkpoint.minidl: the run has trained all the epochs it planned (1); pass --epochs "
        "with a total above 1 to train further\n"
    )
    cli("train", spec_file, "--epochs", "3", "--every", "3", "--output", "three.minidl")
    result = cli("resume", "three-checkpoint.minidl", "--epochs", "2")  # it said "trained 3 of 2 epochs"
    assert_one_line_error(result)
    assert result.err == (
        "minidl: error: --epochs 2: three-checkpoint.minidl has already trained 3 epochs; pass a total above 3 to "
        "train further\n"
    )


def test_train_refuses_a_checkpoint(cli, spec_file: Path) -> None:
    cli("train", spec_file, "--epochs", "1", "--every", "1", "--output", "c.minidl")
    result = cli("train", "c-checkpoint.minidl")
    assert_one_line_error(result)
    assert "minidl resume" in result.err


def test_resume_refuses_a_spec_or_model_file(cli, spec_file: Path) -> None:
    result = cli("resume", spec_file)
    assert_one_line_error(result)
    assert "is a spec file, not a checkpoint; train it with: minidl train" in result.err
    # a model file was told "train it with: minidl train m.minidl", which starts again from fresh weights
    assert cli("train", spec_file, "--epochs", "1", "--output", "m.minidl").code == 0
    result = cli("resume", "m.minidl")
    assert_one_line_error(result)
    assert "m.minidl: is a model file, not a checkpoint: it holds no optimizer state" in result.err
    assert "minidl train m.minidl trains its spec again from fresh weights" in result.err


def test_divergence_exits_3_and_saves_nothing(cli, tmp_path: Path) -> None:
    spec = small_spec(loss={"component": "MSELoss"}, optimizer={"component": "SGD"})
    minidl.save_spec(spec, tmp_path / "sgd.minidl")
    result = cli("train", tmp_path / "sgd.minidl", "--lr", "1e10", "--epochs", "3")
    assert_one_line_error(result, code=3)
    assert "learning rate" in result.err and "reset" not in result.err  # "reset" is the TUI's word
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sgd.minidl"]
