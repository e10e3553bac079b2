"""The worker's loop: throttled reports of copies, the pace between epochs, clean stops, divergence reported not
raised."""

import torch

from minidl.tui.session import Session
from minidl.tui.training import run_training
from tests.tui.conftest import small_spec


def run(session: Session, interval: float, epochs: int | None = None, stop=lambda: False, **options):
    reports = []
    outcome = run_training(
        session,
        epochs=epochs,
        should_stop=stop,
        report=lambda m, g, p: reports.append((m, g)),
        interval=interval,
        grid_side=8,
        **options,
    )
    return outcome, reports


def test_reports_are_throttled_and_complete() -> None:
    outcome, reports = run(Session(small_spec(epochs=6)), interval=3600.0)
    assert outcome.reason == "done"
    assert len(reports) == 1  # one at the end, however fast the epochs were
    metrics, grid = reports[0]
    assert [m.epoch for m in metrics] == [1, 2, 3, 4, 5, 6]
    assert grid.shape == (8, 8) and grid.dtype == torch.int16


def test_every_epoch_reported_when_slow_enough() -> None:
    _outcome, reports = run(Session(small_spec(epochs=3)), interval=0.0)
    assert sum(len(m) for m, _ in reports) == 3


def test_stop_is_polled_before_each_epoch_and_steps_count() -> None:
    session = Session(small_spec(epochs=50))
    calls = []
    outcome, _ = run(session, 3600.0, stop=lambda: calls.append(1) or len(calls) > 2)
    assert outcome.reason == "paused" and session.trainer.epoch == 2
    outcome, _ = run(session, 3600.0, epochs=1)
    assert outcome.reason == "stepped" and session.trainer.epoch == 3


def test_divergence_is_an_outcome_with_a_readable_message() -> None:
    spec = small_spec(epochs=20)
    spec["training"]["optimizer"] = {"component": "SGD", "config": {"lr": 1e30}}
    spec["training"]["scheduler"] = None
    outcome, _reports = run(Session(spec), 3600.0)
    assert outcome.reason == "failed"
    assert "learning rate" in outcome.message


def test_the_pace_waits_between_epochs_never_before_the_first() -> None:
    waits: list[float] = []
    outcome, _ = run(Session(small_spec(epochs=4)), 3600.0, period=lambda: 0.5, wait=waits.append)
    assert outcome.reason == "done"
    assert len(waits) == 3 and all(0.0 < w <= 0.5 for w in waits)


def test_a_pause_during_the_wait_stops_before_the_next_epoch() -> None:
    session = Session(small_spec(epochs=50))
    paused: list[bool] = []
    outcome, _ = run(
        session, 3600.0, stop=lambda: bool(paused), period=lambda: 10.0, wait=lambda s: paused.append(True)
    )
    assert outcome.reason == "paused" and session.trainer.epoch == 1


def test_as_fast_as_possible_never_waits() -> None:
    waits: list[float] = []
    run(Session(small_spec(epochs=3)), 3600.0, period=lambda: 0.0, wait=waits.append)
    assert waits == []


def test_reports_carry_a_probe_of_the_chosen_layer() -> None:
    probes = []
    run_training(
        Session(small_spec(epochs=2)),
        epochs=None,
        should_stop=lambda: False,
        report=lambda m, g, p: probes.append(p),
        interval=3600.0,
        grid_side=8,
        probe_layer=lambda: 1,
    )
    (probe,) = probes
    assert probe.epoch == 2 and probe.layer == 1
    assert probe.units.codes.shape[0] == 25 and probe.weights.layer == 0
    assert len(probe.gradients.norms) == 4  # the four Linear layers of the default network
