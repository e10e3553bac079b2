"""Nothing a plugin does while it loads takes the host down: each case marks that distribution failed, the rest load."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import pytest
import torch

import minidl
from minidl import registry
from minidl.cli import main
from minidl.registry import load_watch
from tests.registry import fake_plugins as fp
from tests.registry.conftest import info_of


def load_quietly() -> list[str]:
    """The module names, with the failed plugins' warnings recorded rather than shown."""
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        return registry.names("module")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (fp.EXITS, "SystemExit: 3"),
        (fp.RAISES_BASE_EXCEPTION, "Escape: not an Exception at all"),
        (fp.WRONG_HOOK_ARGUMENT, "PluginValidationError"),
        (fp.TWO_CLASSES_ONE_NAME, "registers two different modules under the name 'Same'"),
        (fp.HOOK_IS_A_GENERATOR, "hook register_modules is a generator function, so its body never ran"),
        (fp.HOOK_RETURNS_CLASSES, "hook register_modules returned list instead of None"),
        # its every spec saved, then refused when read back: "config.factor: expected float > 0, got -1.0"
        (fp.DEFAULT_OUTSIDE_ITS_BOUNDS, "the default of 'factor': expected float > 0, got -1.0 (float), which its"),
    ],
    ids=[
        "sys.exit",
        "BaseException",
        "wrong-hook-argument",
        "one-name-two-classes",
        "generator-hook",
        "returning-hook",
        "bad-default",
    ],
)
def test_any_exception_marks_the_plugin_failed_and_the_host_goes_on(plugin_dir: Path, source: str, reason: str) -> None:
    fp.make_distribution(plugin_dir, "minidl-hostile", "1.0", "minidl_hostile_plugin", source)
    assert {"Linear", "ReLU"} <= set(load_quietly())
    info = info_of("minidl-hostile")
    assert (info.status, info.components) == ("failed", []) and reason in info.error


def test_ctrl_c_while_a_plugin_loads_is_the_users(plugin_dir: Path) -> None:
    fp.make_distribution(plugin_dir, "minidl-hostile", "1.0", "minidl_hostile_plugin", fp.INTERRUPTS)
    with pytest.raises(KeyboardInterrupt):
        registry.names("module")
    assert registry.loading_now() is None  # not left half-loaded: the next lookup starts afresh
    (plugin_dir / "minidl_hostile_plugin.py").write_text("")
    sys.modules.pop("minidl_hostile_plugin", None)
    assert info_of("minidl-hostile").status == "loaded"


@pytest.mark.parametrize("source", [fp.LOOKS_UP_THE_REGISTRY, fp.RELOADS_IN_A_HOOK], ids=["at-import", "in-a-hook"])
def test_a_registry_lookup_while_loading_is_an_error_naming_the_plugin_not_a_deadlock(
    plugin_dir: Path, source: str
) -> None:
    fp.make_distribution(plugin_dir, "minidl-peek", "1.0", "minidl_peek_plugin", source)
    found: list[list[str]] = []
    worker = threading.Thread(target=lambda: found.append(load_quietly()), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the registry deadlocked on a plugin that looked it up while loading"
    assert "Linear" in found[0]
    info = info_of("minidl-peek")
    assert info.status == "failed"
    assert "PluginError: minidl plugin minidl-peek used the registry while plugins were loading" in info.error
    assert info.location.endswith(("minidl_peek_plugin.py:3", "minidl_peek_plugin.py:7"))


@pytest.mark.parametrize(
    ("metadata", "entry_points", "problem"),
    [
        ("Metadata-Version: 2.1\nVersion: 1.0\n", None, "broken metadata: no Name"),
        ("", None, "broken metadata: no Name"),
        ("Metadata-Version: 2.1\nName: bad\x1b[31mname\nVersion: 1.0\n", None, "is not a distribution name"),
        ("Metadata-Version: 2.1\nName: minidl-oddversion\nVersion: 1.0\x1b[2J\n", None, "is not a version"),
        (None, "[minidl]\nthis is not an entry point\n", "unreadable entry points"),
        ("Metadata-Version: 2.1\nName: minidl\nVersion: 9.9\n", None, "may not take minidl's own name"),
    ],
    ids=["no-name", "empty-metadata", "escape-in-name", "bad-version", "unreadable-entry-points", "named-minidl"],
)
def test_malformed_metadata_marks_that_distribution_broken(
    plugin_dir: Path, metadata: str | None, entry_points: str | None, problem: str
) -> None:
    folder = fp.make_distribution(
        plugin_dir,
        "minidl-meta",
        "1.0",
        "minidl_meta_plugin",
        fp.GOOD_PLUGIN,
        metadata=metadata,
        entry_points=entry_points,
    )
    assert {"Linear", "ReLU"} <= set(load_quietly()) and "Square" not in registry.names("module")
    [broken] = [i for i in registry.plugins() if problem in i.error]
    assert broken.status == "failed" and str(folder) in broken.location
    assert all(c.isprintable() for c in broken.distribution + broken.version + broken.error)
    assert info_of("minidl").status == "loaded"


def test_what_a_plugin_prints_is_captured_not_shown(plugin_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    fp.make_distribution(plugin_dir, "minidl-chatty", "1.0", "minidl_chatty_plugin", fp.PRINTS)
    capfd.readouterr()
    registry.names("module")
    out, err = capfd.readouterr()
    assert "PLUGIN-SAYS" not in out + err
    info = info_of("minidl-chatty")
    assert info.status == "loaded"
    for said in ("python stdout", "python stderr", "fd 1", "fd 2", "real stdout", "in a hook"):
        assert f"PLUGIN-SAYS {said}" in info.output
    assert main(["plugins", "--json"]) == 0
    listing = json.loads(capfd.readouterr().out)  # valid JSON: nothing of the plugin's leaked into it
    assert "PLUGIN-SAYS fd 1" in next(i for i in listing if i["distribution"] == "minidl-chatty")["output"]


SIGNALS_ITSELF = """
import os, signal, sys
print("PLUGIN-SAYS before")
os.kill(os.getpid(), signal.SIGTERM)
print("PLUGIN-SAYS after")
"""


def test_a_signal_while_a_plugin_loads_is_handled_with_the_real_streams(plugin_dir: Path, capfd) -> None:
    """Seen in CI: SIGTERM during start-up ended ``minidl train`` with status 143 and no line, the line
    having gone into the capture of a plugin's output."""

    def host(signum: int, frame: object) -> None:
        print("HOST python", file=sys.stderr, flush=True)
        os.write(2, b"HOST fd\n")

    fp.make_distribution(plugin_dir, "minidl-signals", "1.0", "minidl_signals_plugin", SIGNALS_ITSELF)
    previous = signal.signal(signal.SIGTERM, host)
    try:
        capfd.readouterr()
        registry.names("module")
        assert signal.getsignal(signal.SIGTERM) is host
    finally:
        signal.signal(signal.SIGTERM, previous)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "HOST python\nHOST fd\n")
    assert info_of("minidl-signals").output == "PLUGIN-SAYS before\nPLUGIN-SAYS after\n"


def test_output_of_a_failing_plugin_is_kept_with_its_reason(plugin_dir: Path, capfd) -> None:
    fp.make_distribution(
        plugin_dir, "minidl-chatty", "1.0", "minidl_chatty_plugin", fp.PRINTS + "\n    raise ValueError('then broke')\n"
    )
    load_quietly()
    info = info_of("minidl-chatty")
    assert info.status == "failed" and "PLUGIN-SAYS fd 2" in info.output and "then broke" in info.error
    assert "PLUGIN-SAYS" not in "".join(capfd.readouterr())


@pytest.mark.parametrize("name", ["[/]", "a\nb", "\x1b[31mRed", "with space", "x" * 65, "", "1st", "a:b"])
def test_registered_names_are_validated_with_the_plugin_named(plugin_dir: Path, name: str) -> None:
    fp.make_distribution(
        plugin_dir, "minidl-names", "1.0", "minidl_names_plugin", fp.BAD_NAME_TEMPLATE.format(name=name)
    )
    load_quietly()
    info = info_of("minidl-names")
    assert info.status == "failed" and info.components == []
    assert "InvalidRegistration: minidl-names: register(Fine, name=" in info.error
    assert "a name is a letter then up to 63 letters, digits or underscores" in info.error
    assert info.error.isprintable()


def test_plugin_text_reaches_every_output_as_plain_text(plugin_dir: Path, capfd) -> None:
    fp.make_distribution(plugin_dir, "minidl-escapes", "1.0", "minidl_escapes_plugin", fp.ESCAPES)
    fp.make_distribution(plugin_dir, "minidl-loud", "1.0", "minidl_loud_plugin", fp.FAILS_WITH_ESCAPES)
    with pytest.warns(registry.PluginWarning) as warned:
        registry.names("module")
    assert all(str(w.message).isprintable() for w in warned)
    summary = registry.describe("module", "Shout")["summary"]
    assert summary.isprintable() and "\\x1b[31mred" in summary and "[bold]markup[/bold] [/]" in summary
    assert info_of("minidl-loud").error.isprintable() and "\\nminidl: error: a forged" in info_of("minidl-loud").error
    assert "\\x1b[2J" in info_of("minidl-escapes").output
    capfd.readouterr()
    for argv in (["components"], ["plugins"], ["components", "module"]):
        assert main(argv) == 0
        out, err = capfd.readouterr()
        assert "\x1b" not in out + err and "\u202e" not in out + err, argv
    assert main(["plugins"]) == 0
    lines = capfd.readouterr().out.splitlines()
    assert not any(line.startswith("minidl: error: a forged") for line in lines)  # no forged line of its own
    assert main(["components", "--json"]) == 0
    shout = next(d for d in json.loads(capfd.readouterr().out)["module"] if d["name"] == "Shout")
    assert shout["parameters"][0]["default"] == "\x1b[2J"  # data stays data: JSON escapes it


def test_the_warning_points_at_the_plugins_own_line(plugin_dir: Path) -> None:
    fp.make_distribution(plugin_dir, "minidl-broken", "0.3.0", "minidl_broken_plugin", fp.HOOK_FAILS)
    with pytest.warns(registry.PluginWarning) as warned:
        registry.names("module")
    [warning] = warned
    source = (plugin_dir / "minidl_broken_plugin.py").read_text().splitlines()
    assert Path(warning.filename) == plugin_dir / "minidl_broken_plugin.py"
    assert "exploded" in source[warning.lineno - 1]
    assert info_of("minidl-broken").location == f"{warning.filename}:{warning.lineno}"


def test_a_raw_escape_in_the_plugins_source_is_not_echoed_by_the_warning(plugin_dir: Path) -> None:
    fp.make_distribution(plugin_dir, "minidl-raw", "1.0", "minidl_raw_plugin", fp.FAILS_ON_A_LINE_WITH_A_RAW_ESCAPE)
    with pytest.warns(registry.PluginWarning) as warned:
        registry.names("module")
    [w] = warned
    shown = warnings.formatwarning(w.message, w.category, w.filename, w.lineno)  # as Python prints it
    assert "minidl_raw_plugin.py:2: PluginWarning" in shown and '"\\x1b[31m" + "red"' in shown
    assert "\x1b" not in shown


def test_strict_mode_shows_the_plugins_traceback(plugin_dir: Path, monkeypatch) -> None:
    fp.make_distribution(plugin_dir, "minidl-broken", "0.3.0", "minidl_broken_plugin", fp.HOOK_FAILS)
    monkeypatch.setenv("MINIDL_STRICT_PLUGINS", "1")
    with pytest.raises(registry.PluginError) as raised:
        registry.names("module")
    text = str(raised.value)
    first, at, *trace = text.splitlines()
    assert first == "minidl plugin minidl-broken 0.3.0 failed: RuntimeError: the loss hook exploded"
    assert at == f"  at {plugin_dir / 'minidl_broken_plugin.py'}:15"
    assert trace[0] == "Traceback (most recent call last):" and trace[-1] == "RuntimeError: the loss hook exploded"
    assert "minidl_broken_plugin.py" in text and "loading.py" not in text  # the plugin's frames, not the loader's


@pytest.mark.parametrize("variable", ["MINIDL_LOAD_PLUGINS", "MINIDL_DISABLE_PLUGINS"])
def test_naming_a_plugin_that_is_not_installed_warns(plugin_dir: Path, monkeypatch, variable: str) -> None:
    """MINIDL_DISABLE_PLUGINS=nonexistent said nothing, while MINIDL_LOAD_PLUGINS warned."""
    monkeypatch.setenv(variable, "minidl-extra,nonexistent")
    with pytest.warns(registry.PluginWarning, match=rf"{variable} names nonexistent, which is not installed"):
        registry.names("module")


@pytest.mark.parametrize(
    ("setup", "expected", "not_expected"),
    [
        ("failed", "fake-square 1.0 is installed but failed: ImportError: broken on purpose", "install fake-square"),
        ("disabled", "fake-square 1.0 is installed but blocked: MINIDL_DISABLE_PLUGINS names it", "install fake"),
        (
            "not-listed",
            "is installed but blocked: MINIDL_LOAD_PLUGINS does not name it (it is 'minidl-extra')",
            "install fake",
        ),
        (
            "uninstalled",
            "was provided by fake-square 1.0 when this file was saved: install fake-square>=1.0",
            "installed but",
        ),
    ],
)
def test_a_file_needing_a_plugin_says_what_happened_to_it(
    plugin_dir: Path, monkeypatch, setup: str, expected: str, not_expected: str
) -> None:
    """Not installed, failed (with its reason) or blocked (by which variable): three different remedies."""
    info = fp.make_distribution(plugin_dir, "fake-square", "1.0", "fake_square", fp.GOOD_PLUGIN)
    spec = minidl.default_spec()
    spec["model"]["layers"][1] = {"component": "Square"}
    minidl.save_spec(spec, plugin_dir / "square.minidl")
    if setup == "failed":
        (plugin_dir / "fake_square.py").write_text(textwrap.dedent(fp.IMPORT_FAILS))
        sys.modules.pop("fake_square", None)
    elif setup == "disabled":
        monkeypatch.setenv("MINIDL_DISABLE_PLUGINS", "fake-square")
    elif setup == "not-listed":
        monkeypatch.setenv("MINIDL_LOAD_PLUGINS", "minidl-extra")
    else:
        shutil.rmtree(info)
    registry.reload()
    with warnings.catch_warnings(record=True), pytest.raises(minidl.SpecError) as raised:
        minidl.load(plugin_dir / "square.minidl")
    message = str(raised.value)
    assert "spec.model.layers[1].component: unknown module 'fake-square:Square'" in message
    assert expected in message and not_expected not in message


def test_a_broken_plugin_the_user_disabled_stays_quiet(plugin_dir: Path, monkeypatch) -> None:
    metadata = "Metadata-Version: 2.1\nName: minidl-oddversion\nVersion: 1.0\x1b[2J\n"
    fp.make_distribution(plugin_dir, "minidl-oddversion", "1.0", "minidl_odd", fp.GOOD_PLUGIN, metadata=metadata)
    monkeypatch.setenv("MINIDL_DISABLE_PLUGINS", "minidl-oddversion")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        registry.names("module")
    assert info_of("minidl-oddversion").status == "blocked"


def test_a_plugin_package_named_like_minidl_is_still_the_plugins_code() -> None:
    """Installed side by side, ``site-packages/minidl_zoo`` shares the prefix of ``site-packages/minidl``."""
    from minidl.registry.failures import _NOT_THE_PLUGIN, _inside

    minidl_package = _NOT_THE_PLUGIN[0]
    assert _inside(f"{minidl_package}/registry/loading.py", _NOT_THE_PLUGIN)
    assert not _inside(f"{minidl_package}_zoo/plugin.py", _NOT_THE_PLUGIN)


def test_a_slow_plugin_is_named_on_stderr_while_it_loads(plugin_dir: Path, monkeypatch, capfd) -> None:
    # a plugin sleeping 20 s at import left every command silent (its output is captured) for 20 s
    monkeypatch.setattr(load_watch, "SLOW_LOAD_SECONDS", 0.0)
    fp.make_distribution(plugin_dir, "minidl-slow", "1.0", "minidl_slow_plugin", "import time\ntime.sleep(1.0)\n")
    load_quietly()
    assert info_of("minidl-slow").status == "loaded"
    assert "minidl: plugin minidl-slow 1.0 is still loading after 0 s (MINIDL_DISABLE_PLUGINS=minidl-slow skips it" in (
        capfd.readouterr().err
    )


def test_a_plugin_changing_torchs_global_state_is_undone_and_failed(plugin_dir: Path) -> None:
    # a plugin setting float64 as torch's default at import silently changed every run's data and weights
    source = "import torch\ntorch.set_default_dtype(torch.float64)\ntorch.set_grad_enabled(False)\ntorch.rand(3)\n"
    fp.make_distribution(plugin_dir, "minidl-global", "1.0", "minidl_global_plugin", source)
    torch.manual_seed(5)
    expected = torch.rand(2)
    torch.manual_seed(5)
    load_quietly()
    info = info_of("minidl-global")
    assert info.status == "failed" and info.location.endswith("minidl_global_plugin.py:1")
    assert "changed torch's default dtype to float64 and torch's gradient mode to off while loading (minidl put it" in (
        info.error
    )
    assert torch.get_default_dtype() == torch.float32 and torch.is_grad_enabled()
    assert torch.equal(torch.rand(2), expected)  # its draw did not shift the user's seeded stream
