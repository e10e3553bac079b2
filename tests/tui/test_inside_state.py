"""What the Inside tab keeps between reports: one gradient entry per epoch, maps only of the chosen layer."""

from __future__ import annotations

import torch

from minidl.tui.inside_state import InsideState
from minidl.tui.probes import GradientNorms, Probe, UnitMaps


def probe(epoch: int, layer: int | None) -> Probe:
    units = None if layer is None else UnitMaps(layer, torch.zeros(1, 2, 2, dtype=torch.int16), 1.0)
    return Probe(epoch, layer, GradientNorms((0,), (float(epoch),)), units, None)


def test_gradients_are_kept_once_per_epoch_and_maps_only_for_the_chosen_layer() -> None:
    state = InsideState(layer=1)
    assert state.requested is None  # hidden: gradients only
    state.shown = True
    assert state.requested == 1
    for p in (probe(0, None), probe(0, 1), probe(3, 1), probe(3, None)):
        state.took(p)
    assert state.epochs == [0, 3] and [g.norms for g in state.gradients] == [(0.0,), (3.0,)]
    assert state.current.epoch == 3 and state.current.layer == 1  # a gradients-only probe keeps the maps
    state.choose(2, layers=7)
    assert state.current is None  # the maps of layer 1 are not shown as layer 2's


def test_a_new_trainer_starts_an_empty_history_and_a_shorter_network_keeps_the_choice_in_range() -> None:
    state = InsideState(layer=5)
    state.took(probe(4, 5))
    state.restart(layers=3)
    assert state.epochs == [] and state.probe is None and state.layer == 2
    state.choose(-4, layers=3)
    assert state.layer == 0
