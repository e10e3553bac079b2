"""Loading plugins from the ``minidl`` entry-point group, one distribution at a time, none able to take the host down.

Whatever a distribution does while it is imported or while its hooks run (raise any exception,
``SystemExit`` included, register something invalid, return something from a hook, leave a thread
running, print, look the registry up), it is marked ``failed`` with its reason, its file and line, and
what it printed, and the rest load; only Ctrl-C (``KeyboardInterrupt``, the user's) goes through. A slow
one is named on stderr while it loads (``load_watch.py``). A distribution's registrations are kept only if
all of its hooks succeed.

Environment switches:
  MINIDL_STRICT_PLUGINS=1      any plugin failure raises PluginError with the plugin's traceback (for plugin authors)
  MINIDL_LOAD_PLUGINS=a,b      load only these distributions (empty: built-ins only)
  MINIDL_DISABLE_PLUGINS=a,b   never load these distributions
"""

from __future__ import annotations

import inspect
import linecache
import os
import sys
import threading
import warnings
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from minidl.core.environment import switch
from minidl.core.errors import MinidlError
from minidl.registry import hookspecs
from minidl.registry.capture import Captured, captured_output
from minidl.registry.catalog import KINDS, Entry, make_entry
from minidl.registry.discovery import BUILTIN_DISTRIBUTION, Found, canonical, find_distributions
from minidl.registry.failures import PluginWarning, plugin_frame, plugin_roots, plugin_traceback, warn_at
from minidl.registry.load_watch import watch_load
from minidl.registry.text import error_text, plain_text
from minidl.version import __version__

HOOK_OF_KIND = {
    "module": "register_modules",
    "loss": "register_losses",
    "initializer": "register_initializers",
    "optimizer": "register_optimizers",
    "scheduler": "register_schedulers",
    "dataset": "register_datasets",
}

__all__ = ["PluginError", "PluginInfo", "PluginWarning", "load_plugins", "loading_now"]


class PluginError(MinidlError, RuntimeError):
    """A plugin failed to load while MINIDL_STRICT_PLUGINS=1, or used the registry while plugins were loading."""


@dataclass
class PluginInfo:
    """What happened to one distribution: ``loaded``, ``failed``, ``blocked`` or ``incompatible``.

    ``error`` says why it is not loaded (the exception, or the variable that blocked it), ``location``
    where in the plugin it broke (``path:line``), ``output`` what it printed while loading. All plain text.
    """

    distribution: str
    version: str
    status: str
    error: str = ""
    components: list[str] = field(default_factory=list)
    location: str = ""
    output: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "error": self.error,
            "location": self.location,
            "output": self.output,
            "components": sorted(self.components),
        }


_loading = threading.local()


def loading_now() -> str | None:
    """The distribution this thread is loading ("" between distributions), or None when it is not loading plugins."""
    return getattr(_loading, "distribution", None)


@dataclass(frozen=True)
class Switches:
    """The environment switches, read once per load."""

    strict: bool
    only: set[str] | None
    disabled: set[str]

    @classmethod
    def from_environment(cls) -> Switches:
        return cls(
            switch("MINIDL_STRICT_PLUGINS"),
            _names_from_env("MINIDL_LOAD_PLUGINS"),
            _names_from_env("MINIDL_DISABLE_PLUGINS") or set(),
        )

    def blocked_by(self, distribution: str) -> str:
        """Why the switches keep ``distribution`` from loading ("" when they do not)."""
        if distribution == BUILTIN_DISTRIBUTION:
            return ""
        if distribution in self.disabled:
            return "MINIDL_DISABLE_PLUGINS names it"
        if self.only is not None and distribution not in self.only:
            return f"MINIDL_LOAD_PLUGINS does not name it (it is {plain_text(repr(os.environ['MINIDL_LOAD_PLUGINS']))})"
        return ""

    def warn_unknown(self, installed: set[str]) -> None:
        """MINIDL_LOAD_PLUGINS or MINIDL_DISABLE_PLUGINS naming a distribution that is not installed is a typo worth
        a word."""
        for variable, names in (("MINIDL_LOAD_PLUGINS", self.only), ("MINIDL_DISABLE_PLUGINS", self.disabled)):
            missing = sorted((names or set()) - installed)
            if missing:
                warnings.warn_explicit(
                    f"{variable} names {', '.join(plain_text(m) for m in missing)}, which "
                    f"{'is' if len(missing) == 1 else 'are'} not installed (installed plugins: "
                    f"{', '.join(sorted(installed - {BUILTIN_DISTRIBUTION})) or 'none'})",
                    PluginWarning,
                    variable,
                    0,
                )


def _names_from_env(variable: str) -> set[str] | None:
    value = os.environ.get(variable)
    if value is None:
        return None
    return {canonical(n.strip()) for n in value.split(",") if n.strip()}


def load_plugins() -> tuple[list[Entry], list[PluginInfo]]:
    """Load the built-ins and every allowed plugin; return all registrations and a status per distribution."""
    switches = Switches.from_environment()
    found = find_distributions()
    found.setdefault(BUILTIN_DISTRIBUTION, Found(BUILTIN_DISTRIBUTION, __version__))  # a source checkout
    switches.warn_unknown(set(found))
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    entries: list[Entry] = []
    infos: list[PluginInfo] = []
    _loading.distribution = ""
    try:
        for distribution in sorted(found):
            item = found[distribution]
            info = PluginInfo(distribution, item.version, "loaded")
            infos.append(info)
            blocked = switches.blocked_by(distribution)
            if blocked:
                info.status, info.error = "blocked", blocked
                continue
            if item.problem:
                _fail(info, "failed", item.problem, item.where, "", switches.strict)
                continue
            _loading.distribution = distribution
            registered = _load_one(manager, item, info, switches.strict)
            _loading.distribution = ""
            entries += registered
            info.components = [f"{e.kind}:{e.id}" for e in registered]
    finally:
        _loading.distribution = None
    return entries, infos


def _load_one(manager: pluggy.PluginManager, item: Found, info: PluginInfo, strict: bool) -> list[Entry]:
    """Import one distribution's modules and run its hooks with output captured; on any failure, report it."""
    output = Captured()
    try:
        with watch_load(item.distribution, item.version), captured_output(output):
            modules = [ep.load() for ep in item.entry_points] if item.entry_points else [_builtin_module()]
            registered = _register_all(manager, item.distribution, item.version, modules)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # SystemExit and the like included: a plugin never ends the host
        info.output = output.text  # before _fail: strict mode raises with it in place
        frame = plugin_frame(error, plugin_roots([ep.value for ep in item.entry_points]))
        location = getattr(error, "location", "") or (f"{frame.filename}:{frame.lineno}" if frame else "")
        location = location or _entry_module_file(item)
        status = "incompatible" if isinstance(error, IncompatiblePlugin) else "failed"
        _fail(info, status, error_text(error), location, plugin_traceback(error), strict, error)
        return []
    info.output = output.text
    return registered


def _entry_module_file(item: Found) -> str:
    """``path:1`` of the first entry point's module when it was imported (a failure with no line of its own)."""
    name = item.entry_points[0].value.partition(":")[0].strip() if item.entry_points else ""  # even when malformed
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    return f"{path}:1" if path else ""


def _fail(
    info: PluginInfo,
    status: str,
    reason: str,
    location: str,
    details: str,
    strict: bool,
    cause: BaseException | None = None,
) -> None:
    """Record a failure; warn at the plugin's line, or raise PluginError with the traceback in strict mode."""
    info.status, info.error, info.location = status, reason, plain_text(location)
    message = f"minidl plugin {info.distribution} {info.version} {status}: {reason}"
    if strict:
        where = f"\n  at {info.location}" if info.location else ""
        raise PluginError(message + where + (f"\n{details}" if details else "")) from cause
    warn_at(message + " (minidl plugins shows details; MINIDL_STRICT_PLUGINS=1 the traceback)", info.location)


def _builtin_module() -> ModuleType:
    from minidl.registry import builtins

    return builtins


class IncompatiblePlugin(Exception):
    """Raised internally for a plugin written against another plugin API version; ``location`` is where it says so."""

    def __init__(self, message: str, module: Any) -> None:
        super().__init__(message)
        self.location = _declaration_of_api(module)


def _declaration_of_api(module: Any) -> str:
    """``path:line`` of the ``MINIDL_PLUGIN_API = ...`` line in a plugin module ("" when it cannot be read)."""
    try:
        path = inspect.getsourcefile(module) or ""
        lines = linecache.getlines(path)
    except Exception:  # a module object without a readable file: no place to point at
        return ""
    line = next((i for i, text in enumerate(lines, 1) if text.lstrip().startswith("MINIDL_PLUGIN_API")), 1)
    return f"{path}:{line}" if path else ""


def _register_all(manager: pluggy.PluginManager, distribution: str, version: str, modules: list[Any]) -> list[Entry]:
    staged: list[Entry] = []
    for module in modules:
        api = getattr(module, "MINIDL_PLUGIN_API", hookspecs.PLUGIN_API)
        if api != hookspecs.PLUGIN_API:
            raise IncompatiblePlugin(
                f"written for minidl plugin API {plain_text(repr(api), limit=40)}, this minidl supports API "
                f"{hookspecs.PLUGIN_API} (minidl {__version__}); install a release of {distribution} made for it",
                module,
            )
        manager.register(module, name=f"{distribution}:{getattr(module, '__name__', id(module))}")
        for kind in KINDS:
            for impl in getattr(manager.hook, HOOK_OF_KIND[kind]).get_hookimpls():
                if impl.plugin is module:
                    returned = impl.function(register=_collector(kind, distribution, version, staged))
                    _check_hook_result(impl.function, returned)
    return _deduplicate(staged)


def _check_hook_result(hook: Any, returned: Any) -> None:
    """A hook registers by calling ``register``; one that returns something (a generator's ``yield``, a list of
    classes, a coroutine) registered nothing of what it meant to, so the distribution fails instead of loading empty."""
    if returned is None:
        return
    if inspect.isgenerator(returned) or inspect.iscoroutine(returned):
        returned.close()  # never started: closing runs none of its body and silences "never awaited"
        why = f"is a {'generator' if inspect.isgenerator(returned) else 'coroutine'} function, so its body never ran"
    else:
        why = f"returned {plain_text(type(returned).__name__, limit=40)} instead of None"
    raise HookMisuse(
        f"hook {hook.__name__} {why}: a hook calls register(cls) for each component and returns nothing",
        hook,
    )


class HookMisuse(Exception):
    """Raised internally for a hook that did not register the way hooks must; ``location`` is the hook's line."""

    def __init__(self, message: str, hook: Any) -> None:
        super().__init__(message)
        code = getattr(hook, "__code__", None)
        self.location = f"{code.co_filename}:{code.co_firstlineno}" if code else ""


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
