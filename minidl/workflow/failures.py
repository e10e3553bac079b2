"""Naming the component that failed: an exception from inside a module, loss, optimizer, scheduler, initializer
or data set becomes a ComponentError with the component's place in the spec, its id and its provider.

The training step is not slowed: ``with Watch(...)`` around a whole loop costs nothing until something
raises, and the failed component is found afterwards, in the traceback: the outermost frame whose
``self`` is one of the watched components (for a Sequential, the layer its loop was running).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

import torch

from minidl import registry
from minidl.components.modules.sequential import Sequential
from minidl.core.errors import (
    ComponentError,
    ConfigError,
    MinidlError,
    ResourceError,
    ShapeError,
    is_out_of_memory,
    one_line,
)

Watched = Sequence[tuple[Any, str, str]]
"""``(component, kind, place)`` triples, e.g. ``(loss, "loss", "spec.training.loss")``."""


def component_error(kind: str, component: Any, where: str, stage: str, error: BaseException) -> ComponentError:
    """The error for ``component`` (an object, or a registered id) failing at ``where`` while doing ``stage``."""
    try:
        name = component if isinstance(component, str) else registry.id_of(kind, component)
        provider = registry.provider(kind, name)
        source = f"{provider['distribution']} {provider['version']}"
    except MinidlError:  # a class made in Python and never registered
        name, source = f"{type(component).__module__}.{type(component).__qualname__}", "an unregistered class"
    return ComponentError(where, name, source, stage, one_line(error))


def locate(error: BaseException, watched: Watched) -> ComponentError | None:
    """The ComponentError for the watched component that ``error`` was raised in, or None when it was none of them."""
    tb = error.__traceback__
    while tb is not None:
        frame, tb = tb.tb_frame, tb.tb_next
        owner = frame.f_locals.get("self")
        if owner is None:  # a plain function's frame (the training step): no component of its own
            continue
        for component, kind, where in watched:
            if owner is not component:
                continue
            index = component.running_layer(frame) if isinstance(component, Sequential) else None
            stage = frame.f_code.co_name
            if index is not None and stage == "backward":
                given = frame.f_locals.get("grad_output")  # what the failed layer was handed
                blamed, found = _wrong_gradient(component, _batch_of(component, error), index, given)
                loss = next(((c, w) for c, k, w in watched if k == "loss"), None)
                if blamed == _LOSS and loss is not None:
                    return component_error("loss", loss[0], loss[1], "backward", found)
                if found is not None and blamed != _LOSS:
                    index, error = blamed, found
            if index is not None:
                component, where = component[index], f"{where}.layers[{index}]"
            return component_error(kind, component, where, stage, error)
    return None


def _batch_of(model: Sequential, error: BaseException) -> torch.Tensor | None:
    """The input batch of the step that failed: the ``x`` beside ``model`` in a frame of the traceback."""
    tb = error.__traceback__
    while tb is not None:
        names = tb.tb_frame.f_locals
        if names.get("model") is model and isinstance(names.get("x"), torch.Tensor):
            return names["x"]
        tb = tb.tb_next
    return None


_LOSS = -1
"""What ``_wrong_gradient`` blames when the loss handed the network a gradient of the wrong shape."""


def _wrong_gradient(model: Sequential, x: torch.Tensor | None, index: int, given: Any) -> tuple[int, ShapeError | None]:
    """Who to blame for a backward failure at layer ``index`` that was handed the gradient ``given``: the loss
    (``_LOSS``) or a layer above whose backward returned a gradient of another shape than its input or the
    prediction (the layer that failed only choked on it), with what it did; ``(index, None)`` when none did.

    Found after the failure, on a copy of the model and with torch's generators restored, so nothing changes.
    """
    if x is None:
        return index, None
    try:
        with torch.random.fork_rng(devices=[x.device] if x.device.type == "cuda" else []):
            layers = copy.deepcopy(list(model))
            inputs = [x]
            for layer in layers:
                inputs.append(layer.forward(inputs[-1]))
            if index == len(layers) - 1 and isinstance(given, torch.Tensor) and given.shape != inputs[-1].shape:
                return _LOSS, _mismatch(given, inputs[-1], "a prediction")
            grad = torch.ones_like(inputs[-1])
            for above in range(len(layers) - 1, index, -1):
                returned = layers[above].backward(grad)
                if returned.shape != inputs[above].shape:
                    return above, _mismatch(returned, inputs[above], "an input")
                grad = returned
    except Exception:  # the diagnosis failed too: keep what was seen
        pass
    return index, None


def _mismatch(gradient: torch.Tensor, value: torch.Tensor, what: str) -> ShapeError:
    return ShapeError(
        f"backward returned a gradient of shape {tuple(gradient.shape)} for {what} of shape {tuple(value.shape)}"
    )


class Watch:
    """A reusable ``with`` block: exceptions from the watched components leave it as ComponentErrors naming them.

    A failed allocation outside them becomes a ResourceError saying what was ``doing``; anything else (a bug
    of minidl's own) passes unchanged. ``watched`` is called only after a failure, so it sees the
    components as they are then.
    """

    def __init__(self, watched: Callable[[], Watched], doing: str) -> None:
        self.watched, self.doing = watched, doing

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if not isinstance(error, Exception) or isinstance(error, (ComponentError, ResourceError)):
            return
        failure = locate(error, self.watched())
        if failure is not None:
            raise failure from error
        if is_out_of_memory(error):
            raise ResourceError(f"out of memory while {self.doing}: {one_line(error)}") from error


def build(kind: str, ref: dict[str, Any], where: str, *runtime_args: Any) -> Any:
    """A component of a normalised spec; an exception from its constructor is a ComponentError at ``where``."""
    try:
        component = registry.create_at(f"{where}.config", kind, ref["component"], ref["config"], *runtime_args)
    except Exception as error:
        raise component_error(kind, ref["component"], where, "constructor", error) from error
    try:
        _holds_its_config(component, ref["config"])
    except Exception as error:
        raise component_error(kind, ref["component"], where, "get_config", error) from error
    return component


def _holds_its_config(component: Any, given: dict[str, Any]) -> None:
    """Raise ConfigError unless the new ``component`` reports the configuration it was built with.

    What ``get_config`` reports is what files save: a component that keeps a declared value under another name, in
    another type or changed would otherwise train and then fail to save, or save a different model.
    """
    held = component.get_config()
    for name, value in given.items():
        if _plain(held[name]) != _plain(value):
            raise ConfigError(
                f"{type(component).__name__}.{name}: built with {value!r}, the object holds {held[name]!r} "
                f"(keep each declared value as given in self.{name}: it is what files save)"
            )


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
