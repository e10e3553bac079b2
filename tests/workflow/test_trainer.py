"""The training loop: history, callbacks, stop and continue, divergence, the default recipe."""

from __future__ import annotations

import pytest
import torch

import minidl


def small_spec(**training) -> dict:
    spec = minidl.default_spec(epochs=6, **training)
    spec["training"]["dataset"]["config"] = {"n_train": 200, "n_test": 200}
    return spec


def test_history_and_callbacks() -> None:
    trainer = minidl.build_trainer(small_spec())
    seen: list[minidl.EpochMetrics] = []
    trainer.callbacks.append(seen.append)
    history = trainer.fit()
    assert [m.epoch for m in history] == list(range(1, 7)) and seen == history and trainer.done
    for m in history:
        assert 0 <= m.train_error <= 1 and 0 <= m.test_error <= 1 and m.seconds > 0
        assert 0 < m.lr <= minidl.default_spec()["training"]["optimizer"]["config"]["lr"]
        assert all(isinstance(v, (int, float)) for v in m.as_dict().values())


def test_stop_and_continue_gives_the_same_run() -> None:
    straight = minidl.build_trainer(small_spec(seed=3))
    straight.fit()
    paused = minidl.build_trainer(small_spec(seed=3))
    paused.callbacks.append(lambda m: paused.request_stop() if m.epoch == 2 else None)
    assert len(paused.fit()) == 2
    paused.fit()  # continue to the planned total
    assert paused.history[-1].epoch == 6
    assert [m.train_loss for m in paused.history] == [m.train_loss for m in straight.history]
    for a, b in zip(paused.model.param(), straight.model.param()):
        assert torch.equal(a.value, b.value)


def test_fit_with_a_count_runs_that_many_epochs() -> None:
    trainer = minidl.build_trainer(small_spec())
    trainer.fit(1)
    trainer.run_epoch()
    assert trainer.epoch == 2 and not trainer.done


def test_fit_verbose_prints_the_lines_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """``Trainer.fit()`` printed nothing: Python users get the CLI's line per epoch, from the same code."""
    trainer = minidl.build_trainer(small_spec())
    trainer.fit(2)
    assert capsys.readouterr().out == ""
    trainer.fit(verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [str(m) for m in trainer.history[2:]] and len(lines) == trainer.epochs - 2
    assert lines[0].startswith(f"epoch    3  train loss {trainer.history[2].train_loss:.4f} error ")


def test_divergence_is_refused_loudly() -> None:
    spec = small_spec()
    spec["training"]["optimizer"] = {"component": "SGD", "config": {"lr": 1e30}}
    spec["training"]["loss"] = {"component": "MSELoss", "config": {}}
    trainer = minidl.build_trainer(spec)
    with pytest.raises(minidl.TrainingDiverged, match=r"epoch 1: the training loss became (nan|inf)") as caught:
        trainer.fit()
    assert "reset" not in str(caught.value)  # the TUI's word; the message serves every interface
    assert trainer.history == []
    with pytest.raises(minidl.TrainingDiverged):
        trainer.run_epoch()


def test_mse_training_in_float64() -> None:
    spec = small_spec()
    spec["model"]["dtype"] = "float64"
    spec["training"]["loss"] = {"component": "MSELoss"}
    spec["training"]["optimizer"] = {"component": "SGD", "config": {"lr": 0.05, "momentum": 0.9}}
    trainer = minidl.build_trainer(spec)
    trainer.fit()
    assert trainer.model.param()[0].value.dtype == torch.float64
    assert trainer.history[-1].train_loss < trainer.history[0].train_loss


def test_default_recipe_short_run_learns_the_circle() -> None:
    """The default recipe, 40 of its epochs at seed 0: already under 4 % test error."""
    trainer = minidl.build_trainer(minidl.default_spec(epochs=40, seed=0))
    history = trainer.fit()
    assert history[-1].test_error < 0.04, history[-1]


def test_trainer_rejects_bad_settings() -> None:
    trainer = minidl.build_trainer(small_spec())
    with pytest.raises(minidl.ConfigError, match=r"^Trainer: batch_size: expected an int in \[1, 100000000\], got 0$"):
        minidl.Trainer(trainer.model, trainer.loss, trainer.optimizer, trainer.data, batch_size=0)


def test_evaluating_leaves_every_module_in_the_mode_it_had() -> None:
    """Scores are taken in evaluation mode; afterwards a loaded model (in evaluation mode) is still in it."""
    trainer = minidl.build_trainer(small_spec())
    model = trainer.model.eval()
    trainer.scores()
    assert not any(m.training for m in model.modules())
    model.train()
    model[1].eval()  # a mixed state (one layer frozen by hand) comes back as it was
    trainer.scores()
    assert [m.training for m in model] == [True, False, *[True] * (len(model) - 2)]
