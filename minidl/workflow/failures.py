"""Naming the component that failed: an exception from inside a module, loss, optimizer, scheduler, initializer
or data set becomes a ComponentError with the component's place in the spec, its id and its provider.

The training step is not slowed: ``with Watch(...)`` around a whole loop costs nothing until something
raises, and the failed component is found afterwards, in the traceback: the outermost frame whose
``self`` is one of the watched components (for a Sequential, the layer its loop was running).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from minidl import registry
from minidl.components.modules.sequential import Sequential
from minidl.core.errors import ComponentError, MinidlError, ResourceError, is_out_of_memory, one_line

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
            if index is not None:
                component, where = component[index], f"{where}.layers[{index}]"
            return component_error(kind, component, where, frame.f_code.co_name, error)
    return None


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
        return registry.create_at(f"{where}.config", kind, ref["component"], ref["config"], *runtime_args)
    except Exception as error:
        raise component_error(kind, ref["component"], where, "constructor", error) from error
