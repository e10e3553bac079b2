"""Saving and loading gives back the same architecture, configs and weights, bit for bit."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from minidl import registry
from minidl.workflow.files.model import model_tensors
from tests.registry.fake_plugins import make_distribution
from tests.workflow.files.helpers import save_checkpoint, tiny_spec


def bits(t: torch.Tensor) -> bytes:
    return t.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_model_round_trip_is_bit_identical(tmp_path: Path, dtype: str) -> None:
    spec = tiny_spec(dtype=dtype, dropout=True)
    model = minidl.build_model(spec, seed=7)
    minidl.save(model, tmp_path / "m.minidl", training=spec["training"])
    loaded = minidl.load(tmp_path / "m.minidl")

    assert loaded.kind == "model" and loaded.state is None
    assert loaded.spec == minidl.workflow.spec.normalize(spec)
    assert [type(a) for a in loaded.model] == [type(b) for b in model]
    assert [a.get_config() for a in loaded.model] == [b.get_config() for b in model]
    for a, b in zip(loaded.model.param(), model.param()):
        assert a.value.dtype == b.value.dtype == getattr(torch, dtype)
        assert bits(a.value) == bits(b.value)
        assert not a.grad.any()
    x = torch.rand(64, 2, dtype=getattr(torch, dtype))
    assert bits(loaded.model.eval()(x)) == bits(model.eval()(x))


def test_producer_lists_every_component_and_its_distribution(tmp_path: Path) -> None:
    spec = tiny_spec()
    minidl.save(minidl.build_model(spec), tmp_path / "m.minidl", training=spec["training"])
    producer = minidl.load(tmp_path / "m.minidl").producer
    assert producer["minidl"] == minidl.__version__
    ids = {(c["kind"], c["id"]) for c in producer["components"]}
    assert ("module", "minidl:Linear") in ids and ("optimizer", "minidl:Adam") in ids
    assert all(c["distribution"] == "minidl" for c in producer["components"])


def test_model_without_training_cannot_make_a_trainer(tmp_path: Path) -> None:
    minidl.save(minidl.Sequential(minidl.Linear(2, 2)), tmp_path / "m.minidl")
    loaded = minidl.load(tmp_path / "m.minidl")
    assert loaded.spec["training"] is None
    with pytest.raises(minidl.ConfigError, match="no training setup"):
        minidl.Run.from_file(loaded)
    with pytest.raises(minidl.ConfigError):
        minidl.resume(tmp_path / "m.minidl")


def test_model_with_training_makes_a_fresh_trainer_on_the_loaded_weights(tmp_path: Path) -> None:
    spec = tiny_spec()
    model = minidl.build_model(spec, seed=5)
    minidl.save(model, tmp_path / "m.minidl", training=spec["training"])
    trainer = minidl.resume(tmp_path / "m.minidl").trainer
    assert trainer.epoch == 0
    assert all(torch.equal(a.value, b.value) for a, b in zip(trainer.model.param(), model.param()))


def test_spec_file_builds_a_freshly_initialised_seeded_model(tmp_path: Path) -> None:
    spec = tiny_spec(seed=11)
    minidl.save_spec(spec, tmp_path / "s.minidl")
    loaded = minidl.load(tmp_path / "s.minidl")
    assert loaded.kind == "spec"
    expected = minidl.build_model(spec, seed=11)
    assert all(torch.equal(a.value, b.value) for a, b in zip(loaded.model.param(), expected.param()))


def test_checkpoint_holds_the_training_state(tmp_path: Path) -> None:
    loaded = minidl.load(save_checkpoint(tmp_path / "c.minidl", epochs=2))
    assert loaded.kind == "checkpoint"
    assert len(loaded.state.history) == 2 and loaded.state.optimizer.steps > 0
    assert loaded.state.rng["torch"].dtype == torch.uint8


def test_save_refuses_what_it_cannot_describe(tmp_path: Path) -> None:
    with pytest.raises(minidl.ConfigError, match="Sequential"):
        minidl.save(minidl.Linear(2, 2), tmp_path / "m.minidl")
    with pytest.raises(minidl.ConfigError, match="float32 or float64"):
        minidl.save(minidl.Sequential(minidl.Linear(2, 2)).to(dtype=torch.float16), tmp_path / "m.minidl")
    with pytest.raises(minidl.ConfigError):
        minidl.save(minidl.Sequential(minidl.Linear(2, 2)), tmp_path / "m.minidl", training={"epochs": 0})
    # an unregistered layer or a nested Sequential is named at its place (it said "register it through a plugin hook")
    nested = minidl.Sequential(minidl.Linear(2, 2), minidl.Sequential(minidl.ReLU(), minidl.Linear(2, 2)))
    with pytest.raises(minidl.ConfigError, match=r"^save: layers\[1\] is a Sequential: a file holds one flat list"):
        minidl.save(nested, tmp_path / "m.minidl")

    class Doubling(minidl.Elementwise):
        def function(self, x: torch.Tensor) -> torch.Tensor:
            return 2 * x

        def derivative(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
            return torch.full_like(x, 2.0)

    with pytest.raises(registry.ComponentNotFound, match=r"^save: layers\[1\]: Doubling is not a registered module"):
        minidl.save(minidl.Sequential(minidl.Linear(2, 2), Doubling()), tmp_path / "m.minidl")
    assert list(tmp_path.iterdir()) == []


def test_a_loaded_model_is_ready_to_predict(tmp_path: Path) -> None:
    """Evaluation mode after loading; training switches modes itself (test_files_resume: a checkpoint with
    Dropout, loaded in evaluation mode, resumes bit for bit)."""
    spec = tiny_spec(dropout=True)
    minidl.save(minidl.build_model(spec, seed=2), tmp_path / "m.minidl", training=spec["training"])
    minidl.save_spec(spec, tmp_path / "s.minidl")
    for path in (tmp_path / "m.minidl", tmp_path / "s.minidl", save_checkpoint(tmp_path / "c.minidl")):
        loaded = minidl.load(path)
        assert not any(m.training for m in loaded.model.modules()), path.name
        x = torch.rand(32, 2)
        assert torch.equal(loaded.model(x), loaded.model(x)), path.name  # Dropout is off: predictions repeat


def test_a_file_holds_the_values_the_model_runs_with(tmp_path: Path) -> None:
    """``d.p = 0.1`` trains with 0.1, so the file says 0.1; an invalid value is refused, naming it, before writing."""
    model = minidl.Sequential(minidl.Linear(2, 4), minidl.Dropout(0.5), minidl.Linear(4, 2))
    model[1].p = 0.1
    path = tmp_path / "m.minidl"
    minidl.save(model, path)
    assert minidl.load(path).model[1].p == 0.1
    before = path.read_bytes()
    model[1].p = 1.5
    with pytest.raises(minidl.ConfigError, match=r"Dropout\.p: expected float >= 0 and < 1, got 1\.5"):
        minidl.save(model, path)
    assert path.read_bytes() == before


NESTED_PLUGIN = """
    from typing import Annotated
    import minidl
    from minidl.registry import hookimpl

    class TwoLinear(minidl.Module):
        def __init__(self, width: Annotated[int, minidl.Param(ge=1)] = 3):
            super().__init__()
            self.width = width
            self.first, self.second = minidl.Linear(width, width), minidl.Linear(width, width)
        def children(self): return [self.first, self.second]
        def forward(self, x): return self.second(self.first(x))
        def backward(self, g): return self.first.backward(self.second.backward(g))

    @hookimpl
    def register_modules(register):
        register(TwoLinear)
"""


def test_a_layer_made_of_layers_keeps_their_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tensors are named ``layers.<i>.<PyTorch's name in the layer>``: a plugin layer's sub-layers are saved too
    (they were left out, and came back as uninitialised memory)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    make_distribution(tmp_path, "minidl-nested", "1.0", "minidl_nested", NESTED_PLUGIN)
    registry.reload()
    try:
        layers = [{"component": "Linear", "config": {"in_features": 2, "out_features": 3}}, {"component": "TwoLinear"}]
        model = minidl.build_model({"model": {"layers": layers}}, seed=0)
        inner = [f"layers.1.{child}.{name}" for child in ("first", "second") for name in ("weight", "bias")]
        assert list(model_tensors(model)) == ["layers.0.weight", "layers.0.bias", *inner]
        minidl.save(model, tmp_path / "m.minidl")
        for a, b in zip(minidl.load(tmp_path / "m.minidl").model.param(), model.param(), strict=True):
            assert bits(a.value) == bits(b.value)
    finally:
        registry.reload()


def test_a_checkpoints_state_is_checked_once_by_the_objects_that_resume_it(tmp_path: Path, monkeypatch) -> None:
    """Loading and resuming built the optimizer and scheduler three times (a check, a throwaway, the run's)."""
    path = save_checkpoint(tmp_path / "c.minidl")
    loads: list[str] = []

    def counted(original):
        def load_state_dict(self, state):
            loads.append(type(self).__name__)
            return original(self, state)

        return load_state_dict

    for cls in (minidl.Adam, minidl.ReduceLROnPlateau):
        monkeypatch.setattr(cls, "load_state_dict", counted(cls.load_state_dict))
    loaded = minidl.load(path)
    run = minidl.Run.from_file(loaded)
    assert loads == ["Adam", "ReduceLROnPlateau"]
    assert run.trainer.optimizer is loaded.state.optimizer and run.trainer.scheduler is loaded.state.scheduler
    assert run.history == loaded.state.history and len(run.fit()) == 4
