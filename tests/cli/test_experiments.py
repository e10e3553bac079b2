"""``minidl experiments --quick``: the whole study at smoke-test size, written as a report."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

import minidl
from minidl.cli import experiments
from minidl.cli.experiments.runner import CURVES


def test_quick_study_writes_a_report(cli, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = cli("experiments", "--quick", "--jobs", "2", "--output", out)
    assert result.code == 0, result.err
    readme = (out / "README.md").read_text()
    assert "`minidl experiments --quick --jobs 2 --output " in readme
    assert "| ReLU, MSE, SGD lr 0.05 |" in readme and "| 3.58 ± 1.25 % |" in readme
    for title in ("Activations x initializations", "Losses x optimizers", "scheduler", "dropout", "default recipe"):
        assert title in readme
    results = json.loads((out / "results.json").read_text())
    assert results["settings"] == {
        "trials": 2,
        "epochs": 20,
        "n_train": 200,
        "n_test": 200,
        "batch_size": 10,
        "first_seed": 0,
    }
    rows = [row for group in results["groups"] for row in group["rows"]]
    assert all([t["seed"] for t in row["trials"]] == [0, 1] for row in rows)
    assert all(t["epochs"] == 20 for row in rows for t in row["trials"] if t["diverged"] is None)
    if importlib.util.find_spec("matplotlib") is not None:
        for group in results["groups"]:
            if group["rows"]:
                assert (out / "figures" / f"{group['key']}.png").read_bytes().startswith(b"\x89PNG")
                assert f"](figures/{group['key']}.png)" in readme
    else:
        assert "pip install 'minidl[experiments]'" in readme


def test_the_study_matches_the_report_setup() -> None:
    groups = {g.key: g for g in experiments.study(experiments.Settings())}
    assert [len(groups[k].configs) for k in ("activations", "losses", "scheduler", "dropout")] == [6, 4, 2, 2]
    relu_he = groups["activations"].configs[2].spec
    assert relu_he["model"]["init"] == {"component": "minidl:he", "config": {"gain": 2**0.5}}
    tanh_xavier = groups["activations"].configs[4].spec
    assert tanh_xavier["model"]["init"] == {"component": "minidl:xavier", "config": {"gain": 5 / 3}}
    for group in groups.values():
        for config in group.configs:
            training = config.spec["training"]
            batch = minidl.default_spec()["training"]["batch_size"] if group.key == "ours" else 10
            assert (training["epochs"], training["batch_size"]) == (200, batch)
            assert training["dataset"]["config"] == {"n_train": 1000, "n_test": 1000}
            widths = [
                layer["config"]["out_features"]
                for layer in config.spec["model"]["layers"]
                if layer["component"] == "minidl:Linear"
            ]
            assert widths == [25, 25, 25, 2]
    dropout = [layer["component"] for layer in groups["dropout"].configs[1].spec["model"]["layers"]]
    assert dropout.count("minidl:Dropout") == 3


def test_identical_rows_train_once() -> None:
    groups = experiments.study(experiments.Settings())
    keys = [experiments.spec_key(c.spec) for g in groups for c in g.configs]
    assert len(set(keys)) < len(keys)  # e.g. "no scheduler" is the CE/Adam row of the losses study


def test_figures_without_matplotlib_say_what_to_install(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes ``import matplotlib`` fail
    group = experiments.study(experiments.Settings.quick())[0]
    summary = experiments.Summary.of([experiments.Trial(0, {name: [0.5] for name in CURVES})])
    summaries = {experiments.spec_key(c.spec): summary for c in group.configs}
    with pytest.raises(experiments.MissingExtra, match=r"pip install 'minidl\[experiments\]'"):
        experiments.write_figures([group], summaries, tmp_path)
