"""A plugin that registers a name minidl already uses (``ReLU``) changes nothing that does not use that name.

minidl names its own components by qualified id (``minidl:ReLU``) in the default recipe, the study and
saved files, so every command and the TUI's start work with such a plugin installed; only a spec that
writes the ambiguous short name is refused, with both providers named.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import minidl
from minidl import registry
from minidl.cli import experiments, main
from minidl.workflow.spec import normalize
from tests.registry import fake_plugins as fp


@pytest.fixture
def clash(plugin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A plugin with its own ReLU, and two plugins that both provide a Square."""
    fp.make_distribution(plugin_dir, "minidl-clash", "1.0", "minidl_clash_plugin", fp.CLASHING_RELU)
    fp.make_distribution(plugin_dir, "minidl-square", "1.2.0", "minidl_square_plugin", fp.GOOD_PLUGIN)
    fp.make_distribution(plugin_dir, "other-square", "0.9.1", "other_square_plugin", fp.SECOND_SQUARE)
    monkeypatch.chdir(plugin_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clash is not a failure: nothing to warn about
        assert {"minidl:ReLU", "minidl-clash:ReLU", "minidl-square:Square"} <= set(registry.names("module"))
    return plugin_dir


def test_the_default_recipe_builds_and_trains_minidls_own_relu(clash: Path) -> None:
    trainer = minidl.build_trainer(minidl.default_spec(epochs=1))
    assert type(trainer.model[1]) is minidl.ReLU
    assert trainer.fit()[-1].epoch == 1


def test_only_a_spec_that_writes_the_ambiguous_name_is_refused(clash: Path) -> None:
    spec = minidl.default_spec()
    spec["model"]["layers"][1]["component"] = "ReLU"
    with pytest.raises(registry.AmbiguousComponent, match=r"spec.model.layers\[1\].component: module 'ReLU' is "):
        minidl.build_trainer(spec)
    spec["model"]["layers"][1]["component"] = "minidl-clash:ReLU"
    assert type(minidl.build_model(spec)[1]).__module__ == "minidl_clash_plugin"


def test_the_studys_specs_name_minidls_components_unambiguously(clash: Path) -> None:
    for group in experiments.study(experiments.Settings.quick()):
        for config in group.configs:
            normalize(config.spec)


def test_every_command_works_beside_the_clash(clash: Path, capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    tiny = experiments.Settings(trials=1, epochs=2, n_train=40, n_test=40)
    monkeypatch.setattr(experiments.Settings, "quick", classmethod(lambda cls, trials: tiny))  # the study, in brief

    def run(*argv: str) -> str:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert code == 0 and "Traceback" not in out + err, (argv, err)
        return out

    run("train", "--epochs", "2", "--every", "1", "--output", "model.minidl")
    run("resume", "model-checkpoint.minidl", "--epochs", "3", "--output", "resumed.minidl")
    assert "test" in run("evaluate", "resumed.minidl")
    assert "ReLU" in run("inspect", "model.minidl")
    assert "minidl-clash:ReLU" in {d["id"] for d in json.loads(run("components", "module", "--json"))}
    assert {"minidl-clash", "minidl-square", "other-square"} <= {
        i["distribution"] for i in json.loads(run("plugins", "--json"))
    }
    run("components")
    run("experiments", "--quick", "--jobs", "1", "--output", "study")
    assert "default recipe" in (clash / "study" / "README.md").read_text()


async def test_the_tui_starts_on_the_default_network_beside_the_clash(clash: Path) -> None:
    from minidl.tui.app import make_app
    from minidl.tui.config import TEST_CONFIG

    app = make_app(config=TEST_CONFIG)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        layers = app.main.session.value("layers")
        assert [layer["component"] for layer in layers[:2]] == ["minidl:Linear", "minidl:ReLU"]
