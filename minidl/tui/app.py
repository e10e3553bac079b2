"""The minidl-tui application and ``make_app``, the one way to build it (entry point and tests alike).

The app never ends by itself: actions that fail are shown (``show_failure``). When it must stop anyway
(an exception that escaped every guard, SIGTERM, SIGHUP, SIGINT), it first writes the network and its training
state to a recovery file and leaves ``exit_note`` saying where; the next start offers it back.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import torch
from textual.app import App
from textual.screen import Screen

from minidl import registry
from minidl.tui import plugin_report, recovery
from minidl.tui.commands import MinidlCommands
from minidl.tui.config import TuiConfig
from minidl.tui.explain import explain
from minidl.tui.guard import guarded
from minidl.tui.screens.main import MainScreen
from minidl.tui.screens.main_actions.files import save_path_for
from minidl.tui.session import Session
from minidl.workflow.recipe import default_spec
from minidl.workflow.run import Runtime

RESCUE_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)  # SIGINT: a kill -INT (ctrl+c is a key here)


class MinidlApp(App[None]):
    """Build a network, watch it learn, save it. The main screen holds the state; this holds the style."""

    CSS_PATH = "minidl.tcss"
    TITLE = "minidl"
    COMMANDS = App.COMMANDS | {MinidlCommands}

    def __init__(
        self, session: Session, config: TuiConfig, path: str | None = None, recovered_from: Path | None = None
    ) -> None:
        super().__init__()
        self.config = config
        self.main = MainScreen(session, config)
        self.opened = path
        self.recovered_from = recovered_from
        self.exit_note = ""  # what minidl-tui prints after the app stopped (where the network was rescued)
        self._rescued = False
        if path is not None:
            self.main.path = save_path_for(path)

    def get_default_screen(self) -> Screen[Any]:
        return self.main

    def on_mount(self) -> None:
        threads = self.config.torch_threads or max(1, (os.cpu_count() or 2) - 1)
        torch.set_num_threads(min(threads, torch.get_num_threads()))
        if not self.is_headless:  # a test process keeps its own signal handling
            loop = asyncio.get_running_loop()
            for number in RESCUE_SIGNALS:
                loop.add_signal_handler(number, self.stop_with_rescue, number)
        self.call_after_refresh(self._greet)

    @guarded
    def _greet(self) -> None:
        """Say what failed among the plugins, and offer back a network rescued from an earlier session."""
        problems = plugin_report.summary(registry.plugins())
        if problems:
            self.notify(problems, title="Plugins", severity="warning", timeout=30, markup=False)
        if self.recovered_from is not None:
            self.main.mark_recovered(self.recovered_from)
        elif self.opened is None:
            self.main.offer_recovery()
        elif recovery.newest(self.config.recovery_folder or recovery.default_folder()) is not None:
            self.notify("a rescued network is waiting: minidl-tui --recover opens it", markup=False, timeout=10)

    def show_failure(self, error: BaseException) -> None:
        """An action failed (see :mod:`minidl.tui.guard`): the main screen says why and the app goes on."""
        self.main.show_failure(error)

    async def action_quit(self) -> None:
        """ctrl+q and the palette's Quit: asks first when quitting would lose work."""
        self.main.ask_to_quit()

    def stop_with_rescue(self, number: int) -> None:
        """A signal asks the app to stop: rescue the network, then exit with the shell's 128 + signal status."""
        self._rescue(f"stopped by {signal.Signals(number).name}")
        self.exit(return_code=128 + number)

    def _handle_exception(self, error: Exception) -> None:
        """Textual's last resort for an exception no guard caught (it ends the app): rescue the network first."""
        self._rescue(f"an internal error stopped minidl-tui ({explain(error)})")
        super()._handle_exception(error)

    def _rescue(self, why: str) -> None:
        """Write the network to a recovery file, unless every change is already in a file the user saved."""
        if self._rescued:
            return
        self._rescued = True
        if not self.main.unsaved:
            self.exit_note = f"{why}; nothing unsaved was lost"
            return
        try:
            path = self.main.write_recovery()
        except Exception as failure:
            self.exit_note = f"{why}; saving the network failed too: {explain(failure)}"
        else:
            self.exit_note = f"{why}; the network is saved in {path}: minidl-tui --recover opens it"


def make_app(
    path: str | Path | None = None,
    *,
    spec: dict[str, Any] | None = None,
    config: TuiConfig | None = None,
    recovered: bool = False,
    runtime: Runtime | None = None,
) -> MinidlApp:
    """The app on a file (model, checkpoint or spec), on ``spec``, or on the default recipe.

    ``recovered``: ``path`` is a rescued network (kept until saved elsewhere); ``runtime``: the runs' device and
    precision (default: the CPU, float32). Raises MinidlError or
    OSError when the file cannot be read, before anything is shown.
    """
    runtime = runtime or Runtime()
    if path is not None:
        session = Session.open(path, runtime)
    else:
        session = Session(spec if spec is not None else default_spec(), runtime=runtime)
    opened = None if path is None else str(path)
    return MinidlApp(session, config or TuiConfig(), opened, Path(path) if recovered and path is not None else None)
