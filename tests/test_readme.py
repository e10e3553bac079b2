"""The README says true things: it starts with the two commands a newcomer runs (CI runs the second one
exactly as written), and its file example runs.

A CI that prepared anything first (upgrading pip did) would hide a README command that fails on a
fresh machine, so ``.ci/run`` may only make the virtual environment before running the README's line.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    """The commands of the README's first code block (comment lines left out)."""
    match = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert match, "the README has no sh code block"
    return [line for line in match.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_readme_starts_with_the_install_and_the_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert readme.index("```sh") < readme.index("\n## "), "the commands come before the first section"
    install, test = readme_commands()
    assert install.startswith("pip install torch==2.13.0 && ") and install.endswith(" && minidl-tui")
    assert test.startswith("pip install torch==2.13.0 && ") and test.endswith(" && python -m pytest tests plugins")
    assert "--upgrade" not in install + test


def test_ci_runs_the_readme_test_command_verbatim_and_nothing_before_it() -> None:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    activate = next(i for i, line in enumerate(lines) if re.match(r"(source|\.) .*/bin/activate", line))
    commands = [line for line in lines[activate + 1 :] if line.strip() and not line.lstrip().startswith("#")]
    assert commands == [readme_commands()[1]]
    setup = [line for line in lines[:activate] if not line.lstrip().startswith("#")]
    assert not any(re.search(r"\bpip\b", line) for line in setup), "nothing a newcomer would not run comes first"
    assert "set -euo pipefail" in setup


def test_the_readme_files_example_runs_as_written(tmp_path: Path, monkeypatch) -> None:
    """What the README shows a user about files (load gives a LoadedFile; its model predicts) is true."""
    section = (ROOT / "README.md").read_text().split("\n## Files\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    exec(compile(code, "README.md (Files)", "exec"), names)
    assert type(names["loaded"]).__name__ == "LoadedFile" and not names["loaded"].model.training
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.minidl", "run.minidl"]


def test_the_docs_name_module_constants_that_exist() -> None:
    """A table the docs point at (`spec.MODEL_DTYPES`, `files/tensors.DTYPES`) is defined in that module."""
    modules = list((ROOT / "minidl").rglob("*.py")) + list((ROOT / "plugins").rglob("*.py"))
    docs = ["README.md", "docs/architecture.md", "specs/FORMAT.md", "plugins/minidl-extra/README.md"]
    for doc in docs:
        for match in re.finditer(r"`((?:\w+[./])*\w+)\.([A-Z][A-Z0-9_]+)`", (ROOT / doc).read_text()):
            suffix = "/" + match.group(1).replace(".", "/") + ".py"
            defined = [m for m in modules if m.as_posix().endswith(suffix)]
            assert any(re.search(rf"^{match.group(2)}\b", m.read_text(), re.M) for m in defined), (doc, match[0])
