"""Every user mistake: one readable line on stderr, a non-zero status, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

import minidl
from minidl import registry
from tests.cli.conftest import assert_one_line_error, small_spec
from tests.registry import fake_plugins as fp

BAD_OPTIONS = [
    ("train", "--epochs", "0"),
    ("train", "--epochs", "many"),
    ("train", "--batch-size", "-3"),
    ("train", "--seed", "-1"),
    ("train", "--epochs", "10000001"),  # the spec's own limit, refused by the parser before any work
    ("resume", "x.minidl", "--epochs", "10000001"),
    ("train", "--lr", "-1"),
    ("train", "--lr", "nan"),
    ("train", "--every", "0"),
    ("train", "--unknown-option"),
    ("components", "widgets"),
    ("experiments", "--trials", "0"),
    ("experiments", "--jobs", "x"),
    ("experiments", "--quick", "--output", ""),  # wrote the report into the current folder
    ("frobnicate",),
    (),
]


@pytest.mark.parametrize("argv", BAD_OPTIONS, ids=lambda argv: " ".join(argv) or "no command")
def test_bad_options(cli, argv: tuple[str, ...]) -> None:
    result = cli(*argv)
    assert_one_line_error(result)
    assert "--help" in result.err


@pytest.mark.parametrize(
    "argv",
    [(c, "") for c in ("train", "resume", "evaluate", "inspect", "export", "import-weights")]
    + [("import-weights", "w.safetensors", "--spec", "")],
    ids=" ".join,
)
def test_an_empty_file_name_is_named_as_given(cli, argv: tuple[str, ...]) -> None:
    """``minidl inspect ''`` said ``minidl: error: .: not a regular file``: a folder the user never named."""
    result = cli(*argv)
    assert_one_line_error(result)
    assert "expected a file path, got ''" in result.err and " .:" not in result.err


def test_a_huge_count_is_refused_with_the_bound_it_passed(cli) -> None:
    """``--every 100000000000000000000`` said ``expected a whole number >= 1``, which it is."""
    result = cli("train", "--every", "100000000000000000000")
    assert_one_line_error(result)
    assert "expected a whole number >= 1 (and below 2**63), got '100000000000000000000'" in result.err


def test_an_unknown_option_is_the_sub_command_s_error(cli) -> None:
    """``minidl resume x.minidl --lr 3`` said ``minidl: error: ... (see minidl --help)``: that help lists no options."""
    result = cli("resume", "x.minidl", "--lr", "3")
    assert_one_line_error(result)
    assert result.err == "minidl resume: error: unrecognized arguments: --lr 3 (see minidl resume --help)\n"


@pytest.mark.parametrize("command", ["train", "resume", "evaluate", "inspect"])
def test_missing_file(cli, tmp_path: Path, command: str) -> None:
    result = cli(command, tmp_path / "nothing.minidl")
    assert_one_line_error(result)
    assert "nothing.minidl" in result.err and "No such file" in result.err


@pytest.mark.parametrize("content", [b"", b"not a minidl file at all", b"\x81\xa6format\xa6minidl"])
@pytest.mark.parametrize("command", ["train", "resume", "evaluate", "inspect"])
def test_bad_file(cli, tmp_path: Path, command: str, content: bytes) -> None:
    path = tmp_path / "bad.minidl"
    path.write_bytes(content)
    assert_one_line_error(cli(command, path))


def test_a_folder_is_not_a_file(cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("inspect", tmp_path))


def test_evaluate_needs_a_training_setup(cli, tmp_path: Path) -> None:
    minidl.save(minidl.build_model(small_spec()), tmp_path / "bare.minidl")
    result = cli("evaluate", tmp_path / "bare.minidl")
    assert_one_line_error(result)
    assert "training setup" in result.err
    assert_one_line_error(cli("train", tmp_path / "bare.minidl"))


def test_unknown_component_names_what_to_install(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    fp.make_distribution(tmp_path, "fake-square", "1.0", "fake_square", fp.GOOD_PLUGIN)
    registry.reload()
    try:
        spec = small_spec()
        spec["model"]["layers"][1] = {"component": "Square"}
        minidl.save_spec(spec, tmp_path / "square.minidl")
        monkeypatch.setenv("MINIDL_DISABLE_PLUGINS", "fake-square")
        registry.reload()
        result = cli("train", tmp_path / "square.minidl")
    finally:
        registry.reload()
    assert_one_line_error(result)
    assert "Square" in result.err and "fake-square" in result.err


@pytest.mark.parametrize("variable", ["MINIDL_DEBUG", "MINIDL_COMPILE"])
def test_a_switch_that_is_neither_0_nor_1_is_one_line(cli, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    """``MINIDL_DEBUG=false`` turned debugging on, while ``MINIDL_COMPILE=false`` was refused (``environment.py``)."""
    monkeypatch.setenv(variable, "false")
    result = cli("train", "--epochs", "1")
    assert (result.code, result.out) == (2, "")
    assert result.err == f"minidl: error: {variable}: expected 0 or 1, got 'false'\n"
