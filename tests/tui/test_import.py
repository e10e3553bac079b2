"""Only minidl.tui imports Textual: the library, the CLI and the TUI's own plain modules stay free of it."""

import subprocess
import sys


def _imports_textual(code: str) -> bool:
    check = f"import sys\n{code}\nprint('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_import_minidl_does_not_import_textual() -> None:
    assert not _imports_textual("import minidl")


def test_tui_plain_modules_do_not_import_textual() -> None:
    assert not _imports_textual(
        "import minidl.tui, minidl.tui.session, minidl.tui.training, minidl.tui.fieldtext, minidl.tui.probes"
    )


def test_the_app_does() -> None:
    assert _imports_textual("import minidl.tui.app")
