"""A GPU's generator is seeded at each epoch from the run's seed and step count, so Dropout on a GPU resumes exactly
(the real thing: ``test_cuda.py``); a CPU run is left to torch's global generator, which checkpoints hold."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.workflow import trainer as trainer_module
from minidl.workflow.random_draws import seed_device_generator, step_seed
from tests.workflow.files.helpers import tiny_spec


def test_a_gpus_generator_is_seeded_from_the_seed_and_step(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_ins = (torch.Generator(), torch.Generator())  # for cuda:0 and cuda:1
    monkeypatch.setattr(torch.cuda, "default_generators", stand_ins)
    before = torch.get_rng_state()
    seed_device_generator(torch.device("cuda", 1), seed=7, step=40)
    assert stand_ins[1].initial_seed() == step_seed(7, 40) and stand_ins[0].initial_seed() != step_seed(7, 40)
    assert torch.equal(torch.get_rng_state(), before)


def test_a_cpus_generator_is_left_alone() -> None:
    before = torch.get_rng_state()
    seed_device_generator(torch.device("cpu"), seed=7, step=40)
    assert torch.equal(torch.get_rng_state(), before)


def test_every_epoch_seeds_the_models_device_with_the_steps_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr(
        trainer_module, "seed_device_generator", lambda d, seed, step: calls.append((d.type, seed, step))
    )
    run = minidl.Run(tiny_spec(epochs=3, seed=5, dropout=True))  # 200 points in batches of 20: 10 steps an epoch
    run.fit()
    assert calls == [("cpu", 5, 0), ("cpu", 5, 10), ("cpu", 5, 20)]
