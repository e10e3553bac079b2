"""``minidl evaluate`` and ``minidl inspect`` on model, checkpoint and spec files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import minidl
from tests.cli.conftest import assert_one_line_error, small_spec


@pytest.fixture
def trained(cli, spec_file: Path, tmp_path: Path) -> Path:
    """A model trained 3 epochs, with a checkpoint of its last epoch beside it."""
    assert cli("train", spec_file, "--every", "3", "--output", tmp_path / "m.minidl").code == 0
    return tmp_path / "m.minidl"


def test_evaluate_matches_the_last_epoch(cli, trained: Path) -> None:
    result = cli("evaluate", trained, "--json")
    assert result.code == 0, result.err
    scores = json.loads(result.out)
    last = minidl.load(trained.with_name("m-checkpoint.minidl")).state.history[-1].as_dict()
    keys = ("train_loss", "train_error", "test_loss", "test_error")
    assert scores == {"file": str(trained), "kind": "model", **{key: last[key] for key in keys}}
    table = cli("evaluate", trained).out.splitlines()
    assert table[1].split()[0] == "train" and table[2].split()[0] == "test"
    assert table[2].split()[2] == f"{last['test_error']:.2%}"


def test_inspect_text(cli, trained: Path) -> None:
    result = cli("inspect", trained.with_name("m-checkpoint.minidl"))
    assert result.code == 0, result.err
    for text in (
        " Linear ",
        "minidl 0.1",
        "(None, 8)",
        "(None, 2)",
        "Total params: 42",
        "optimizer  minidl:Adam(lr=0.01",
        "History: 3 epochs",
        "best",
        "Producer: minidl",
    ):
        assert text in result.out, text


def test_inspect_json(cli, trained: Path) -> None:
    summary = json.loads(cli("inspect", trained, "--json").out)
    assert summary["kind"] == "model"
    assert [layer["parameters"] for layer in summary["layers"]] == [24, 0, 18]
    assert [layer["output_shape"] for layer in summary["layers"]] == [[None, 8], [None, 8], [None, 2]]
    assert summary["layers"][0]["provider"]["distribution"] == "minidl"
    assert summary["totals"] == {"parameters": 42, "trainable": 42, "non_trainable": 0}
    assert summary["training"]["epochs"] == 3 and summary["history"] is None
    checkpoint = json.loads(cli("inspect", trained.with_name("m-checkpoint.minidl"), "--json").out)
    assert checkpoint["history"]["epochs"] == 3 and checkpoint["history"]["last"]["epoch"] == 3
    history = minidl.load(trained.with_name("m-checkpoint.minidl")).state.history
    assert checkpoint["history"]["per_epoch"] == [
        m.as_dict() for m in history
    ]  # every epoch, not only the last and best


def test_inspect_a_spec_file(cli, spec_file: Path) -> None:
    result = cli("inspect", spec_file)
    assert result.code == 0, result.err
    assert "small.minidl: spec" in result.out and "History: none" in result.out


@pytest.mark.parametrize("command", ["evaluate", "inspect"])
def test_a_file_that_is_not_a_minidl_file_is_named(cli, tmp_path: Path, command: str) -> None:
    five = tmp_path / "five.py"
    five.write_text("print(5)\n")
    result = cli(command, five)
    assert_one_line_error(result)
    assert f"minidl: error: {five}: not a minidl file" in result.err


def test_evaluate_fresh_points(cli, trained: Path) -> None:
    result = json.loads(cli("evaluate", trained, "--fresh", "3000", "--json").out)
    fresh = result["fresh"]
    assert fresh["points"] == 3000 and fresh["error"] == fresh["errors"] / 3000
    assert fresh["ci95"][0] <= fresh["error"] <= fresh["ci95"][1] and fresh["seed"] == 7 + 2**31
    again = json.loads(cli("evaluate", trained, "--fresh", "3000", "--fresh-seed", "7", "--json").out)["fresh"]
    assert again["seed"] == 7 and again["errors"] != fresh["errors"]  # seed 7 draws the training set's points
    table = cli("evaluate", trained, "--fresh", "3000").out.splitlines()
    assert table[3].startswith("fresh") and f"{fresh['error']:.2%}" in table[3]
    assert "on 3,000 fresh points" in table[3] and "95% interval" in table[3]


def strict_json(text: str) -> object:
    """What ``jq`` or a browser accepts: JSON without Python's NaN and Infinity."""

    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_json_output_is_strict_json_when_a_loss_is_nan(cli, tmp_path: Path) -> None:
    """``minidl evaluate --json`` on weights that hold NaN printed ``"train_loss": NaN``, which jq refuses."""
    spec = small_spec()
    model = minidl.build_model(spec, seed=0)
    model.param()[0].value[0, 0] = float("nan")
    minidl.save(model, tmp_path / "nan.minidl", training=spec["training"])
    result = cli("evaluate", "nan.minidl", "--json")
    assert result.code == 0, result.err
    scores = strict_json(result.out)
    assert scores["train_loss"] is None and scores["test_loss"] is None and 0 <= scores["train_error"] <= 1
    for argv in (("inspect", "nan.minidl", "--json"), ("components", "--json"), ("plugins", "--json")):
        strict_json(cli(*argv).out)


def test_a_fresh_seed_without_fresh_points_is_refused(cli, trained: Path) -> None:
    """``minidl evaluate m.minidl --fresh-seed 3`` printed the usual table, the seed silently unused."""
    result = cli("evaluate", trained, "--fresh-seed", "3")
    assert_one_line_error(result)
    assert result.err == "minidl: error: --fresh-seed 3: seeds the points of --fresh N; pass --fresh too\n"


def test_evaluate_a_spec_file_says_its_weights_are_untrained(cli, spec_file: Path) -> None:
    result = cli("evaluate", spec_file)
    assert result.code == 0, result.err
    assert result.err.splitlines() == [  # a note, on stderr: stdout keeps the table alone
        f"minidl: note: {spec_file} is a spec file (no weights): these are the scores of untrained weights "
        "drawn from seed 7"
    ]
    assert result.out.splitlines()[1].startswith("train")
    assert json.loads(cli("evaluate", spec_file, "--json").out)["kind"] == "spec"


def test_inspect_shows_the_initializer_the_spec_named(cli, tmp_path: Path) -> None:
    spec = small_spec(epochs=1)
    spec["model"]["init"] = {"component": "he"}
    minidl.save_spec(spec, tmp_path / "he.minidl")
    assert cli("train", tmp_path / "he.minidl", "--output", tmp_path / "he-trained.minidl").code == 0
    assert "Init: minidl:he(gain=1.4142135623730951)" in cli("inspect", tmp_path / "he-trained.minidl").out
