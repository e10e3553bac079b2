"""Output and checkpoint paths are checked before the first epoch, and nothing is replaced without --force.

Before: ``--output ''``, ``.`` and ``/`` gave tracebacks after training, an unwritable ``--output`` was
found only after all the training, a FIFO or ``/dev/null`` was replaced by a regular file, and an
existing model file was replaced without a word.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.conftest import assert_one_line_error
from tests.workflow.files.helpers import refuse_temporary_files


def refused_before_training(result, *expected: str) -> None:
    assert_one_line_error(result)
    assert result.out == ""  # not one epoch
    for text in expected:
        assert text in result.err, result.err


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("", "expected a file path, got ''"),
        (".", "--output .: is a folder, not a file"),
        ("/", "which names a folder"),
        ("new/", "which names a folder"),
        (os.devnull, f"--output {os.devnull}: is a device, not a regular file"),
        ("missing/m.minidl", "the folder missing does not exist"),
        ("m" * 300 + ".minidl", "File name too long"),
    ],
    ids=["empty", "dot", "root", "folder name", "dev null", "missing folder", "long name"],
)
def test_an_output_that_cannot_be_written_is_refused_before_training(cli, output: str, expected: str) -> None:
    refused_before_training(cli("train", "--output", output), expected)


def test_a_fifo_is_not_replaced(cli, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    refused_before_training(cli("train", "--output", "fifo"), "--output fifo: is a FIFO")
    refused_before_training(cli("train", "--every", "1", "--checkpoint", "fifo"), "--checkpoint fifo: is a FIFO")
    assert (tmp_path / "fifo").is_fifo()


def test_an_unwritable_folder_is_refused_before_training(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_temporary_files(monkeypatch)
    refused_before_training(cli("train", "--output", "m.minidl"), "--output m.minidl: cannot write in the folder .")


def test_existing_files_are_replaced_only_with_force(cli, spec_file: Path, tmp_path: Path) -> None:
    for name in ("run.minidl", "run-checkpoint.minidl", "small-trained.minidl"):
        (tmp_path / name).write_bytes(b"the user's")
    refused_before_training(
        cli("train", spec_file, "--output", "run.minidl", "--every", "1"),
        "--output run.minidl and the default --checkpoint run-checkpoint.minidl: already there; pass --force",
    )
    refused_before_training(cli("train", spec_file), "the default --output small-trained.minidl: already there")
    assert (tmp_path / "run.minidl").read_bytes() == b"the user's"
    result = cli("train", spec_file, "--output", "run.minidl", "--every", "1", "--force")
    assert result.code == 0, result.err
    checkpoint_line, model_line = result.out.splitlines()[-2:]
    assert checkpoint_line == "saved checkpoint run-checkpoint.minidl (epoch 3; replaced the file that was there)"
    assert model_line.startswith("saved model run.minidl (epoch 3: ")
    assert model_line.endswith("; replaced the file that was there)")


def test_checkpoint_options_that_make_no_sense_are_refused(cli) -> None:
    refused_before_training(cli("train", "--checkpoint", "c.minidl"), "checkpoints are written only with --every N")
    refused_before_training(
        cli("train", "--every", "1", "--output", "m.minidl", "--checkpoint", "./m.minidl"),
        "--output and the checkpoint are both m.minidl",
    )
