"""The pieces of data-parallel training in one process: a batch's slices, buckets, seeds, agreement, a world of one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch
import torch.distributed as dist

import minidl
from minidl.workflow.distributed import World, join
from minidl.workflow.distributed.agreement import check_agreement
from minidl.workflow.distributed.buckets import flat_copies
from minidl.workflow.fast_step import CompileFallback
from minidl.workflow.random_draws import step_seed
from tests.workflow.distributed.ranks import assert_same_run, float64_spec, one_process


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_the_ranks_rows_are_contiguous_slices_covering_the_batch_once(size: int) -> None:
    for n in range(0, 23):
        rows = [World(rank, size, None, None, torch.device("cpu"), 1.0).rows(n) for rank in range(size)]
        assert [r.start for r in rows] == [0] + [r.stop for r in rows[:-1]] and rows[-1].stop == n
        counts = [r.stop - r.start for r in rows]
        assert max(counts) - min(counts) <= 1 and counts == sorted(counts, reverse=True)


def test_a_rank_other_than_0_writes_no_file(tmp_path: Path) -> None:
    """It meets rank 0, which writes, at the next collective: ``save`` and ``save_checkpoint`` need none."""
    world = World(1, 2, None, None, torch.device("cpu"), 1.0)
    run = minidl.Run(float64_spec(epochs=1, n_train=10, n_test=10), runtime=minidl.Runtime(world=world))
    run.save(tmp_path / "model.minidl")
    run.save_checkpoint(tmp_path / "checkpoint.minidl")
    assert not run.leads and list(tmp_path.iterdir()) == []


def test_a_runtime_world_must_be_a_world() -> None:
    with pytest.raises(minidl.ConfigError, match=r"^Runtime: world must be a World \(minidl.workflow.distributed.join"):
        minidl.Runtime(world=2)


def test_step_seeds_differ_between_ranks_and_steps_in_the_bits_torch_keeps() -> None:
    seeds = {step_seed(seed, step, rank) & 0xFFFF_FFFF for seed in (0, 1) for step in range(500) for rank in range(4)}
    assert len(seeds) == 2 * 500 * 4
    assert step_seed(0, 7, 1) == step_seed(0, 7, 1)


def test_flat_copies_make_one_bucket_per_dtype_and_write_back() -> None:
    tensors = [torch.ones(2, 3), torch.full((4,), 2.0, dtype=torch.float64), torch.zeros(5), torch.ones(1, 1)]
    buckets = list(flat_copies(tensors))
    assert [(flat.dtype, flat.numel()) for flat, _ in buckets] == [(torch.float32, 12), (torch.float64, 4)]
    for flat, copy_back in buckets:
        flat.mul_(10).add_(torch.arange(flat.numel(), dtype=flat.dtype))
        copy_back()
    assert tensors[0].flatten().tolist() == [10.0 + i for i in range(6)]
    assert tensors[2].tolist() == [6.0, 7.0, 8.0, 9.0, 10.0] and tensors[3].item() == 21.0
    assert tensors[1].tolist() == [20.0, 21.0, 22.0, 23.0]


def facts(**changes: object) -> str:
    base = {"minidl": "0.1.0", "torch": "2.13.0", "spec": "a", "setup": "b", "data": "c", "epoch": 4, "steps": 80}
    return json.dumps({**base, **changes})


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"minidl": "9.9.9"}, "the ranks disagree: rank 2 has minidl 9.9.9, rank 0 has 0.1.0: every rank must run"),
        ({"torch": "2.12.0"}, "the ranks disagree: rank 2 has torch 2.12.0, rank 0 has 2.13.0: every rank must run"),
        ({"data": "x"}, "the ranks disagree: rank 2's data differs from rank 0's: every rank must draw the same data"),
        ({"epoch": 2, "steps": 40}, "the ranks disagree: rank 2 has epoch 2, rank 0 has 4: every rank must start"),
    ],
)
def test_agreement_names_the_first_fact_in_which_a_rank_differs(changed: dict, message: str) -> None:
    check_agreement([facts(), facts(), facts()])
    with pytest.raises(minidl.ConfigError, match="^" + message):
        check_agreement([facts(), facts(), facts(**changed)])


@pytest.fixture
def world_of_one(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """A real process group of one rank (gloo) in this process, its store hosted here as torchrun's agent does."""
    store = dist.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    place = {"RANK": "0", "WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(store.port)}
    for name, value in {**place, "TORCHELASTIC_USE_AGENT_STORE": "True"}.items():
        monkeypatch.setenv(name, value)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with join(timeout=30.0) as world:
            yield world
    finally:
        torch.set_num_threads(threads)


def test_a_world_of_one_trains_bit_for_bit_as_one_process(world_of_one: World) -> None:
    """Share 1, an all-reduce of one rank, masks from torch's generator as alone: the same bits, the same scores."""
    spec = float64_spec(epochs=2, dropout=True)
    run = minidl.Run(spec, runtime=minidl.Runtime(world=world_of_one))
    run.fit()
    assert_same_run(run, one_process(spec), tolerance=0.0)


def test_a_compiled_step_gives_way_to_the_data_parallel_step(world_of_one: World) -> None:
    run = minidl.Run(float64_spec(epochs=1), runtime=minidl.Runtime(compile=True, world=world_of_one))
    with pytest.warns(CompileFallback, match="data-parallel training runs eagerly"):
        run.fit(0)
    assert run.trainer.compiled_step is None and run.trainer.world is world_of_one


def test_bf16_is_refused_for_data_parallel_training_not_dropped(world_of_one: World) -> None:
    """A speed choice (compile, CUDA graphs) gives way with a warning; a numeric one is not silently changed."""
    spec = float64_spec(epochs=1)
    spec["model"]["dtype"] = "float32"
    run = minidl.Run(spec, runtime=minidl.Runtime(precision="bf16", world=world_of_one))
    with pytest.raises(minidl.ConfigError, match=r"^precision 'bf16': data-parallel training runs in the model's"):
        run.fit(0)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"RANK": "1", "WORLD_SIZE": "1"}, "RANK: expected a rank below WORLD_SIZE (1), got 1"),
        ({"RANK": "x", "WORLD_SIZE": "2"}, "RANK: expected a whole number >= 0, got 'x'"),
        ({"RANK": "0", "WORLD_SIZE": "2"}, "MASTER_ADDR: not set; start the ranks with torchrun"),
    ],
)
def test_join_refuses_an_environment_torchrun_would_not_make(
    environment: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(minidl.ConfigError) as error:
        join()
    assert str(error.value).startswith(message)
