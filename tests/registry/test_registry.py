"""The registry: lookups, schemas, providers, and plugins that fail without taking minidl down."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import torch

import minidl
from minidl import registry
from minidl.registry.catalog import make_entry
from tests.registry import fake_plugins as fp


def statuses() -> dict[str, str]:
    return {i.distribution: i.status for i in registry.plugins()}


def test_builtins_are_registered_through_the_hooks() -> None:
    assert {"Linear", "ReLU", "Tanh", "Dropout"} <= set(registry.names("module"))
    assert {"MSELoss", "CrossEntropyLoss"} <= set(registry.names("loss"))
    assert {"default", "xavier", "he"} <= set(registry.names("initializer"))
    assert {"SGD", "Adam"} <= set(registry.names("optimizer"))
    assert "ReduceLROnPlateau" in registry.names("scheduler")
    assert "circle" in registry.names("dataset")
    assert registry.provider("module", "Linear") == {"distribution": "minidl", "version": minidl.__version__}
    assert registry.get("module", "minidl:Linear") is minidl.Linear
    assert registry.names("module") == sorted(registry.names("module"), key=str.lower)


def test_describe_gives_the_declared_schema() -> None:
    info = registry.describe("optimizer", "Adam")
    assert info["id"] == "minidl:Adam" and info["provider"]["distribution"] == "minidl"
    lr, betas = info["parameters"][0], info["parameters"][1]
    assert lr == {
        "name": "lr",
        "type": "float",
        "required": False,
        "default": 0.001,
        "ge": 0.0,
        "help": "learning rate",
    }
    assert betas["type"] == "tuple[float, float]" and betas["default"] == [0.9, 0.999] and betas["lt"] == 1.0
    plateau = {p["name"]: p for p in registry.describe("scheduler", "ReduceLROnPlateau")["parameters"]}
    assert plateau["mode"]["choices"] == ["min", "max"]
    assert [p["name"] for p in registry.describe("module", "Linear")["parameters"]] == [
        "in_features",
        "out_features",
        "bias",
    ]


def test_create_validates_the_config() -> None:
    layer = registry.create("module", "Dropout", p=0.1)
    assert isinstance(layer, minidl.Dropout) and layer.p == 0.1
    with pytest.raises(minidl.ConfigError, match=r"module minidl:Dropout.p: expected float >= 0 and < 1, got 'x'"):
        registry.create("module", "Dropout", p="x")
    with pytest.raises(minidl.ConfigError, match="unknown parameter 'q' for Dropout"):
        registry.create("module", "Dropout", q=0.1)
    opt = registry.create("optimizer", "SGD", minidl.Linear(2, 2).param(), lr=0.1)
    assert opt.get_config()["lr"] == 0.1


PARAMETERS_NAMED_LIKE_CREATES_OWN = """
    from typing import Annotated
    import minidl
    from minidl.plugin import hookimpl

    class Placed(minidl.Module):
        \"\"\"Identity with parameters named like create's own arguments.\"\"\"
        def __init__(self, where: Annotated[str, minidl.Param()] = "here", kind: Annotated[int, minidl.Param()] = 0,
                     name: Annotated[str, minidl.Param()] = "n") -> None:
            super().__init__()
            self.where, self.kind, self.name = where, kind, name
        def forward(self, x): return x
        def backward(self, g): return g

    @hookimpl
    def register_modules(register):
        register(Placed)
"""


def test_a_component_may_have_parameters_named_where_kind_or_name(plugin_dir: Path) -> None:
    """Seen: registry.create(..., where=...) took a component's ``where`` parameter as its own."""
    fp.make_distribution(plugin_dir, "minidl-placed", "1.0", "minidl_placed_plugin", PARAMETERS_NAMED_LIKE_CREATES_OWN)
    layer = registry.create("module", "Placed", where="there", kind=3, name="m")
    assert (layer.where, layer.kind, layer.name) == ("there", 3, "m")
    spec = minidl.default_spec(epochs=1)
    spec["model"]["layers"].insert(0, {"component": "Placed", "config": {"where": "in a file"}})
    assert minidl.build_model(spec)[0].where == "in a file"
    with pytest.raises(minidl.ConfigError, match=r"^spec\.model\.layers\[0\]\.config\.kind: expected int"):
        spec["model"]["layers"][0]["config"]["kind"] = "x"
        minidl.build_model(spec)


def test_unknown_names_and_kinds() -> None:
    with pytest.raises(registry.ComponentNotFound, match="unknown module 'relu': did you mean 'ReLU'"):
        registry.get("module", "relu")
    with pytest.raises(
        registry.ComponentNotFound, match="unknown component kind 'layer'; expected one of module, loss"
    ):
        registry.names("layer")


def test_a_good_plugin_is_found_everywhere(plugin_dir: Path) -> None:
    fp.make_distribution(plugin_dir, "minidl-square", "1.2.0", "minidl_square_plugin", fp.GOOD_PLUGIN)
    assert "Square" in registry.names("module")
    assert registry.provider("module", "Square") == {"distribution": "minidl-square", "version": "1.2.0"}
    assert statuses()["minidl-square"] == "loaded"
    square = registry.create("module", "minidl-square:Square", scale=2.0)
    assert torch.equal(square(torch.tensor([[3.0]])), torch.tensor([[18.0]]))
    spec = minidl.default_spec(epochs=2)
    spec["model"]["layers"].insert(1, {"component": "Square", "config": {"scale": 0.5}})
    assert minidl.build_trainer(spec).fit()[-1].epoch == 2


@pytest.mark.parametrize(
    "source,status,error",
    [
        (fp.IMPORT_FAILS, "failed", "ImportError: broken on purpose"),
        (fp.HOOK_FAILS, "failed", "RuntimeError: the loss hook exploded"),
        (fp.INVALID_REGISTRATION, "failed", "expected a subclass of minidl.components.optim.optimizer.Optimizer"),
        (fp.UNDECLARED_PARAMETER, "failed", "in the module hook: constructor parameter 'alpha' is not declared"),
        (fp.OLD_API, "incompatible", "written for minidl plugin API 0, this minidl supports API 1"),
    ],
    ids=["import", "hook", "registration", "undeclared-parameter", "api-version"],
)
def test_a_broken_plugin_is_reported_and_skipped(
    plugin_dir: Path, monkeypatch, source: str, status: str, error: str
) -> None:
    fp.make_distribution(plugin_dir, "minidl-broken", "0.3.0", "minidl_broken_plugin", source)
    with pytest.warns(registry.PluginWarning, match=f"minidl plugin minidl-broken 0.3.0 {status}: .*{error}"):
        names = registry.names("module")
    assert "Linear" in names and "Fine" not in names  # nothing from a failed distribution is kept
    info = next(i for i in registry.plugins() if i.distribution == "minidl-broken")
    assert info.status == status and error in info.error and info.components == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        registry.names("loss")  # reported once, not on every lookup
    registry.reload()
    monkeypatch.setenv("MINIDL_STRICT_PLUGINS", "1")
    with pytest.raises(registry.PluginError, match=f"minidl plugin minidl-broken 0.3.0 {status}: .*{error}"):
        registry.names("module")


def test_two_providers_of_one_short_name_are_ambiguous(plugin_dir: Path) -> None:
    fp.make_distribution(plugin_dir, "minidl-square", "1.2.0", "minidl_square_plugin", fp.GOOD_PLUGIN)
    fp.make_distribution(plugin_dir, "other-square", "0.9.1", "other_square_plugin", fp.SECOND_SQUARE)
    with pytest.raises(
        registry.AmbiguousComponent,
        match=r"module 'Square' is provided by several distributions: minidl-square:Square \(minidl-square 1.2.0\), "
        r"other-square:Square \(other-square 0.9.1\); use a qualified id",
    ):
        registry.get("module", "Square")
    assert registry.get("module", "other-square:Square") is not registry.get("module", "minidl-square:Square")
    assert registry.describe("module", "other-square:Square")["summary"] == ""  # its own docstring, not Module's
    assert {"minidl-square:Square", "other-square:Square"} <= set(registry.names("module"))


def test_load_and_disable_switches(plugin_dir: Path, monkeypatch) -> None:
    fp.make_distribution(plugin_dir, "minidl-square", "1.2.0", "minidl_square_plugin", fp.GOOD_PLUGIN)
    monkeypatch.setenv("MINIDL_LOAD_PLUGINS", "")
    assert "Square" not in registry.names("module") and statuses()["minidl-square"] == "blocked"
    assert "Linear" in registry.names("module")
    registry.reload()
    monkeypatch.setenv("MINIDL_LOAD_PLUGINS", "minidl_square")  # names compare as pip does
    assert "Square" in registry.names("module")
    registry.reload()
    monkeypatch.delenv("MINIDL_LOAD_PLUGINS")
    monkeypatch.setenv("MINIDL_DISABLE_PLUGINS", "minidl-square")
    assert "Square" not in registry.names("module") and statuses()["minidl-square"] == "blocked"


def test_plugins_command_lists_status(plugin_dir: Path, capsys) -> None:
    import json

    from minidl.cli import main

    fp.make_distribution(plugin_dir, "minidl-broken", "0.3.0", "minidl_broken_plugin", fp.IMPORT_FAILS)
    with pytest.warns(registry.PluginWarning):
        assert main(["plugins", "--json"]) == 0
    listing = {d["distribution"]: d for d in json.loads(capsys.readouterr().out)}
    assert listing["minidl"]["status"] == "loaded" and "module:minidl:Linear" in listing["minidl"]["components"]
    assert listing["minidl-broken"]["status"] == "failed"


def test_source_checkout_fallback_finds_the_builtins(tmp_path: Path) -> None:
    """With no installed minidl distribution visible, the built-ins still register as 'minidl'."""
    code = (
        "import importlib.metadata as md, sys\n"
        "real = md.entry_points\n"
        "md.entry_points = lambda **kw: [e for e in real(**kw) if e.value != 'minidl.registry.builtins']\n"
        "from minidl import registry\n"
        "print(registry.provider('module', 'Linear')['distribution'], len(registry.names('module')) >= 4)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["minidl", "True"]


class UntypedDecay(minidl.Optimizer):
    def __init__(self, params, lr: float = 0.1, decay=0.5) -> None:
        super().__init__(params, lr)
        self.decay = decay


class ReaderOfNothing(minidl.Module):
    config_readers = {"width": lambda m: 3}


@pytest.mark.parametrize(
    ("kind", "cls", "message"),
    [
        ("optimizer", UntypedDecay, r"constructor parameter 'decay' is not declared.*runtime arguments: params\)$"),
        ("module", ReaderOfNothing, r"config_readers names 'width', which is not a declared parameter$"),
    ],
    ids=["untyped", "reader-of-nothing"],
)
def test_registration_refuses_what_files_could_not_keep(kind: str, cls: type, message: str) -> None:
    """A parameter without a declaration would reload as its default: refused at registration, named."""
    where = rf"^dist: register\({cls.__name__}\) in the {kind} hook: "
    with pytest.raises(registry.InvalidRegistration, match=where + message):
        make_entry(kind, cls, None, "dist", "1.0")


def test_runtime_arguments_of_each_kind_are_not_configuration() -> None:
    """An optimizer's params, a scheduler's optimizer and a module's dtype/device pass registration unnamed."""
    for kind, cls in (("optimizer", minidl.SGD), ("scheduler", minidl.ReduceLROnPlateau), ("module", minidl.Linear)):
        make_entry(kind, cls, None, "dist", "1.0")
        assert not {"params", "optimizer", "dtype", "device"} & {f.name for f in registry.fields(kind, cls.__name__)}


def test_a_strict_switch_that_is_neither_0_nor_1_is_refused(plugin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``MINIDL_STRICT_PLUGINS=false`` meant strict; now it is refused, as every on/off variable is."""
    monkeypatch.setenv("MINIDL_STRICT_PLUGINS", "false")
    registry.reload()
    with pytest.raises(minidl.ConfigError, match=r"^MINIDL_STRICT_PLUGINS: expected 0 or 1, got 'false'$"):
        registry.names("module")
