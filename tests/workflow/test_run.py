"""A run owns its spec: changes between epochs reach the spec and the Trainer together, checkpoints hold them,
and the Trainer itself knows nothing of specs or files. Runtime choices are the run's, never the spec's."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch

import minidl
from minidl.workflow import trainer as trainer_module
from tests.workflow.files.helpers import tiny_spec


def test_the_trainer_imports_neither_specs_nor_files() -> None:
    """``Trainer.save_checkpoint`` imported the file layer, which imports the trainer: a circle."""
    tree = ast.parse(Path(trainer_module.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not {m for m in imported if m and m.startswith(("minidl.workflow.spec", "minidl.workflow.files"))}
    assert not hasattr(minidl.Trainer, "save_checkpoint") and not hasattr(minidl.Trainer(*parts()), "spec")


def parts() -> tuple:
    model = minidl.Sequential(minidl.Linear(2, 2))
    return model, minidl.CrossEntropyLoss(), minidl.SGD(model.param()), minidl.Circle(n_train=4, n_test=4).load(0)


def test_changes_between_epochs_reach_the_trainer_and_the_spec_and_the_checkpoint(tmp_path: Path) -> None:
    run = minidl.Run(tiny_spec(epochs=3))
    run.fit(1)
    run.trainer.optimizer.lr = 0.004  # as a scheduler would
    optimizer = run.spec["training"]["optimizer"]
    run.change("optimizer", {**optimizer, "config": {**optimizer["config"], "betas": (0.8, 0.9)}})
    run.change("epochs", 5)
    run.change("batch_size", 40)
    assert (run.trainer.epochs, run.trainer.batch_size, run.trainer.optimizer.betas) == (5, 40, (0.8, 0.9))
    assert run.trainer.optimizer.lr == 0.004  # a value not edited stays as the run made it
    training = run.spec["training"]
    assert (training["epochs"], training["batch_size"], training["optimizer"]["config"]["betas"]) == (5, 40, (0.8, 0.9))
    run.save_checkpoint(tmp_path / "c.minidl")
    resumed = minidl.resume(tmp_path / "c.minidl")
    assert resumed.spec == run.spec and resumed.trainer.optimizer.lr == 0.004
    assert len(resumed.fit()) == 5


def test_an_optimizer_change_changes_only_the_values_it_gives() -> None:
    # change("optimizer", {"component": "Adam", "config": {"lr": ...}}) reset the recipe's betas (0.9, 0.99) to
    # Adam's default (0.9, 0.999), silently, in the spec and the optimizer
    run = minidl.Run(minidl.default_spec(epochs=1))
    before = run.spec["training"]["optimizer"]["config"]
    run.change("optimizer", {"component": "Adam", "config": {"lr": 0.005}})
    assert run.spec["training"]["optimizer"]["config"] == {**before, "lr": 0.005}
    assert (run.trainer.optimizer.lr, run.trainer.optimizer.betas) == (0.005, (0.9, 0.99))


def test_what_a_run_cannot_take_leaves_it_unchanged() -> None:
    run = minidl.Run(tiny_spec(epochs=3))
    before = run.spec
    with pytest.raises(minidl.ConfigError, match=r"^spec\.training\.seed: cannot change during a run"):
        run.change("seed", 4)
    with pytest.raises(minidl.ConfigError, match=r"^spec\.training\.optimizer: cannot change during a run"):
        run.change("optimizer", {"component": "SGD"})
    with pytest.raises(minidl.ConfigError, match=r"^spec\.training\.epochs: expected an int"):
        run.change("epochs", 0)
    assert run.spec == before and run.trainer.epochs == 3
    assert run.can_change("epochs", 9) and not run.can_change("dataset", before["training"]["dataset"])


def test_the_spec_given_out_is_a_copy() -> None:
    run = minidl.Run(tiny_spec(epochs=3))
    run.spec["training"]["epochs"] = 99
    assert run.spec["training"]["epochs"] == 3


def test_a_spec_without_training_cannot_run() -> None:
    spec = tiny_spec()
    spec["training"] = None
    with pytest.raises(minidl.ConfigError, match=r"^spec\.training: this spec has no training setup"):
        minidl.Run(spec)


def test_runtime_choices_are_the_runs_and_never_in_the_spec(tmp_path: Path) -> None:
    threads = torch.get_num_threads()
    try:
        run = minidl.Run(tiny_spec(), runtime=minidl.Runtime(compile=False, threads=1))
        assert torch.get_num_threads() == 1 and run.trainer.compiled_step is None
        assert minidl.Run(tiny_spec(), runtime=minidl.Runtime(compile=True)).trainer.compiled_step is not None
    finally:
        torch.set_num_threads(threads)
    run.save_checkpoint(tmp_path / "c.minidl")
    assert "compile" not in str(minidl.load(tmp_path / "c.minidl").spec)
    for bad in (0, True, 1.5):
        with pytest.raises(minidl.ConfigError, match=r"^Runtime: threads must be an int >= 1 or None"):
            minidl.Runtime(threads=bad)
