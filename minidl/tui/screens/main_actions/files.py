"""Save, open, quit and rescue: the main screen's files, and whether anything would be lost.

Nothing the user made is lost here: opening a file is undoable, quitting with unsaved work asks first, and
a network rescued from a session that stopped is offered back and kept until it is saved elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from minidl.core.errors import MinidlError
from minidl.tui import recovery
from minidl.tui.explain import could_not_open, explain
from minidl.tui.guard import guarded
from minidl.tui.screens.choice import Choice
from minidl.tui.screens.file_dialog import FileDialog
from minidl.tui.session import Session
from minidl.workflow.spec import copy_spec
from minidl.workflow.trainer import Trainer

STOP_WAIT_SECONDS = 10.0  # how long a rescue waits for the current epoch before saving anyway

Saved = tuple[dict[str, Any], Trainer | None, int]  # the spec, trainer and epoch last saved or opened


class FileActions:
    """ctrl+s, ctrl+o and ctrl+q; the app calls ``write_recovery`` when it must stop and ``offer_recovery`` at start."""

    path: str  # where saving proposes to write
    recovered_from: Path | None  # deleted once its network is saved elsewhere
    _saved: Saved | None  # None: nothing the user saved or opened holds this session

    def _init_files(self) -> None:
        self.path = "model.minidl"
        self.recovered_from = None
        self._saved = self._mark()

    def _mark(self) -> Saved:
        trainer = self.session.trainer
        return (copy_spec(self.session.spec), trainer, 0 if trainer is None else trainer.epoch)

    @property
    def unsaved(self) -> bool:
        """True when quitting now would lose a change or a trained epoch that no file holds."""
        if self._saved is None:
            return True
        spec, trainer, epoch = self._saved
        current = self.session.trainer
        trained = current is not None and current.epoch > 0 and (current is not trainer or current.epoch != epoch)
        return trained or self.session.spec != spec

    @guarded
    def action_save(self) -> None:
        self.app.push_screen(FileDialog(True, self.path), self._save)

    @guarded
    async def _save(self, answer: tuple[str, str] | None) -> None:
        if answer is None:
            return
        path, kind = answer
        training = self.running
        await self.pause_and_wait()  # a file holds the end of an epoch, never the middle of one
        try:
            self.session.save(path, kind)  # type: ignore[arg-type]
        except (MinidlError, OSError) as error:
            note, failed = f"could not save {path}: {explain(error)}", True
        else:
            self.path, self._saved = path, self._mark()
            note, failed = f"saved {kind} to {path}", False
            if self.recovered_from is not None and Path(path).resolve() != self.recovered_from.resolve():
                self.recovered_from.unlink(missing_ok=True)  # its network now lives in the user's own file
                self.recovered_from = None
        if training:  # the user asked for a file, not for a pause
            self._start(None)
        self._say(note, error=failed)

    @guarded
    def action_open(self) -> None:
        self.app.push_screen(FileDialog(False, self.path), self._open)

    @guarded
    async def _open(self, answer: tuple[str, str] | None) -> None:
        if answer is not None:
            await self.pause_and_wait()
            await self.open_path(answer[0])

    async def open_path(self, path: str) -> bool:
        """Replace the session by the file's (undoable); on failure keep the current one and say why."""
        try:
            session = Session.open(path, self.session.runtime)
        except (MinidlError, OSError) as error:
            self._say(could_not_open(path, error), error=True)
            return False
        self._record(f"{Path(path).name} opened")
        self.session, self.path, self.invalid = session, save_path_for(path), {}
        self._saved = self._mark()
        await self._show_session()
        self._after_rebuild(f"opened {path}")
        return True

    # -- quitting and rescuing -------------------------------------------------------------------------
    @guarded
    def ask_to_quit(self) -> None:
        """Quit now when nothing would be lost, else ask first."""
        if not self.unsaved:
            self.app.exit()
            return
        question = Choice(
            "Quit without saving?",
            "This network (or its training since the last save) is in no file yet: ctrl+s saves it.",
            [("quit", "Quit without saving"), ("cancel", "Cancel")],
            focus="cancel",
        )
        self.app.push_screen(question, lambda answer: self.app.exit() if answer == "quit" else None)

    def write_recovery(self) -> Path:
        """Save the session to a new recovery file (waiting briefly for the current epoch); raises on failure."""
        self.pause_blocking(STOP_WAIT_SECONDS)
        return recovery.write(self.session, self.config.recovery_folder or recovery.default_folder())

    @guarded
    def offer_recovery(self) -> None:
        """At start: a network rescued from an earlier session that stopped is offered back."""
        path = recovery.newest(self.config.recovery_folder or recovery.default_folder())
        if path is None:
            return
        question = Choice(
            "Recovered work",
            f"An earlier minidl-tui session stopped unexpectedly and kept its network in {path}. Open it now? "
            "(Later keeps the file; minidl-tui --recover opens it too.)",
            [("open", "Open it"), ("later", "Later"), ("discard", "Discard it")],
        )
        self.app.push_screen(question, lambda answer: self._recovery_answer(path, answer))

    @guarded
    async def _recovery_answer(self, path: Path, answer: str | None) -> None:
        if answer == "open":
            await self.open_recovered(path)
        elif answer == "discard":
            path.unlink(missing_ok=True)
            self._say(f"discarded {path}")

    async def open_recovered(self, path: Path) -> None:
        """Open a recovery file; it is kept until its network is saved somewhere else."""
        if await self.open_path(str(path)):
            self.mark_recovered(path)

    def mark_recovered(self, path: Path) -> None:
        """The session came from the recovery file ``path``: unsaved until saved elsewhere, then ``path`` goes."""
        self.recovered_from, self._saved = path, None
        self._say(f"recovered {path.name}: ctrl+s saves it where you want it")


def save_path_for(opened: str) -> str:
    """Where saving proposes to write after opening ``opened``: its name in the current folder.

    So an example opened from elsewhere (``specs/circle_trained.minidl``) is never the default target;
    a file in the current folder is, and saving over it still asks first.
    """
    return Path(opened).name
