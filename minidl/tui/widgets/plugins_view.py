"""The Plugins tab: every distribution in the ``minidl`` entry-point group, its status, and what to do.

Built from ``registry.plugins()``; everything a plugin wrote (its name, its error) is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from minidl import registry
from minidl.tui import plugin_report

STATUS_STYLE = {"loaded": "green", "blocked": "dim"}


def describe(info: Any) -> Content:
    """One distribution: name, version, status, and for a problem its error and what to do."""
    style = STATUS_STYLE.get(info.status, "bold red")
    count = len(info.components)
    parts: list[Any] = [(info.distribution, "bold"), f" {info.version} ", (info.status, style)]
    if info.status == "loaded":
        parts.append(f" · {count} component{'s' * (count != 1)}")
    if info.error:
        parts += ["\n  ", (info.error, "italic")]
    advice = plugin_report.advice(info)
    if advice:
        parts += ["\n  → ", advice]
    return Content.assemble(*parts)


def describe_clashes(clashes: Sequence[plugin_report.Clash]) -> Content:
    lines: list[Any] = [("Names provided twice", "bold red")]
    for clash in clashes:
        lines += ["\n  ", clash.advice()]
    return Content.assemble(*lines)


class PluginsView(VerticalScroll):
    """One block per distribution (sorted as the registry lists them), then any name clashes."""

    def compose(self) -> ComposeResult:
        infos = registry.plugins()
        for info in infos:
            yield Static(describe(info), classes="plugin")
        clashes = plugin_report.clashes(infos)
        if clashes:
            yield Static(describe_clashes(clashes), classes="plugin")
        yield Static("minidl plugins (the command line) lists the same.", classes="hint")
