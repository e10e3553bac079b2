"""Ask for a file path: type it, or pick a ``.minidl`` file in the browser (open); saving also asks what to write.

Enter acts on the whole dialog, whatever has focus in it: it saves (with the kind highlighted, when the
kind list has focus) or opens; in the browser it opens the highlighted file or unfolds the folder.
Saving over an existing file asks first, and a folder or a missing folder is said before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rich.text import Text, TextType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Input, RadioButton, RadioSet, Static

from minidl.tui.explain import explain
from minidl.tui.guard import guarded
from minidl.tui.screens.choice import Choice
from minidl.tui.screens.dialog import Dialog
from minidl.workflow.files import EXTENSION

SAVE_KINDS = (
    ("checkpoint", "checkpoint: weights and training state, resumes exactly"),
    ("model", "model: weights, spec and training setup"),
    ("spec", "spec: the network and training setup, no weights"),
)


def expand(text: str) -> Path:
    """``~/x`` as the home folder's ``x``; text naming no known home (``~nobody``) stays as typed."""
    path = Path(text)
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def shortest(path: Path) -> str:
    """``path`` relative to the current folder when it lies inside it, else as it is."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class MinidlFiles(DirectoryTree):
    """Folders and ``.minidl`` files, hidden ones left out; names are shown as typed, never as markup."""

    def __init__(self, folder: Path, *, id: str | None = None) -> None:
        super().__init__(folder.resolve(), id=id)
        self.root.set_label(Text(f"{folder.resolve().name or folder.resolve()}/"))  # not '' for '.'

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.suffix == EXTENSION or self._folder(p))]

    @staticmethod
    def _folder(path: Path) -> bool:
        try:
            return path.is_dir()
        except OSError:
            return False

    def process_label(self, label: TextType) -> Text:
        text = Text(label) if isinstance(label, str) else label
        return text.split()[0]


class FileDialog(Dialog[tuple[str, str] | None]):
    """Dismisses with ``(path, kind)``, kind ``open`` or one of :data:`SAVE_KINDS`; None on escape."""

    BINDINGS = [Binding("enter", "submit", "OK", priority=True)]

    def __init__(self, saving: bool, path: str) -> None:
        super().__init__()
        self.saving = saving
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save" if self.saving else "Open a model, checkpoint or spec", classes="dialog-title")
            yield Input(self.path, placeholder="path/to/file" + EXTENSION, id="path")
            if self.saving:
                with RadioSet(id="kind", compact=True):
                    for i, (_, text) in enumerate(SAVE_KINDS):
                        yield RadioButton(text, value=i == 0, compact=True)
            else:
                yield MinidlFiles(self._browse_root(), id="files")
            yield Static("", id="problem", classes="error", markup=False)
            hint = "enter: save · escape: cancel" if self.saving else "enter: open · tab: files · escape: cancel"
            yield Static(hint, classes="hint")

    def _browse_root(self) -> Path:
        folder = expand(self.path).parent
        return folder if folder.is_dir() else Path.cwd()

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @guarded
    def action_submit(self) -> None:
        focused = self.focused
        if isinstance(focused, MinidlFiles):
            focused.action_select_cursor()  # a folder unfolds; a file posts FileSelected, handled below
            return
        self._finish(self.query_one("#path", Input).value, self._kind(focused))

    def _kind(self, focused: object) -> str:
        if not self.saving:
            return "open"
        kinds = self.query_one(RadioSet)
        index = kinds.pressed_index
        if focused is kinds:  # Enter on the list means the kind it highlights, pressed or not
            buttons = list(kinds.query(RadioButton))
            index = next((i for i, b in enumerate(buttons) if b.has_class("-selected")), index)
        return SAVE_KINDS[max(index, 0)][0]

    @on(DirectoryTree.NodeHighlighted)
    @guarded
    def _highlighted(self, event: DirectoryTree.NodeHighlighted) -> None:
        entry = event.node.data
        if entry is not None and Path(entry.path).suffix == EXTENSION:
            self.query_one("#path", Input).value = shortest(Path(entry.path))

    @on(DirectoryTree.FileSelected)
    @guarded
    def _file_chosen(self, event: DirectoryTree.FileSelected) -> None:
        self._finish(str(event.path), "open")

    def _finish(self, text: str, kind: str) -> None:
        path = expand(text.strip())
        problem = self._problem(text.strip(), path)
        if problem:
            self.query_one("#problem", Static).update(problem)
            return
        if self.saving and (path.exists() or path.is_symlink()):
            question = Choice(
                f"Replace {path.name}?",
                f"{path} already exists; saving replaces what it holds.",
                [("replace", "Replace"), ("cancel", "Cancel")],
                focus="cancel",
            )
            self.app.push_screen(question, lambda answer: self._confirmed(answer, path, kind))
            return
        self.answer((str(path), kind))

    def _problem(self, text: str, path: Path) -> str:
        """Why ``path`` cannot be used, said before anything is read or written; '' when it can."""
        if not text:
            return "type a file path"
        try:
            return self._path_problem(path)
        except (OSError, ValueError) as error:  # a name too long, a NUL byte...
            return f"cannot use {text}: {explain(error)}"

    def _path_problem(self, path: Path) -> str:
        if path.is_dir():
            return f"{path} is a folder: add a file name" if self.saving else f"{path} is a folder: pick a file in it"
        if self.saving and not path.parent.is_dir():
            return f"there is no folder {path.parent}"
        if not self.saving and not path.exists():
            return f"there is no file {path}"
        return ""

    @guarded
    def _confirmed(self, answer: str | None, path: Path, kind: str) -> None:
        if answer == "replace":
            self.answer((str(path), kind))
        else:
            self.query_one("#problem", Static).update(f"not saved: {path.name} kept as it is")
            self.query_one("#path", Input).focus()
