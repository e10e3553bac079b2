"""Epochs, batch size and seed have one declaration of their limits, read by the spec, the Trainer, the schema,
the TUI's form and the CLI."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.cli.options import training_setting
from minidl.tui.widgets.training_setup import RUN_FIELDS
from minidl.workflow.spec import normalize
from minidl.workflow.spec_schema import spec_schema
from minidl.workflow.training_limits import TRAINING_LIMITS


@pytest.mark.parametrize("name", list(TRAINING_LIMITS))
def test_every_reader_allows_exactly_the_declared_range(name: str) -> None:
    limit = TRAINING_LIMITS[name]
    for value in (limit.low, limit.high):
        normalize(minidl.default_spec(**{name: value}))
        assert training_setting(name)(str(value)) == value
    for value in (limit.low - 1, limit.high + 1):
        with pytest.raises(minidl.ConfigError, match=rf"^spec\.training\.{name}: expected an int in \[{limit.low}, "):
            normalize(minidl.default_spec(**{name: value}))
        with pytest.raises(Exception, match=rf"expected a whole number in \[{limit.low}, {limit.high}\]"):
            training_setting(name)(str(value))
    field = next(f for f in RUN_FIELDS if f.name == name)
    assert (field.ge, field.le, field.help) == (limit.low, limit.high, limit.help)
    schema = spec_schema()["properties"]["training"]["anyOf"][0]["properties"][name]
    assert (schema["minimum"], schema["maximum"]) == (limit.low, limit.high)


def test_the_trainer_refuses_settings_outside_the_limits() -> None:
    trainer = minidl.build_trainer(minidl.default_spec(epochs=1))
    with pytest.raises(minidl.ConfigError, match=r"^Trainer: seed: expected an int in \[0, 9223372036854775807\]"):
        minidl.Trainer(trainer.model, trainer.loss, trainer.optimizer, trainer.data, seed=-1)


def test_seeds_equal_in_their_low_32_bits_draw_the_same_data_and_weights() -> None:
    """What the seed's help says is what torch does (its CPU generator keeps 32 bits of a seed)."""
    assert "low 32 bits" in TRAINING_LIMITS["seed"].help
    runs = [minidl.Run(minidl.default_spec(seed=seed, epochs=1)) for seed in (3, 3 + 2**32, 4)]
    same, other = (run.trainer.data.train_x for run in runs[:2]), runs[2].trainer.data.train_x
    first, second = same
    assert torch.equal(first, second) and not torch.equal(first, other)
    assert torch.equal(runs[0].model[0].weight.value, runs[1].model[0].weight.value)
