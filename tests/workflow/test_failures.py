"""An exception from inside a component, wherever it runs, is a ComponentError naming its place, id and provider."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

import minidl
from minidl.core.errors import ComponentError, ResourceError, is_out_of_memory, one_line
from minidl.workflow.failures import Watch
from tests import faulty_plugin
from tests.faulty_plugin import small_spec

PROVIDER = f"minidl-faulty:{{}} from minidl-faulty {faulty_plugin.VERSION}"


@pytest.fixture(autouse=True)
def faulty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with faulty_plugin.install(tmp_path, monkeypatch):
        yield


def faulty_layer(fail: str) -> dict:
    return {"component": "Faulty", "config": {"fail": fail}}


@pytest.mark.parametrize(
    "fail,stage,detail",
    [
        ("constructor", "constructor", "ZeroDivisionError: the constructor failed"),
        ("reset_parameters", "initialising with minidl:default", "IndexError: no such dimension"),
        ("train_forward", "forward", "ValueError: the forward failed"),  # only the first line of the message
        ("eval_forward", "forward", "ValueError: the forward failed"),  # the trial batch before training
        ("backward", "backward", "KeyError: 'the backward failed'"),
        # was blamed on the next Linear: "mat1 and mat2 must have the same dtype"
        (
            "dtype",
            "forward",
            "TypeError: forward returned a float64 tensor on cpu for a float32 input on cpu: keep the "
            "input's dtype and device",
        ),
        # was blamed on the Linear below, which failed on the wrong gradient
        (
            "gradient_shape",
            "backward",
            "ShapeError: backward returned a gradient of shape (10, 1) for an input of shape (10, 4)",
        ),
    ],
)
def test_a_failing_layer_is_named(fail: str, stage: str, detail: str) -> None:
    with pytest.raises(ComponentError) as caught:
        minidl.build_trainer(small_spec(faulty_layer(fail))).fit()
    where = f"spec.model.layers[1] ({PROVIDER.format('Faulty')})"
    assert str(caught.value) == f"{where}: {stage} raised {detail}"
    assert caught.value.where == "spec.model.layers[1]" and caught.value.stage == stage
    assert isinstance(
        caught.value.__cause__, (ZeroDivisionError, IndexError, ValueError, KeyError, RuntimeError, TypeError)
    )


@pytest.mark.parametrize(
    "edit,where,component,stage",
    [
        (lambda t: t.update(loss={"component": "FaultyLoss"}), "spec.training.loss", "FaultyLoss", "backward"),
        (lambda t: t.update(optimizer={"component": "FaultySGD"}), "spec.training.optimizer", "FaultySGD", "step"),
        (
            lambda t: t.update(scheduler={"component": "FaultyScheduler"}),
            "spec.training.scheduler",
            "FaultyScheduler",
            "step",
        ),
        (
            lambda t: t.update(dataset={"component": "faulty_circle", "config": {"n_train": 40, "n_test": 20}}),
            "spec.training.dataset",
            "faulty_circle",
            "load",
        ),
    ],
    ids=["loss", "optimizer", "scheduler", "dataset"],
)
def test_a_failing_training_component_is_named(edit, where: str, component: str, stage: str) -> None:
    spec = small_spec()
    edit(spec["training"])
    with pytest.raises(ComponentError, match=rf"^{where} \({PROVIDER.format(component)}\): {stage} raised "):
        minidl.build_trainer(spec).fit()


def test_a_loss_returning_a_gradient_of_the_wrong_shape_is_named_not_the_last_layer() -> None:
    spec = small_spec(loss={"component": "NarrowLoss"})
    with pytest.raises(ComponentError) as caught:
        minidl.build_trainer(spec).fit()
    assert str(caught.value) == (
        f"spec.training.loss ({PROVIDER.format('NarrowLoss')}): backward raised ShapeError: backward returned a "
        "gradient of shape (10, 1) for a prediction of shape (10, 2)"
    )


def test_a_layer_not_holding_its_configuration_is_named_before_any_training() -> None:
    # such a layer trained, then failed to save (or saved another model) at the end of the run
    with pytest.raises(ComponentError) as caught:
        minidl.build_trainer(small_spec({"component": "Doubling", "config": {"factor": 1.5}}))
    assert str(caught.value).startswith(
        f"spec.model.layers[1] ({PROVIDER.format('Doubling')}): get_config raised ConfigError: "
        "Doubling.factor: built with 1.5, the object holds 3.0"
    )


def test_an_optimizer_replacing_the_tensors_it_updates_is_refused_before_training() -> None:
    spec = small_spec(optimizer={"component": "ReplacingSGD", "config": {"lr": 0.1}})
    with pytest.raises(ComponentError) as caught:
        minidl.build_trainer(spec)
    assert str(caught.value).startswith(
        f"spec.training.optimizer ({PROVIDER.format('ReplacingSGD')}): a trial step in float32, before training, "
        "raised ConfigError: step replaced parameter 0's value tensor instead of updating it in place"
    )


def test_a_failing_initializer_is_named_with_the_layer_it_failed_on() -> None:
    spec = small_spec()
    spec["model"]["init"] = {"component": "faulty_init"}
    with pytest.raises(ComponentError) as caught:
        minidl.build_model(spec)
    assert str(caught.value) == (
        "spec.model.layers[0] (minidl:Linear from minidl "
        f"{minidl.__version__}): initialising with minidl-faulty:faulty_init raised ValueError: the initializer failed"
    )


def test_an_optimizer_failing_its_trial_step_is_refused_before_the_model_is_built(monkeypatch) -> None:
    spec = small_spec(optimizer={"component": "FaultySGD", "config": {"fail_at": 1}})
    monkeypatch.setattr("minidl.workflow.run.fresh_model", lambda *a: pytest.fail("the model was built"))
    with pytest.raises(ComponentError, match=r"a trial step in float32, before training, raised ArithmeticError"):
        minidl.build_trainer(spec)


def test_a_layer_failing_mid_training_keeps_the_epochs_already_done() -> None:
    trainer = minidl.build_trainer(small_spec(faulty_layer("none"), epochs=5))
    trainer.fit(2)
    trainer.model[1].fail = "backward"
    with pytest.raises(ComponentError, match=r"spec.model.layers\[1\] .*: backward raised KeyError"):
        trainer.fit()
    assert trainer.epoch == 2 and trainer.diverged is None


class Broken(minidl.Module):
    def forward(self, x):
        return x.view(-1, 7)  # fails inside torch, below this frame

    def backward(self, g):
        return g


def test_classes_made_in_python_are_named_by_their_python_name() -> None:
    data = minidl.Circle(n_train=10, n_test=10).load(0)
    model = minidl.Sequential(minidl.Linear(2, 2), minidl.ReLU(), Broken())
    trainer = minidl.Trainer(model, minidl.CrossEntropyLoss(), minidl.SGD(model.param()), data, epochs=1)
    with pytest.raises(ComponentError) as caught:
        trainer.fit()
    where = "spec.model.layers[2] (tests.workflow.test_failures.Broken from an unregistered class)"
    assert str(caught.value).startswith(f"{where}: forward raised RuntimeError: shape '[-1, 7]' is invalid")


def test_running_layer_finds_the_layer_whose_call_failed() -> None:
    relu = minidl.ReLU()
    model = minidl.Sequential(minidl.Linear(2, 3), relu, minidl.Linear(4, 1), relu)
    with pytest.raises(minidl.ShapeError) as caught:
        model(torch.zeros(5, 2))
    frames = []
    tb = caught.value.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    assert [model.running_layer(f) for f in frames if f.f_locals.get("self") is model] == [2]
    assert model.running_layer(frames[0]) is None  # not one of its forward/backward frames


def test_component_errors_pickle_and_report_in_one_line() -> None:
    error = ComponentError("spec.model.layers[0]", "x:Y", "x 1.0", "forward", one_line(ValueError("a\x1b[2Jb\nc")))
    assert str(error) == "spec.model.layers[0] (x:Y from x 1.0): forward raised ValueError: a\\x1b[2Jb"
    assert str(pickle.loads(pickle.dumps(error))) == str(error)  # crosses process pools (minidl experiments)
    assert isinstance(error, minidl.MinidlError)
    assert one_line(KeyError()) == "KeyError"


def test_allocation_failures_outside_components_are_resource_errors() -> None:
    assert is_out_of_memory(MemoryError()) and is_out_of_memory(torch.OutOfMemoryError("Failed to alloc"))
    assert is_out_of_memory(RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 9 bytes"))
    assert not is_out_of_memory(RuntimeError("shape mismatch"))
    with pytest.raises(ResourceError, match=r"^out of memory while testing: MemoryError: full$"):  # noqa: SIM117
        with Watch(list, "testing"):
            raise MemoryError("full")
    with pytest.raises(ZeroDivisionError), Watch(list, "testing"):  # minidl's own bugs keep their traceback
        raise ZeroDivisionError
