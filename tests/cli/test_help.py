"""``--help`` works for minidl and every sub-command, and names the command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minidl.cli import COMMANDS


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help(cli, command: str) -> None:
    result = cli(*([command] if command else []), "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: minidl {command}".rstrip())
    assert result.err == ""


def test_version(cli) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("minidl ")


def test_the_readme_names_each_option_s_value_as_the_help_does(cli) -> None:
    """The README said ``--trials N``, ``--output DIR``; the help said ``--trials TRIALS``, ``--output OUTPUT``."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    synopsis = readme.split("## The command line: `minidl`", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    options: dict[str, set[str]] = {}
    command = ""
    for line in synopsis.splitlines():
        words = line.split("#", 1)[0].split()
        if line.startswith("minidl "):
            command = words[1]
        options.setdefault(command, set()).update(re.findall(r"(--[a-z-]+ [A-Z]+)\b", " ".join(words)))
    assert set(options) == set(COMMANDS)
    for command, named in options.items():
        usage = " ".join(cli(command, "--help").out.split("\n\n", 1)[0].split())
        assert {option for option in named if f"[{option}]" not in usage} == set(), command
