"""With the minidl-extra distribution installed, its components are found everywhere and train beside the built-ins."""

from __future__ import annotations

import importlib.metadata

import pytest
import torch

import minidl
from minidl import registry

minidl_extra = pytest.importorskip("minidl_extra")

PLUGIN_COMPONENTS = {
    "module": ["BatchNorm1d", "ELU", "GELU", "LeakyReLU", "Sigmoid", "SiLU"],
    "initializer": ["orthogonal", "xavier_uniform"],
    "optimizer": ["AdamW", "RMSprop"],
    "scheduler": ["CosineAnnealingLR", "StepLR"],
    "dataset": ["spiral", "xor"],
}


@pytest.fixture(autouse=True)
def all_plugins_loaded(monkeypatch: pytest.MonkeyPatch):
    """Discover plugins afresh with no switch limiting what loads."""
    for var in ("MINIDL_STRICT_PLUGINS", "MINIDL_LOAD_PLUGINS", "MINIDL_DISABLE_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    registry.reload()
    yield
    registry.reload()


def test_the_plugin_loads_and_lists_what_it_provides() -> None:
    info = {i.distribution: i for i in registry.plugins()}["minidl-extra"]
    assert (info.status, info.error) == ("loaded", "")
    assert info.version == importlib.metadata.version("minidl-extra") == minidl_extra.__version__
    expected = {f"{kind}:minidl-extra:{name}" for kind, names in PLUGIN_COMPONENTS.items() for name in names}
    assert set(info.components) == expected


@pytest.mark.parametrize("kind", sorted(PLUGIN_COMPONENTS))
def test_plugin_components_are_named_provided_and_created(kind: str) -> None:
    names = registry.names(kind)
    assert set(PLUGIN_COMPONENTS[kind]) <= set(names)
    assert names == sorted(names, key=str.lower)
    for name in PLUGIN_COMPONENTS[kind]:
        assert registry.provider(kind, name) == {"distribution": "minidl-extra", "version": minidl_extra.__version__}
        assert registry.get(kind, f"minidl-extra:{name}") is registry.get(kind, name)
        assert registry.describe(kind, name)["id"] == f"minidl-extra:{name}"


def test_describe_gives_the_plugins_declared_schema() -> None:
    info = registry.describe("module", "BatchNorm1d")
    assert info["provider"] == {"distribution": "minidl-extra", "version": "0.1.0"}
    assert info["summary"].startswith("Batch normalisation")
    by_name = {p["name"]: p for p in info["parameters"]}
    assert list(by_name) == ["num_features", "eps", "momentum"]
    assert by_name["num_features"] == {
        "name": "num_features",
        "type": "int",
        "required": True,
        "ge": 1,
        "help": "width of the input",
    }
    assert by_name["eps"]["gt"] == 0.0 and by_name["eps"]["default"] == 1e-5
    assert (by_name["momentum"]["ge"], by_name["momentum"]["le"], by_name["momentum"]["default"]) == (0.0, 1.0, 0.1)
    lr = registry.describe("scheduler", "StepLR")["parameters"][0]
    assert lr == {
        "name": "step_size",
        "type": "int",
        "required": False,
        "default": 30,
        "ge": 1,
        "help": "epochs between two reductions",
    }


def test_create_builds_and_validates_plugin_components() -> None:
    layer = registry.create("module", "BatchNorm1d", num_features=4, momentum=0.2)
    assert isinstance(layer, minidl_extra.BatchNorm1d) and layer.get_config() == {
        "num_features": 4,
        "eps": 1e-5,
        "momentum": 0.2,
    }
    model = minidl.Sequential(minidl.Linear(2, 3))
    optimizer = registry.create("optimizer", "AdamW", model.param(), lr=0.01)
    assert isinstance(registry.create("scheduler", "StepLR", optimizer, step_size=2), minidl_extra.StepLR)
    assert registry.create("dataset", "spiral", n_train=10, n_test=5).load(0).train_x.shape == (10, 2)
    with pytest.raises(
        minidl.ConfigError, match=r"module minidl-extra:LeakyReLU.negative_slope: expected float >= 0 and < 1, got 2.0"
    ):
        registry.create("module", "LeakyReLU", negative_slope=2.0)
    with pytest.raises(minidl.ConfigError, match="unknown parameter 'slope'"):
        registry.create("module", "LeakyReLU", slope=0.1)


def mixed_spec() -> dict:
    """Built-in Linear layers around plugin BatchNorm1d and GELU, with plugin init, optimizer and scheduler."""
    layers = [
        {"component": "Linear", "config": {"in_features": 2, "out_features": 16}},
        {"component": "BatchNorm1d", "config": {"num_features": 16}},
        {"component": "GELU", "config": {}},
        {"component": "Linear", "config": {"in_features": 16, "out_features": 2}},
    ]
    return {
        "model": {"layers": layers, "init": {"component": "orthogonal", "config": {"gain": 1.0}}, "dtype": "float32"},
        "training": {
            "dataset": {"component": "circle", "config": {"n_train": 500, "n_test": 500}},
            "loss": {"component": "CrossEntropyLoss", "config": {}},
            "optimizer": {"component": "AdamW", "config": {"lr": 0.01, "weight_decay": 0.01}},
            "scheduler": {"component": "CosineAnnealingLR", "config": {"T_max": 8}},
            "epochs": 8,
            "batch_size": 20,
            "seed": 0,
        },
    }


def test_a_network_mixing_builtin_and_plugin_layers_trains() -> None:
    run = minidl.Run(mixed_spec())
    trainer = run.trainer
    assert run.spec["model"]["layers"][1]["component"] == "minidl-extra:BatchNorm1d"
    assert isinstance(trainer.optimizer, minidl_extra.AdamW)
    before_loss, before_error = trainer.evaluate(trainer.data.test_x, trainer._test_targets, trainer.data.test_y)
    history = trainer.fit()
    assert before_error > 0.4 and history[-1].test_error < 0.15  # from chance to about 0.08 with seed 0
    assert history[-1].test_loss < 0.6 * before_loss
    assert history[-1].lr == pytest.approx(0.0, abs=1e-12)  # cosine schedule ran to T_max
    running_mean = trainer.model[1].running_mean
    assert running_mean.abs().sum() > 0  # BatchNorm's running statistics were updated in training


def test_a_saved_model_keeps_the_plugin_layers_running_statistics(tmp_path) -> None:
    """BatchNorm1d declares its running statistics as buffers, so a model file carries them."""
    model = minidl.build_model({"model": mixed_spec()["model"]}, seed=0)
    with torch.no_grad():
        for _ in range(3):
            model.forward(torch.randn(16, 2) * 2.0 + 1.0)
    minidl.save(model.eval(), tmp_path / "bn.minidl")
    loaded = minidl.load(tmp_path / "bn.minidl").model.eval()
    assert torch.equal(loaded[1].running_var, model[1].running_var) and not torch.equal(
        model[1].running_var, torch.ones(16)
    )
    x = torch.randn(5, 2)
    assert torch.equal(loaded.forward(x), model.forward(x))
