"""The global batch defines the run: N ranks train the weights one process trains, and resume across world sizes.

Real processes on localhost (gloo), float64, the default recipe with uneven batches (1001 points in
batches of 50: on 3 ranks 17/17/16 rows, and a last batch of one row, so two ranks have none).
Short runs here; ``pytest -m long`` runs the full 200 epochs on 1, 2 and 3 ranks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import minidl
from tests.workflow.distributed.ranks import assert_same_run, float64_spec, one_process, run_ranks


def trained(size: int, job: dict[str, Any], result: Path) -> minidl.Run:
    """Run ``job`` on ``size`` ranks; rank 0's final checkpoint as a Run."""
    finished, _ = run_ranks(size, {**job, "result": str(result)})
    assert [f.code for f in finished] == [0] * size, [f.err for f in finished]
    assert all(f.err == "" for f in finished), [f.err for f in finished]
    return minidl.resume(result)


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory: pytest.TempPathFactory) -> tuple[minidl.Run, Path]:
    """3 epochs on 2 ranks, a checkpoint every 2: the final run, and the folder with the epoch-2 checkpoint."""
    folder = tmp_path_factory.mktemp("two_ranks")
    job = {"spec": float64_spec(epochs=3), "every": 2, "checkpoint": str(folder / "epoch2.minidl")}
    return trained(2, job, folder / "final.minidl"), folder


def test_two_ranks_train_what_one_process_trains(two_ranks: tuple[minidl.Run, Path]) -> None:
    assert_same_run(two_ranks[0], one_process(float64_spec(epochs=3)))


def test_a_checkpoint_of_two_ranks_resumes_in_one_process(two_ranks: tuple[minidl.Run, Path]) -> None:
    checkpoint = two_ranks[1] / "epoch2.minidl"
    assert minidl.load(checkpoint).state.history[-1].epoch == 2
    assert_same_run(one_process(float64_spec(epochs=3), checkpoint), one_process(float64_spec(epochs=3)))


def test_a_checkpoint_of_two_ranks_resumes_on_three(two_ranks: tuple[minidl.Run, Path], tmp_path: Path) -> None:
    resumed = trained(3, {"resume": str(two_ranks[1] / "epoch2.minidl")}, tmp_path / "final.minidl")
    assert_same_run(resumed, one_process(float64_spec(epochs=3)))


def test_a_checkpoint_of_one_process_resumes_on_two(tmp_path: Path) -> None:
    part = one_process(float64_spec(epochs=3), epochs=1)
    part.save_checkpoint(tmp_path / "epoch1.minidl")
    resumed = trained(2, {"resume": str(tmp_path / "epoch1.minidl")}, tmp_path / "final.minidl")
    assert_same_run(resumed, one_process(float64_spec(epochs=3)))


def test_dropout_ranks_draw_their_own_masks_and_resume_exactly(tmp_path: Path) -> None:
    """With Dropout, ranks draw different masks (from the seed, the step and the rank), so the run is not one
    process's; but it is reproducible, and resumes exactly on the same number of ranks."""
    spec = float64_spec(epochs=3, dropout=True)
    job = {"spec": spec, "every": 2, "checkpoint": str(tmp_path / "epoch2.minidl"), "result": str(tmp_path / "full")}
    finished, _ = run_ranks(2, job)
    masks = [json.loads(f.out)["masks"] for f in finished]
    assert masks[0] != masks[1]
    resumed = trained(2, {"resume": str(tmp_path / "epoch2.minidl")}, tmp_path / "resumed.minidl")
    assert_same_run(resumed, minidl.resume(tmp_path / "full"), tolerance=0.0)


def test_rank_0_alone_prints_the_epochs() -> None:
    finished, _ = run_ranks(2, {"spec": float64_spec(epochs=2, n_train=100, n_test=100), "verbose": True})
    assert [f.code for f in finished] == [0, 0], [f.err for f in finished]
    assert [line[:10] for line in finished[0].out.splitlines()[:-1]] == ["epoch    1", "epoch    2"]
    assert len(finished[1].out.splitlines()) == 1


def test_one_rank_is_one_process_dropout_included(tmp_path: Path) -> None:
    spec = float64_spec(epochs=2, dropout=True)
    assert_same_run(trained(1, {"spec": spec}, tmp_path / "final.minidl"), one_process(spec), tolerance=0.0)


@pytest.mark.long
@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_full_default_recipe_on_n_ranks_agrees_to_1e9(size: int, tmp_path: Path) -> None:
    """The issue's figure: 200 epochs of the default recipe in float64, weights within 1e-9 of one process's."""
    ranks = trained(size, {"spec": float64_spec(epochs=200)}, tmp_path / "final.minidl")
    alone = one_process(float64_spec(epochs=200))
    assert_same_run(ranks, alone, tolerance=1e-9)
    difference = max(float((p.value - q.value).abs().max()) for p, q in zip(ranks.model.param(), alone.model.param()))
    print(f"{size} ranks: largest weight difference after 200 epochs {difference:.3g}")
