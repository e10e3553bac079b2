"""The table of registered components and its lookups (names, get, create, describe, provider).

Each component has a qualified id ``<distribution>:<name>``; its short name works when exactly one
distribution provides it. Results are sorted, so nothing depends on the order plugins loaded in.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from typing import Any

from minidl.components.datasets.base import Dataset
from minidl.components.init import Initializer
from minidl.components.losses import Loss
from minidl.components.optim.optimizer import Optimizer
from minidl.components.schedulers import Scheduler
from minidl.core.config import Field, schema_of, undeclared_parameters, validate_config
from minidl.core.errors import ConfigError, MinidlError
from minidl.core.lowering import lowers_to_onnx
from minidl.core.module import Module
from minidl.registry.text import plain_text

KIND_BASES: dict[str, type] = {
    "module": Module,
    "loss": Loss,
    "initializer": Initializer,
    "optimizer": Optimizer,
    "scheduler": Scheduler,
    "dataset": Dataset,
}
KINDS = tuple(KIND_BASES)
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}\Z")  # short and identifier-like: safe in ids, files, terminals


class ComponentNotFound(MinidlError, LookupError):
    """No installed distribution provides the requested component."""


class AmbiguousComponent(MinidlError, LookupError):
    """A short name is provided by several distributions; use a qualified id."""


class InvalidRegistration(MinidlError, TypeError):
    """A plugin tried to register something that is not a component of the kind it named."""


@dataclass(frozen=True)
class Entry:
    """One registered component and where it came from."""

    kind: str
    name: str
    cls: type
    distribution: str
    version: str

    @property
    def id(self) -> str:
        return f"{self.distribution}:{self.name}"

    def provider(self) -> dict[str, str]:
        return {"distribution": self.distribution, "version": self.version}


def check_kind(kind: str) -> None:
    if kind not in KIND_BASES:
        raise ComponentNotFound(f"unknown component kind {kind!r}; expected one of {', '.join(KINDS)}")


def make_entry(kind: str, cls: Any, name: str | None, distribution: str, version: str) -> Entry:
    """Validate one registration and describe it, or raise InvalidRegistration."""
    base = KIND_BASES[kind]
    if not (inspect.isclass(cls) and issubclass(cls, base)):
        raise InvalidRegistration(
            f"{distribution}: register({plain_text(repr(cls), limit=80)}) in the {kind} hook: expected a subclass of "
            f"{base.__module__}.{base.__name__}"
        )
    name = cls.__name__ if name is None else name
    if not isinstance(name, str) or not NAME.match(name):
        raise InvalidRegistration(
            f"{distribution}: register({plain_text(cls.__name__, limit=80)}, name={plain_text(repr(name), limit=80)}) "
            f"in the {kind} hook: a name is a letter then up to 63 letters, digits or underscores"
        )
    # every parameter declared or a runtime argument (else files would lose it), readers only of declared values;
    # a declaration that cannot be read fails here too, at load time
    where = f"{distribution}: register({plain_text(cls.__name__, limit=80)}) in the {kind} hook"
    undeclared = undeclared_parameters(cls)
    if undeclared:
        raise InvalidRegistration(
            f"{where}: constructor parameter {undeclared[0]!r} is not declared: give it a plain-data type hint "
            "(bool, int, float, str, a Literal, a fixed-length tuple or Optional of one), e.g. "
            f"`{undeclared[0]}: float = 1.0`, so files and forms keep its value (a {kind}'s runtime arguments: "
            f"{', '.join(cls.runtime_arguments) or 'none'})"
        )
    unread = sorted(set(cls.config_readers) - {f.name for f in schema_of(cls)})
    if unread:
        raise InvalidRegistration(f"{where}: config_readers names {unread[0]!r}, which is not a declared parameter")
    for field in schema_of(cls):  # a default its own declaration refuses would make every file using it unreadable
        if not field.required:
            try:
                field.validate(field.default, f"the default of {field.name!r}")
            except ConfigError as error:
                raise InvalidRegistration(f"{where}: {error}, which its declaration refuses") from None
    return Entry(kind, name, cls, distribution, version)


class Catalog:
    """Registered components by kind and qualified id."""

    def __init__(self, entries: list[Entry], unavailable: dict[str, str] | None = None) -> None:
        """``unavailable`` maps each installed distribution that did not load to why (for messages)."""
        self._by_id: dict[str, dict[str, Entry]] = {kind: {} for kind in KINDS}
        for entry in entries:
            self._by_id[entry.kind][entry.id] = entry
        self._unavailable = dict(unavailable or {})

    def unavailable(self, distribution: str) -> str:
        """Why an installed distribution provides nothing ("" when it loaded, or is not installed)."""
        return self._unavailable.get(distribution, "")

    def entries(self, kind: str) -> list[Entry]:
        check_kind(kind)
        return sorted(self._by_id[kind].values(), key=lambda e: (e.name.lower(), e.distribution))

    def names(self, kind: str, qualified: bool = False) -> list[str]:
        """Names of every component of ``kind`` (short names where unique, else qualified ids); sorted."""
        entries = self.entries(kind)
        counts: dict[str, int] = {}
        for e in entries:
            counts[e.name] = counts.get(e.name, 0) + 1
        return [e.id if qualified or counts[e.name] > 1 else e.name for e in entries]

    def entry(self, kind: str, name: str) -> Entry:
        """Look up by qualified id or unique short name."""
        check_kind(kind)
        if not isinstance(name, str):
            raise ComponentNotFound(f"{kind} name must be a string, got {name!r}")
        table = self._by_id[kind]
        if ":" in name:
            if name in table:
                return table[name]
            distribution, short = name.split(":", 1)
            why = self.unavailable(distribution)
            raise ComponentNotFound(f"unknown {kind} {name!r}: {why or self._unknown_hint(kind, short)}")
        matches = [e for e in table.values() if e.name == name]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ComponentNotFound(f"unknown {kind} {name!r}: {self._unknown_hint(kind, name)}")
        providers = ", ".join(
            f"{e.id} ({e.distribution} {e.version})" for e in sorted(matches, key=lambda e: e.distribution)
        )
        raise AmbiguousComponent(
            f"{kind} {name!r} is provided by several distributions: {providers}; use a qualified id"
        )

    def _unknown_hint(self, kind: str, short: str) -> str:
        close = [n for n in self.names(kind) if n.lower() == short.lower()]
        if close:
            return f"did you mean {close[0]!r}?"
        hint = f"installed {kind}s are {', '.join(self.names(kind)) or 'none'}"
        if self._unavailable:
            hint += "; not loaded: " + "; ".join(f"{d} ({why})" for d, why in sorted(self._unavailable.items()))
        return hint

    def create(
        self, kind: str, name: str, runtime_args: tuple[Any, ...], config: dict[str, Any], where: str | None = None
    ) -> Any:
        """Build a component from a configuration, validated against its declaration first."""
        entry = self.entry(kind, name)
        checked = validate_config(entry.cls, config, where=where or f"{kind} {entry.id}")
        return entry.cls(*runtime_args, **checked)

    def fields(self, kind: str, name: str) -> tuple[Field, ...]:
        return schema_of(self.entry(kind, name).cls)

    def describe(self, kind: str, name: str) -> dict[str, Any]:
        """The component's id, provider, summary and parameter schema, as plain data."""
        entry = self.entry(kind, name)
        doc = inspect.cleandoc(entry.cls.__dict__.get("__doc__") or "")  # its own: not a base class's
        parameters = [f.describe() for f in schema_of(entry.cls)]
        for p in parameters:
            if "help" in p:
                p["help"] = plain_text(p["help"])
        return {
            "id": entry.id,
            "name": entry.name,
            "kind": kind,
            "provider": entry.provider(),
            "summary": plain_text(doc.split("\n\n")[0].replace("\n", " ").replace("``", "")),  # one line of text
            "parameters": parameters,
            **({"onnx": lowers_to_onnx(entry.cls)} if kind == "module" else {}),  # ``minidl export`` can lower it
        }

    def id_of(self, kind: str, obj: Any) -> str:
        """The qualified id under which the class of ``obj`` is registered."""
        check_kind(kind)
        matches = sorted(e.id for e in self._by_id[kind].values() if e.cls is type(obj))
        if not matches:
            raise ComponentNotFound(
                f"{type(obj).__name__} is not a registered {kind}: register it through a plugin hook to save it"
            )
        return matches[0]
