"""Files that must keep loading: the frozen fixture of each format version, and the examples in specs/."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from minidl.cli.experiments.study import Settings, study
from minidl.workflow.files import FORMAT_VERSION
from minidl.workflow.spec import normalize

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
    assert loaded.state.history[1].test_error == 0.47
    trainer = minidl.Run.from_file(loaded).trainer
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
    history = loaded.state.history
    assert len(history) == loaded.spec["training"]["epochs"]
    assert history[-1].test_error <= 0.0125
    data = minidl.Circle(**loaded.spec["training"]["dataset"]["config"]).load(loaded.spec["training"]["seed"])
    errors = (loaded.model.eval()(data.test_x).argmax(1) != data.test_y).double().mean()
    assert float(errors) == history[-1].test_error


SPEC_EXAMPLES = [p for p in EXAMPLES if p.name != "circle_trained.minidl"]


@pytest.mark.parametrize("path", SPEC_EXAMPLES, ids=[p.name for p in SPEC_EXAMPLES])
def test_spec_examples_are_the_reports_setups(path: Path) -> None:
    """What the README says the report's setups are: batch 10, no scheduler, SGD lr 0.05 or Adam lr 1e-3."""
    loaded = minidl.load(path)
    training = loaded.spec["training"]
    assert loaded.kind == "spec" and loaded.spec["model"]["init"]["component"] == "minidl:default"
    assert (training["batch_size"], training["epochs"], training["scheduler"], training["seed"]) == (10, 200, None, 0)
    loss, optimizer, lr = {"mse_sgd": ("MSELoss", "SGD", 0.05), "ce_adam": ("CrossEntropyLoss", "Adam", 1e-3)}[
        path.stem.split("_", 2)[2]
    ]
    assert training["loss"]["component"] == f"minidl:{loss}"
    assert training["optimizer"]["component"] == f"minidl:{optimizer}" and training["optimizer"]["config"]["lr"] == lr
    dropout = [layer["config"]["p"] for layer in loaded.spec["model"]["layers"] if "Dropout" in layer["component"]]
    assert dropout == ([0.1] * 3 if "_dropout_" in path.name else [])


def test_relu_spec_examples_are_the_studys_report_rows() -> None:
    """``relu_plain_*`` are exactly the rows of the README's results table (the study's losses group)."""
    losses = next(group for group in study(Settings()) if group.key == "losses")
    rows = {config.label: normalize(config.spec) for config in losses.configs}
    assert minidl.load(ROOT / "specs" / "relu_plain_mse_sgd.minidl").spec == rows["MSE, SGD"]
    assert minidl.load(ROOT / "specs" / "relu_plain_ce_adam.minidl").spec == rows["CE, Adam"]
