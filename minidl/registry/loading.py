"""Finding and loading plugins from the ``minidl`` entry-point group, one distribution at a time.

Each distribution loads inside its own try/except: an import error, an exception in a hook or an
invalid registration marks that distribution ``failed`` (one warning naming it and the error) and
the rest load. A distribution's registrations are kept only if all of its hooks succeed.

Environment switches:
  MINIDL_STRICT_PLUGINS=1      any plugin failure raises PluginError (for plugin authors and CI)
  MINIDL_LOAD_PLUGINS=a,b      load only these distributions (empty: built-ins only)
  MINIDL_DISABLE_PLUGINS=a,b   never load these distributions
"""

from __future__ import annotations

import importlib.metadata as metadata
import os
import re
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from minidl.core.errors import MinidlError
from minidl.registry import hookspecs
from minidl.registry.catalog import KINDS, Entry, make_entry
from minidl.version import __version__

GROUP = "minidl"
BUILTIN_DISTRIBUTION = "minidl"
HOOK_OF_KIND = {
    "module": "register_modules",
    "loss": "register_losses",
    "initializer": "register_initializers",
    "optimizer": "register_optimizers",
    "scheduler": "register_schedulers",
    "dataset": "register_datasets",
}


class PluginError(MinidlError, RuntimeError):
    """A plugin failed to load while MINIDL_STRICT_PLUGINS=1."""


class PluginWarning(UserWarning):
    """A plugin failed to load and was skipped."""


@dataclass
class PluginInfo:
    """What happened to one distribution: loaded, failed, blocked or incompatible."""

    distribution: str
    version: str
    status: str
    error: str = ""
    components: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "error": self.error,
            "components": sorted(self.components),
        }


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): lower case, runs of -_. become -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {canonical(n.strip()) for n in value.split(",") if n.strip()}


def _entry_points() -> dict[str, tuple[str, list[metadata.EntryPoint]]]:
    """Entry points of the group by distribution (deduplicated: a path seen twice yields each once)."""
    found: dict[str, tuple[str, list[metadata.EntryPoint]]] = {}
    for ep in metadata.entry_points(group=GROUP):
        dist = ep.dist
        name = canonical(dist.metadata["Name"]) if dist is not None else canonical(ep.name)
        version = dist.version if dist is not None else "unknown"
        _, eps = found.setdefault(name, (version, []))
        if all(e.value != ep.value for e in eps):
            eps.append(ep)
    return found


def load_plugins() -> tuple[list[Entry], list[PluginInfo]]:
    """Load the built-ins and every allowed plugin; return all registrations and a status per distribution."""
    strict = os.environ.get("MINIDL_STRICT_PLUGINS", "") not in ("", "0")
    only = _names_from_env("MINIDL_LOAD_PLUGINS")
    disabled = _names_from_env("MINIDL_DISABLE_PLUGINS") or set()
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    found = _entry_points()
    if BUILTIN_DISTRIBUTION not in found:  # a source checkout that is not installed
        found[BUILTIN_DISTRIBUTION] = (__version__, [])
    entries: list[Entry] = []
    infos: list[PluginInfo] = []
    for distribution in sorted(found):
        version, eps = found[distribution]
        info = PluginInfo(distribution, version, "loaded")
        infos.append(info)
        builtin = distribution == BUILTIN_DISTRIBUTION
        if not builtin and (distribution in disabled or (only is not None and distribution not in only)):
            info.status = "blocked"
            continue
        try:
            modules = [_builtin_module()] if builtin and not eps else [ep.load() for ep in eps]
            registered = _register_all(manager, distribution, version, modules, info)
        except Exception as error:
            info.status = "failed" if info.status == "loaded" else info.status
            info.error = f"{type(error).__name__}: {error}"
            message = f"minidl plugin {distribution} {version} {info.status}: {info.error}"
            if strict:
                raise PluginError(message) from error
            warnings.warn(message, PluginWarning, stacklevel=3)
            continue
        entries.extend(registered)
        info.components = [f"{e.kind}:{e.id}" for e in registered]
    return entries, infos


def _builtin_module() -> ModuleType:
    from minidl.registry import builtins

    return builtins


class IncompatiblePlugin(Exception):
    """Raised internally for a plugin written against another plugin API version."""


def _register_all(
    manager: pluggy.PluginManager, distribution: str, version: str, modules: list[Any], info: PluginInfo
) -> list[Entry]:
    staged: list[Entry] = []
    for module in modules:
        api = getattr(module, "MINIDL_PLUGIN_API", hookspecs.PLUGIN_API)
        if api != hookspecs.PLUGIN_API:
            info.status = "incompatible"
            raise IncompatiblePlugin(
                f"written for minidl plugin API {api!r}, this minidl supports API {hookspecs.PLUGIN_API} "
                f"(minidl {__version__}); install a release of {distribution} made for it"
            )
        manager.register(module, name=f"{distribution}:{getattr(module, '__name__', id(module))}")
        for kind in KINDS:
            for impl in getattr(manager.hook, HOOK_OF_KIND[kind]).get_hookimpls():
                if impl.plugin is module:
                    impl.function(register=_collector(kind, distribution, version, staged))
    return _deduplicate(staged)


def _collector(kind: str, distribution: str, version: str, staged: list[Entry]) -> hookspecs.Register:
    def register(cls: Any, name: str | None = None) -> None:
        staged.append(make_entry(kind, cls, name, distribution, version))

    return register


def _deduplicate(staged: list[Entry]) -> list[Entry]:
    """Registering the identical object twice is harmless; one name for two objects is an error."""
    seen: dict[tuple[str, str], Entry] = {}
    for entry in staged:
        key = (entry.kind, entry.name)
        if key in seen and seen[key].cls is not entry.cls:
            raise ValueError(f"registers two different {entry.kind}s under the name {entry.name!r}")
        seen[key] = entry
    return list(seen.values())
