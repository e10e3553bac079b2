"""The hostile-plugin corpus: every way a plugin was seen to break the host, installed together, against the CLI.

Each command runs in its own process with a timeout, beside some twenty-five fake distributions (dist-info
folders on ``PYTHONPATH``, nothing installed); the text listings' plain text is checked in-process
(test_isolation.py). What must hold for each: no hang, no traceback, no raw
escape sequence and nothing a plugin printed in the output, the host's own work done, and every plugin
reported by ``minidl plugins``. The long variant (``-m long``) runs each plugin alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import minidl
from tests.registry import fake_plugins as fp

TIMEOUT = 120  # seconds; a hang fails the test instead of the suite


@dataclass(frozen=True)
class Case:
    distribution: str
    source: str
    status: str  # what minidl plugins must report
    metadata: str | None = None
    entry_points: str | None = None
    listed_as: str = ""  # the name minidl plugins lists it under, when not the distribution's


def bad_name(name: str) -> str:
    return fp.BAD_NAME_TEMPLATE.format(name=name)


CASES = [
    Case("hostile-import", fp.IMPORT_FAILS, "failed"),
    Case("hostile-hook", fp.HOOK_FAILS, "failed"),
    Case("hostile-registration", fp.INVALID_REGISTRATION, "failed"),
    Case("hostile-api", fp.OLD_API, "incompatible"),
    Case("hostile-exit", fp.EXITS, "failed"),
    Case("hostile-base-exception", fp.RAISES_BASE_EXCEPTION, "failed"),
    Case("hostile-peek", fp.LOOKS_UP_THE_REGISTRY, "failed"),
    Case("hostile-reload", fp.RELOADS_IN_A_HOOK, "failed"),
    Case("hostile-wrong-hook", fp.WRONG_HOOK_ARGUMENT, "failed"),
    Case("hostile-two-classes", fp.TWO_CLASSES_ONE_NAME, "failed"),
    Case("hostile-markup-name", bad_name("[/]"), "failed"),
    Case("hostile-newline-name", bad_name("Evil\nminidl: error: forged"), "failed"),
    Case("hostile-escape-name", bad_name("\x1b[2JCleared"), "failed"),
    Case("hostile-loud", fp.FAILS_WITH_ESCAPES, "failed"),
    Case("hostile-raw-escape", fp.FAILS_ON_A_LINE_WITH_A_RAW_ESCAPE, "failed"),
    Case("hostile-prints", fp.PRINTS, "loaded"),
    Case("hostile-escapes", fp.ESCAPES, "loaded"),
    Case("hostile-grumpy", fp.RAISES_IN_CONSTRUCTOR, "loaded"),
    Case("hostile-clash", fp.CLASHING_RELU, "loaded"),
    Case("hostile-square", fp.GOOD_PLUGIN, "loaded"),
    Case("hostile-square-too", fp.SECOND_SQUARE, "loaded"),
    Case("hostile-sleeps", fp.SLEEPS, "loaded"),
    Case("hostile-thread", fp.LEAVES_A_THREAD, "failed"),  # a command must still exit
    Case("hostile-generator", fp.HOOK_IS_A_GENERATOR, "failed"),
    Case("hostile-no-name", fp.GOOD_PLUGIN, "failed", "Version: 1.0\n", listed_as="hostile_no_name-1.0.dist-info"),
    Case("hostile-bad-version", fp.GOOD_PLUGIN, "failed", "Name: x\nVersion: 1\x1b\n", listed_as="x"),
    # A file that does not parse at all stops ``import torch`` itself (torch reads every entry point for its device
    # backends), before minidl runs: in-process tests cover minidl's side; here the value is what is wrong.
    Case("hostile-entry-points", fp.GOOD_PLUGIN, "failed", entry_points="[minidl]\nx = not a module:: path\n"),
    Case(
        "hostile-impostor",
        fp.GOOD_PLUGIN,
        "failed",
        "Name: minidl\nVersion: 9\n",
        listed_as="hostile_impostor-1.0.dist-info",
    ),
]


LONG_CASES = [
    *CASES,
    Case("hostile-sleeps-long", "import time\ntime.sleep(5)\n", "loaded"),  # only delays
    Case(
        "hostile-floods", "import os, sys\nsys.stdout.write('x' * 5_000_000)\nos.write(2, b'y' * 5_000_000)\n", "loaded"
    ),
]


def install(root: Path, cases: list[Case]) -> dict[str, str]:
    """Write the cases' distributions into ``root``; the status each must get, by the name minidl lists it under."""
    for case in cases:
        module = case.distribution.replace("-", "_")
        metadata = case.metadata if case.metadata is None else "Metadata-Version: 2.1\n" + case.metadata
        fp.make_distribution(root, case.distribution, "1.0", module, case.source, metadata=metadata,
                             entry_points=case.entry_points)  # fmt: skip
    return {case.listed_as or case.distribution: case.status for case in cases}


def workspace(root: Path) -> dict[str, Path]:
    """A tiny spec and a one-epoch checkpoint of it, made with the built-ins only (no corpus on the path)."""
    spec = minidl.default_spec(epochs=1, batch_size=20)
    spec["model"]["layers"] = spec["model"]["layers"][:2] + spec["model"]["layers"][-1:]
    spec["model"]["layers"][0]["config"]["out_features"] = 8
    spec["model"]["layers"][-1]["config"]["in_features"] = 8
    spec["training"]["dataset"]["config"] = {"n_train": 40, "n_test": 40}
    minidl.save_spec(spec, root / "tiny.minidl")
    run = minidl.Run(spec)
    run.fit()
    run.save_checkpoint(root / "trained.minidl")
    return {"spec": root / "tiny.minidl", "trained": root / "trained.minidl"}


def run(plugins: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIDL_")}
    env.update(PYTHONPATH=str(plugins), NO_COLOR="1", PYTHONWARNINGS="default")
    return subprocess.run(
        [sys.executable, "-c", "import sys; from minidl.cli import main; sys.exit(main())", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        errors="backslashreplace",
    )


def assert_held(result: subprocess.CompletedProcess[str], *, listing: bool = False) -> None:
    """Status 0, no traceback, no raw escape or bidi character anywhere, and what plugins printed nowhere but in
    ``minidl plugins``' listing of it (indented under its plugin, or the JSON's ``output``)."""
    both = result.stdout + result.stderr
    assert result.returncode == 0, (result.args, result.stderr[-3000:])
    assert "Traceback" not in both, result.stderr[-3000:]
    printed = [line for line in result.stdout.splitlines() if "PLUGIN-SAYS" in line or "screen cleared" in line]
    if listing:
        assert all(line.startswith(("    | ", '    "output": ')) for line in printed), printed
    else:
        assert printed == []
    assert "\x1b" not in both and "\u202e" not in both and "\x07" not in both
    assert not any(line.startswith("minidl: error: forged") for line in both.splitlines())


def check_commands(plugins: Path, files: dict[str, Path], expected: dict[str, str], cwd: Path) -> None:
    """Every command that matters, each in its own process, beside the plugins in ``plugins``."""
    train = run(plugins, cwd, "train", str(files["spec"]), "--epochs", "1", "--output", str(cwd / "out.minidl"))
    assert_held(train)
    assert minidl.load(cwd / "out.minidl").model is not None
    for distribution, status in expected.items():
        if status != "loaded":
            assert f"minidl plugin {distribution}" in train.stderr, distribution  # reported where it broke
    components = run(plugins, cwd, "components", "--json")
    assert_held(components)
    assert "minidl:Linear" in {d["id"] for d in json.loads(components.stdout)["module"]}
    listing = run(plugins, cwd, "plugins", "--json")
    assert_held(listing, listing=True)
    statuses = {i["distribution"]: i["status"] for i in json.loads(listing.stdout)}
    assert {d: statuses.get(d) for d in expected} == expected
    assert statuses["minidl"] == "loaded"
    inspect = run(plugins, cwd, "inspect", str(files["trained"]))
    assert_held(inspect)
    assert "Linear" in inspect.stdout
    evaluate = run(plugins, cwd, "evaluate", str(files["trained"]))
    assert_held(evaluate)
    assert "test" in evaluate.stdout


def test_every_command_holds_beside_the_whole_corpus(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    expected = install(plugins, CASES)
    check_commands(plugins, workspace(tmp_path), expected, tmp_path)


@pytest.mark.long
@pytest.mark.parametrize("case", LONG_CASES, ids=[c.distribution for c in LONG_CASES])
def test_every_command_holds_beside_each_plugin_alone(tmp_path: Path, case: Case) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    expected = install(plugins, [case])
    check_commands(plugins, workspace(tmp_path), expected, tmp_path)
