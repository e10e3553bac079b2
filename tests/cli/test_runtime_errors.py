"""Errors at run time and checks before work, as the command line shows them: one line, status 2, the place named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import minidl
from minidl.workflow import memory
from minidl.workflow.files.document import write_document
from minidl.workflow.spec import normalize
from tests import faulty_plugin
from tests.cli.conftest import assert_one_line_error
from tests.faulty_plugin import small_spec

FAULTY = f"(minidl-faulty:Faulty from minidl-faulty {faulty_plugin.VERSION})"


@pytest.fixture
def faulty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with faulty_plugin.install(tmp_path, monkeypatch):
        yield


def faulty_spec(fail: str) -> dict:
    return small_spec({"component": "Faulty", "config": {"fail": fail}})


@pytest.mark.parametrize("command", ["train", "resume", "evaluate", "inspect"])
def test_a_plugin_layer_that_raises_is_one_line_naming_it(cli, faulty, tmp_path: Path, command: str) -> None:
    path = tmp_path / "faulty.minidl"
    if command == "train":
        minidl.save_spec(faulty_spec("train_forward"), path)
    elif command == "resume":
        minidl.Run(faulty_spec("backward")).save_checkpoint(path)  # before its first epoch
    else:
        spec = faulty_spec("eval_forward")
        minidl.save(minidl.build_model(spec), path, training=spec["training"])
    result = cli(command, path, *(["--output", tmp_path / "out.minidl"] if command in ("train", "resume") else []))
    assert_one_line_error(result)
    stage = (
        "backward raised KeyError: 'the backward failed'"
        if command == "resume"
        else "forward raised ValueError: the forward failed"
    )
    assert result.err == f"minidl: error: spec.model.layers[1] {FAULTY}: {stage}\n"


@pytest.mark.parametrize("switch", ["--debug", "MINIDL_DEBUG=1"])
def test_debugging_shows_the_plugins_traceback_then_the_line(
    cli, faulty, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    path = tmp_path / "faulty.minidl"
    minidl.save_spec(faulty_spec("train_forward"), path)
    if switch.startswith("MINIDL_DEBUG"):
        monkeypatch.setenv("MINIDL_DEBUG", "1")
        result = cli("train", path)
    else:
        result = cli("train", path, "--debug")
    assert result.code == 2
    assert "Traceback" in result.err and 'minidl_faulty.py", line' in result.err
    assert result.err.splitlines()[-1].startswith(f"minidl: error: spec.model.layers[1] {FAULTY}: forward raised")


def test_inspect_names_the_layer_that_does_not_fit(cli, tmp_path: Path) -> None:
    spec = small_spec()
    spec["model"]["layers"][1]["config"]["in_features"] = 5
    minidl.save_spec(spec, tmp_path / "misfit.minidl")
    result = cli("inspect", tmp_path / "misfit.minidl")
    assert_one_line_error(result)
    assert "minidl: error: spec.model.layers[1]: Linear(5 -> 2): expected input of shape (batch, 5)" in result.err


def optimizer_file(path: Path, name: str, **config: float) -> Path:
    """A spec file with an optimizer configuration written as is (minidl's own writer refuses bad values)."""
    spec = normalize(small_spec(optimizer={"component": name}))
    spec["training"]["optimizer"]["config"].update(config)
    write_document(path, "spec", spec, None)
    return path


@pytest.mark.parametrize(
    "argv,message",
    [
        (("train", "--epochs", "1", "--lr", "1e38"), "spec.training.optimizer (minidl:Adam from minidl"),
        (("train", "SGD", "--lr", "1e39"), "spec.training.optimizer.config.lr: expected a finite number within"),
        (("train", "weight_decay"), "spec.training.optimizer.config.weight_decay: expected a finite number"),
    ],
    ids=["adam-lr-1e38", "sgd-lr-1e39", "weight-decay-1e300"],
)
def test_numbers_that_overflow_float32_are_refused_before_training(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if argv[1] == "SGD":
        argv = ("train", optimizer_file(tmp_path / "sgd.minidl", "SGD"), *argv[2:])
    elif argv[1] == "weight_decay":
        argv = ("train", optimizer_file(tmp_path / "wd.minidl", "Adam", weight_decay=1e300))
    result = cli(*argv)
    assert_one_line_error(result)
    assert message in result.err and "epoch" not in result.out
    assert list(tmp_path.glob("*-trained.minidl")) == [] and not (tmp_path / "default-recipe.minidl").exists()


def test_a_job_too_big_for_memory_is_refused_saying_what_it_needs(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(memory, "available_bytes", lambda: 1000)
    result = cli("train", "--epochs", "1")
    assert_one_line_error(result)
    assert "minidl: error: spec: needs at least" in result.err and "but only 1000 B is available" in result.err


@pytest.mark.parametrize(
    "error",
    [MemoryError(), RuntimeError("[enforce fail] DefaultCPUAllocator: can't allocate memory: you tried 9 bytes")],
    ids=["MemoryError", "torch"],
)
def test_running_out_of_memory_anywhere_is_one_line(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("minidl.cli.train_command.Run", exhausted)
    result = cli("train")
    assert_one_line_error(result)
    assert result.err.startswith(f"minidl: error: out of memory: {type(error).__name__}")


@pytest.mark.parametrize("argv", [("train", "\x1e"), ("plugins", "\x1e"), ("inspect", "a\nb\x1b[31m")])
def test_control_characters_the_user_typed_stay_on_one_line(cli, argv: tuple[str, ...]) -> None:
    """Found by the property test: ``\\x1e`` is a line break to ``str.splitlines`` (and \\x1b drives terminals)."""
    result = cli(*argv)
    assert_one_line_error(result)
    assert "\\x1e" in result.err or "a\\nb\\x1b[31m" in result.err


def test_a_study_of_absurdly_many_trials_is_refused_before_it_starts(cli) -> None:
    """Found by the property test: ``--trials 865012730`` built a seed list that filled the memory."""
    result = cli("experiments", "--quick", "--trials", "865012730")
    assert_one_line_error(result)
    assert "trials must be a whole number in [1, 10000], got 865012730" in result.err
