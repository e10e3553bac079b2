"""Files in the app: plain messages for bad paths, a question before replacing a file, Enter that saves
whatever has focus, a browser of .minidl files, and a save path that never defaults to a shipped example."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from textual.widgets import DirectoryTree, Input, RadioSet, Static

import minidl
from minidl.tui import main
from minidl.tui.screens.choice import Choice
from minidl.tui.screens.file_dialog import FileDialog
from minidl.tui.session import Session
from minidl.workflow import files
from tests.tui.conftest import SIZE, open_file, save_as, settle, small_spec, status, tui, wait_until

SPECS = Path(__file__).resolve().parents[2] / "specs"


def problem(app) -> str:
    return str(app.screen.query_one("#problem", Static).render())


async def test_missing_and_unreadable_files_get_plain_messages(tmp_path, monkeypatch) -> None:
    garbage = tmp_path / "garbage.minidl"
    garbage.write_bytes(b"\x00not a minidl file")
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.session.trainer
        await open_file(app, pilot, str(tmp_path / "missing.minidl"))
        assert isinstance(app.screen, FileDialog)  # the dialog stays, to fix the path
        assert problem(app) == f"there is no file {tmp_path / 'missing.minidl'}"
        await pilot.press("escape")
        await open_file(app, pilot, str(garbage))
        assert status(app).startswith(f"could not open {garbage}: not a minidl file")  # the path said once
        denied = PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(garbage))
        monkeypatch.setattr(files, "load", lambda path: (_ for _ in ()).throw(denied))
        await open_file(app, pilot, str(garbage))
        assert status(app) == f"could not open {garbage}: permission denied"
        assert app.main.session.trainer is trainer  # the current work is kept


async def test_saving_to_a_folder_or_a_missing_folder_is_refused_in_the_dialog(tmp_path, monkeypatch) -> None:
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await save_as(app, pilot, str(tmp_path / "no" / "such" / "x.minidl"))
        assert problem(app) == f"there is no folder {tmp_path / 'no' / 'such'}"
        await pilot.press("escape")
        await save_as(app, pilot, str(tmp_path))
        assert problem(app) == f"{tmp_path} is a folder: add a file name"
        await pilot.press("escape")
        full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(Session, "save", lambda *args: (_ for _ in ()).throw(full))
        await save_as(app, pilot, str(tmp_path / "x.minidl"))
        assert status(app) == f"could not save {tmp_path / 'x.minidl'}: the disk is full"
        assert "Errno" not in status(app)


async def test_saving_over_an_existing_file_asks_first(tmp_path) -> None:
    path = tmp_path / "run.minidl"
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await save_as(app, pilot, str(path))  # a new file: no question
        assert "saved checkpoint" in status(app)
        first = path.read_bytes()
        await pilot.press("n")
        await settle(app, pilot)
        await save_as(app, pilot, str(path))
        assert isinstance(app.screen, Choice) and app.screen.focused.id == "answer-cancel"
        await pilot.press("enter")  # Enter keeps the safe answer
        await pilot.pause()
        assert isinstance(app.screen, FileDialog) and "not saved" in problem(app)
        assert path.read_bytes() == first
        await pilot.press("enter")  # asks again
        await pilot.pause()
        await pilot.press("r")  # Replace
        await settle(app, pilot)
        assert "saved checkpoint" in status(app)
        assert minidl.resume(path).trainer.epoch == 1


async def test_enter_saves_the_kind_highlighted_when_the_kind_list_has_focus(tmp_path) -> None:
    path = tmp_path / "net.minidl"
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("tab")  # to the kind list: checkpoint is pressed and highlighted
        assert isinstance(app.screen.focused, RadioSet)
        await pilot.press("down")  # highlight "model" without pressing it
        await pilot.press("enter")
        await settle(app, pilot)
        assert "saved model" in status(app)
        assert minidl.load(path).kind == "model"


async def test_after_opening_an_example_saving_proposes_a_file_of_the_current_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    example = SPECS / "relu_plain_ce_adam.minidl"
    before = example.read_bytes()
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await open_file(app, pilot, str(example))
        assert f"opened {example}" in status(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value == example.name
        await pilot.press("enter")
        await settle(app, pilot)
    assert (tmp_path / example.name).exists() and example.read_bytes() == before


async def test_open_browses_minidl_files_and_enter_opens_the_highlighted_one(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "work"
    (folder / "sub").mkdir(parents=True)
    (folder / "[bold]odd").mkdir()  # a name that reads as markup must show as it is
    (folder / "notes.txt").write_text("not a model")
    Session(minidl.default_spec(epochs=2)).save(folder / "net.minidl", "checkpoint")
    monkeypatch.chdir(folder)
    app = tui()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        tree = app.screen.query_one(DirectoryTree)
        for _ in range(50):  # the tree lists the folder on a worker: let it run
            await pilot.pause()
            if tree.root.children:
                break
        names = [str(node.label) for node in tree.root.children]
        assert names == ["[bold]odd", "sub", "net.minidl"]
        tree.focus()
        tree.move_cursor(tree.root.children[2])
        await pilot.pause()
        assert app.screen.query_one("#path", Input).value.endswith("net.minidl")
        await pilot.press("enter")
        await settle(app, pilot)
        assert status(app).startswith("opened") and app.main.session.value("epochs") == 2


def test_a_missing_file_on_the_command_line_is_one_line_and_status_2(tmp_path, capsys) -> None:
    missing = tmp_path / "MISSING.minidl"
    assert main([str(missing)]) == 2
    assert capsys.readouterr().err == f"minidl-tui: error: could not open {missing}: no such file\n"


def test_recover_without_a_rescued_network_is_one_line_and_status_2(capsys, recovery_folder) -> None:
    assert main(["--recover"]) == 2
    assert capsys.readouterr().err == f"minidl-tui: error: no rescued network in {recovery_folder}\n"


@pytest.mark.parametrize("argv", [["a.minidl", "--recover"]])
def test_a_file_and_recover_together_is_a_usage_error(argv, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2


async def test_saving_while_training_keeps_training(tmp_path) -> None:
    """Seen: ctrl+s in the middle of a run saved it and left it paused; the user had asked for a file, not a pause."""
    app = tui(small_spec(epochs=100_000))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(tmp_path / "mid.minidl")
        await pilot.press("enter")  # save_as would wait for the training to end
        assert await wait_until(pilot, lambda: status(app).startswith("saved checkpoint"))
        saved = len(files.load(tmp_path / "mid.minidl").state.history)
        assert app.main.running and status(app) == f"saved checkpoint to {tmp_path / 'mid.minidl'}"
        assert await wait_until(pilot, lambda: app.main.session.trainer.epoch > saved + 2)
        assert app.main.state == "running"  # the first worker's stop, handled late, does not say "paused"
        await pilot.press("space")
        await settle(app, pilot)
        assert app.main.state == "paused"


async def test_a_message_longer_than_the_status_lines_is_also_a_notification(tmp_path) -> None:
    """Seen at 80x24: "could not open spiral.minidl: ... unknown dataset 'minidl-extra:spiral':" and nothing
    more; the three status lines cut off what to do (the plugin is installed but blocked)."""
    garbage = tmp_path / ("a-long-folder-name-" * 3) / "garbage.minidl"
    garbage.parent.mkdir()
    garbage.write_bytes(b"\x00not a minidl file")
    app = tui()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(app, pilot, str(garbage))
        said = status(app)
        assert said.startswith(f"could not open {garbage}") and len(said) > 3 * 44
        assert [n.message for n in app._notifications] == [said]  # all of it, where it can be read
        await pilot.press("n")
        await settle(app, pilot)
        await open_file(app, pilot, str(SPECS / "tanh_plain_ce_adam.minidl"))  # a short note: no notification
        assert status(app).startswith("opened") and len(list(app._notifications)) == 1
