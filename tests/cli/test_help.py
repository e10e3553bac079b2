"""``--help`` works for minidl and every sub-command, and names the command."""

from __future__ import annotations

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
