"""The component registry: every module, loss, initializer, optimizer, scheduler and data set.

Plugins are loaded on first use, once (``import minidl`` loads none). Lookups accept a qualified id
``<distribution>:<name>`` or a short name that only one distribution provides::

    from minidl import registry
    registry.names("module")                      # ['Dropout', 'Linear', 'ReLU', 'Tanh', ...]
    registry.describe("optimizer", "Adam")        # parameter schema: types, defaults, bounds, help
    registry.create("module", "Dropout", p=0.1)   # validated against the declaration
    registry.provider("module", "Linear")         # {'distribution': 'minidl', 'version': ...}
"""

from __future__ import annotations

import threading
from typing import Any

from minidl.core.config import Field
from minidl.registry.catalog import (
    KINDS,
    AmbiguousComponent,
    Catalog,
    ComponentNotFound,
    Entry,
    InvalidRegistration,
)
from minidl.registry.hookspecs import PLUGIN_API, Register, hookimpl
from minidl.registry.loading import PluginError, PluginInfo, PluginWarning, load_plugins, loading_now
from minidl.registry.text import plain_text

__all__ = [
    "KINDS",
    "PLUGIN_API",
    "AmbiguousComponent",
    "ComponentNotFound",
    "Entry",
    "InvalidRegistration",
    "PluginError",
    "PluginInfo",
    "PluginWarning",
    "Register",
    "catalog",
    "create",
    "create_at",
    "describe",
    "entry",
    "fields",
    "get",
    "hookimpl",
    "id_of",
    "names",
    "plain_text",
    "plugins",
    "provider",
    "reload",
    "unavailable",
]

_lock = threading.Lock()
_state: tuple[Catalog, list[PluginInfo]] | None = None


def _loaded() -> tuple[Catalog, list[PluginInfo]]:
    global _state
    if _state is None:
        _refuse_while_loading()
        with _lock:
            if _state is None:
                entries, infos = load_plugins()
                why = {
                    i.distribution: f"{i.distribution} {i.version} is installed but {i.status}: {i.error}"
                    for i in infos
                    if i.status != "loaded"
                }
                _state = (Catalog(entries, why), infos)
    return _state


def _refuse_while_loading() -> None:
    """A plugin that looks the registry up while it is imported (or in a hook) would wait for itself forever."""
    loading = loading_now()
    if loading is not None:
        raise PluginError(
            f"minidl plugin {loading or '(unknown)'} used the registry while plugins were loading (at import or in "
            "a hook); the registry is ready once every plugin has loaded: look components up when they are used"
        )


def catalog() -> Catalog:
    """The loaded catalog (loads plugins on first call)."""
    return _loaded()[0]


def reload() -> None:
    """Forget what was loaded; the next lookup discovers plugins again (after installing one, in tests)."""
    global _state
    _refuse_while_loading()
    with _lock:
        _state = None


def plugins() -> list[PluginInfo]:
    """Every distribution seen in the ``minidl`` entry-point group, sorted by name: its status, why it did not
    load, where it broke and what it printed while loading (all plain text)."""
    return list(_loaded()[1])


def names(kind: str, qualified: bool = False) -> list[str]:
    """Sorted names of the components of ``kind`` (one of ``KINDS``)."""
    return catalog().names(kind, qualified)


def entry(kind: str, name: str) -> Entry:
    return catalog().entry(kind, name)


def get(kind: str, name: str) -> type:
    """The class registered under ``name`` (qualified id or unique short name)."""
    return catalog().entry(kind, name).cls


def create(kind: str, name: str, /, *runtime_args: Any, **config: Any) -> Any:
    """Build a component; ``runtime_args`` are non-configuration arguments (an optimizer's parameters).

    ``kind`` and ``name`` are positional-only, so a component may have parameters of any name.
    """
    return catalog().create(kind, name, runtime_args, config)


def create_at(where: str, kind: str, name: str, config: dict[str, Any], *runtime_args: Any) -> Any:
    """:func:`create`, with configuration errors located at ``where`` (a place in a spec or file)."""
    return catalog().create(kind, name, runtime_args, config, where=where)


def fields(kind: str, name: str) -> tuple[Field, ...]:
    """The component's configuration fields (for forms and validation)."""
    return catalog().fields(kind, name)


def describe(kind: str, name: str) -> dict[str, Any]:
    """Id, provider, summary and parameter schema of a component, as plain data."""
    return catalog().describe(kind, name)


def unavailable(distribution: str) -> str:
    """Why an installed distribution provides no components: it failed, is blocked or incompatible, and how.

    "" when it loaded or is not installed (then installing it is the remedy).
    """
    return catalog().unavailable(distribution)


def provider(kind: str, name: str) -> dict[str, str]:
    """The distribution and version that provide a component."""
    return catalog().entry(kind, name).provider()


def id_of(kind: str, obj: Any) -> str:
    """The qualified id of the registered class of ``obj`` (for saving it)."""
    return catalog().id_of(kind, obj)
