"""Files that must keep loading: the frozen fixture of each format version, and the examples in specs/."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from minidl.workflow.files import FORMAT_VERSION

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = sorted((ROOT / "specs").glob("*.minidl"))


def test_there_is_a_frozen_fixture_for_every_format_version() -> None:
    assert sorted(p.name for p in FIXTURES.glob("format_v*.minidl")) == [
        f"format_v{v}.minidl" for v in range(1, FORMAT_VERSION + 1)
    ]


def test_format_v1_checkpoint_still_loads_and_resumes() -> None:
    """Written by minidl 0.1.0 (format 1): tiny_spec(dropout=True, epochs=4) trained 2 epochs."""
    loaded = minidl.load(FIXTURES / "format_v1.minidl")
    assert loaded.kind == "checkpoint" and loaded.producer["minidl"] == "0.1.0"
    assert loaded.model[0].weight.value[0].tolist() == [0.11963163316249847, -0.6602218747138977]
    assert loaded.trainer_state["history"][1]["test_error"] == 0.47
    trainer = loaded.make_trainer()
    trainer.fit()
    assert trainer.epoch == 4


def test_examples_exist() -> None:
    names = {p.name for p in EXAMPLES}
    assert "circle_trained.minidl" in names
    assert {
        f"{a}_{d}_{s}.minidl" for a in ("relu", "tanh") for d in ("plain", "dropout") for s in ("mse_sgd", "ce_adam")
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_loads_and_fits_the_circle(path: Path) -> None:
    loaded = minidl.load(path)
    assert loaded.spec["training"]["dataset"]["component"] == "minidl:circle"
    assert loaded.model(torch.rand(5, 2)).shape == (5, 2)


def test_trained_circle_model_reaches_about_one_percent_test_error() -> None:
    loaded = minidl.load(ROOT / "specs" / "circle_trained.minidl")
    history = loaded.trainer_state["history"]
    assert len(history) == loaded.spec["training"]["epochs"]
    assert history[-1]["test_error"] <= 0.0125
    data = minidl.Circle(**loaded.spec["training"]["dataset"]["config"]).load(loaded.spec["training"]["seed"])
    errors = (loaded.model.eval()(data.test_x).argmax(1) != data.test_y).double().mean()
    assert float(errors) == history[-1]["test_error"]
