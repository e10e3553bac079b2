"""The minidl-tui application and ``make_app``, the one way to build it (entry point and tests alike)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch
from textual.app import App
from textual.screen import Screen

from minidl.core.errors import MinidlError
from minidl.tui.commands import MinidlCommands
from minidl.tui.config import TuiConfig
from minidl.tui.screens.main import MainScreen
from minidl.tui.session import Session
from minidl.workflow.recipe import default_spec


class MinidlApp(App[None]):
    """Build a network, watch it learn, save it. The main screen holds the state; this holds the style."""

    CSS_PATH = "minidl.tcss"
    TITLE = "minidl"
    COMMANDS = App.COMMANDS | {MinidlCommands}

    def __init__(self, session: Session, config: TuiConfig, path: str | None = None, notice: str = "") -> None:
        super().__init__()
        self.config = config
        self.main = MainScreen(session, config, notice)
        if path is not None:
            self.main.path = path

    def get_default_screen(self) -> Screen[Any]:
        return self.main

    def on_mount(self) -> None:
        threads = self.config.torch_threads or max(1, (os.cpu_count() or 2) - 1)
        torch.set_num_threads(min(threads, torch.get_num_threads()))


def make_app(
    path: str | Path | None = None, *, spec: dict[str, Any] | None = None, config: TuiConfig | None = None
) -> MinidlApp:
    """The app on a file (model, checkpoint or spec), on ``spec``, or on the default recipe.

    A file that fails to load leaves the app on the default recipe with the reason on screen.
    """
    notice = ""
    session = None
    if path is not None:
        try:
            session = Session.open(path)
        except (MinidlError, OSError) as error:
            notice = f"could not open {path}: {error}"
    if session is None:
        session = Session(spec if spec is not None else default_spec())
    return MinidlApp(session, config or TuiConfig(), None if path is None else str(path), notice)
