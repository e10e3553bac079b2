"""Which edits apply live (weights kept) and which rebuild (fresh weights); live edits wait for a safe moment."""

from minidl.tui.session import Session
from tests.tui.conftest import small_spec


def test_optimizer_values_apply_live_and_only_those_edited() -> None:
    session = Session(small_spec(epochs=5))
    trainer = session.trainer
    trainer.optimizer.set_config(lr=0.0005)  # as a scheduler does
    before = trainer.optimizer.betas
    config = dict(session.value("optimizer")["config"], betas=(0.8, 0.9))
    assert session.change("optimizer", {"component": "Adam", "config": config})
    assert trainer.optimizer.betas == before  # queued, not applied yet
    session.apply_pending()
    assert session.trainer is trainer
    assert trainer.optimizer.betas == (0.8, 0.9) and trainer.optimizer.lr == 0.0005
    assert session.run.spec["training"]["optimizer"]["config"]["betas"] == (0.8, 0.9)


def test_epochs_apply_live_seed_and_layers_need_a_rebuild() -> None:
    session = Session(small_spec(epochs=5))
    assert session.change("epochs", 9)
    session.apply_pending()
    assert session.trainer.epochs == 9
    assert not session.change("seed", 3)
    assert not session.change("layers", session.value("layers")[:-2] + session.value("layers")[-1:])


def test_a_network_that_does_not_fit_records_why() -> None:
    session = Session(small_spec())
    session.change("layers", session.value("layers")[:-1])
    session.rebuild()
    assert session.trainer is None
    assert "classes" in session.error
