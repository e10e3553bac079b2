"""One rule for every command, in a terminal or not: results and data on stdout, progress and notes on stderr.

Before: in a terminal the epoch lines went to stderr with the progress bar (Rich redirects stdout
while its bar is live), without one to stdout; and Rich read ``[experiments]`` as markup and printed
``pip install 'minidl'``.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
import torch

from minidl.cli import COMMANDS, experiments, main
from minidl.cli.experiments.runner import CURVES
from minidl.cli.output import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_without_a_terminal_stdout_has_every_line_and_stderr_none(cli, spec_file: Path) -> None:
    result = cli("train", spec_file, "--every", "2", "--output", "m.minidl")
    assert result.code == 0 and result.err == ""
    lines = result.out.splitlines()
    assert [line.split()[0] for line in lines] == ["epoch", "epoch", "epoch", "saved", "saved"]


def test_in_a_terminal_the_bar_is_on_stderr_and_stdout_is_the_same(
    spec_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["train", str(spec_file), "--every", "2", "--output", "m.minidl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["epoch", "epoch", "epoch", "saved", "saved"]
    drawn = terminal.getvalue()
    assert "epoch 0/3 [" in drawn and "epoch 3/3 [########################]" in drawn
    assert "train loss" not in drawn and "saved" not in drawn
    assert drawn.endswith("\r") and drawn.split("\r")[-2].strip() == ""  # the bar is erased at the end


def test_a_data_line_erases_the_bar_and_draws_it_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with ProgressBar("trials", 4) as bar:
        bar.update(1)
        before = terminal.getvalue()
        bar.say("a result")
    assert capsys.readouterr().out == "a result\n"
    erase = "\r" + " " * len(before.split("\r")[-1]) + "\r"
    assert terminal.getvalue()[len(before) :].startswith(erase + "\rtrials 1/4 [######..................] 0:00")


def test_help_states_the_rule(cli) -> None:
    assert "stdout" in cli("train", "--help").out and "stderr" in cli("train", "--help").out


def test_a_note_with_brackets_is_printed_as_it_is(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``pip install 'minidl[experiments]'`` lost its ``[experiments]`` to Rich's markup."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes ``import matplotlib`` fail

    def no_training(groups, settings, jobs, on_trial, runtime):  # the study's summaries, without the study
        summary = experiments.Summary.of([experiments.Trial(0, {name: [0.5] for name in CURVES})])
        return {experiments.spec_key(c.spec): summary for g in groups for c in g.configs}

    monkeypatch.setattr(experiments, "run_study", no_training)
    result = cli("experiments", "--quick", "--output", "report")
    assert result.code == 0, result.err
    assert result.err == (
        "minidl: note: figures need matplotlib: pip install 'minidl[experiments]'; the report has tables only\n"
    )
    assert result.out == "wrote report/README.md\nwrote report/results.json\n"
    assert "pip install 'minidl[experiments]'" in (tmp_path / "report" / "README.md").read_text()


def test_an_earlier_report_is_replaced_only_with_force(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_study(*args, **kwargs):
        raise AssertionError("the study ran before the refusal")

    monkeypatch.setattr(experiments, "run_study", no_study)
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "results.json").write_text("{}")
    result = cli("experiments", "--quick", "--output", "report")
    assert result.code == 2 and "--output report: holds an earlier report (results.json); pass --force" in result.err
    result = cli("experiments", "--quick", "--output", "report/results.json")
    assert result.code == 2 and "--output report/results.json: is not a folder" in result.err


@pytest.mark.parametrize("command", ["train", "resume", "evaluate", "experiments"])
def test_every_command_that_trains_or_evaluates_takes_threads(cli, command: str) -> None:
    assert command in COMMANDS
    assert "--threads N" in cli(command, "--help").out
    result = cli(command, "x.minidl", "--threads", "0") if command != "experiments" else cli(command, "--threads", "0")
    assert result.code == 2 and "argument --threads: expected a whole number from 1 to" in result.err


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")
def test_threads_default_to_one_and_follow_the_option(cli, spec_file: Path) -> None:
    """Torch's default threads made a 4 ms epoch take 0.7-2.1 s on a busy 2-core machine."""
    torch.set_num_threads(2)
    assert cli("evaluate", spec_file).code == 0
    assert torch.get_num_threads() == 1
    assert cli("evaluate", spec_file, "--threads", "2").code == 0
    assert torch.get_num_threads() == 2


def test_a_file_name_with_a_newline_or_an_escape_stays_one_escaped_line(cli, spec_file: Path) -> None:
    """``saved model new<newline>line-trained.minidl`` took two lines of stdout, and an escape sequence in a name
    reached the terminal."""
    for name in ("new\nline.minidl", "red\x1b[31m.minidl"):
        (spec_file.parent / name).write_bytes(spec_file.read_bytes())
        result = cli("train", name, "--epochs", "1")
        assert result.code == 0, result.err
        saved = result.out.splitlines()[-1]
        assert saved.startswith(f"saved model {name.encode('unicode_escape').decode().removesuffix('.minidl')}-trained")
        assert len(result.out.splitlines()) == 2 and "\x1b" not in result.out
        shown = cli("inspect", name).out
        assert shown.startswith(name.encode("unicode_escape").decode() + ": spec\n") and "\x1b" not in shown
