"""Finding the distributions of the ``minidl`` entry-point group, each on its own.

``importlib.metadata.entry_points()`` reads every installed distribution at once, so a single one with
an unreadable ``entry_points.txt`` makes it raise for all of them, and a distribution without a
``Name`` yields ``None`` where a name is expected. Reading distributions one at a time confines such a
record to itself: it is found, named by its metadata folder, and reported as broken.
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
from dataclasses import dataclass, field

from minidl.registry.text import error_text, plain_text

GROUP = "minidl"
BUILTIN_DISTRIBUTION = "minidl"
BUILTIN_MODULE = "minidl.registry.builtins"
DISTRIBUTION_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9])?\Z")  # PEP 508, at most 64 characters
VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+!_-]{0,63}\Z")


@dataclass
class Found:
    """One distribution with entry points in the group, or the reason it cannot be loaded (``problem``)."""

    distribution: str
    version: str
    entry_points: list[metadata.EntryPoint] = field(default_factory=list)
    problem: str = ""
    where: str = ""  # the file the problem is in


def canonical(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): lower case, runs of -_. become -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def find_distributions() -> dict[str, Found]:
    """Every distribution with a ``minidl`` entry point, by canonical name (a path seen twice counts once)."""
    found: dict[str, Found] = {}
    for dist in metadata.distributions():
        item = _read(dist)
        if item is None:
            continue
        known = found.setdefault(item.distribution, item)
        if known is not item and not known.problem:
            known.entry_points += [
                ep for ep in item.entry_points if all(e.value != ep.value for e in known.entry_points)
            ]
    return found


def _read(dist: metadata.Distribution) -> Found | None:
    """The distribution's identity and entry points in the group; None when it has none."""
    folder = str(getattr(dist, "_path", "")) or "an installed distribution"  # PathDistribution's metadata folder
    label = plain_text(folder.replace("\\", "/").rsplit("/", 1)[-1], limit=100)
    try:
        eps = [ep for ep in dist.entry_points if ep.group == GROUP]
    except Exception as error:  # the file does not parse: it is ours to report only if it names the group
        if f"[{GROUP}]" not in (_text(dist, "entry_points.txt") or ""):
            return None
        return Found(
            label,
            "unknown",
            problem=f"unreadable entry points: {error_text(error)}",
            where=_at(folder, "entry_points.txt"),
        )
    if not eps:
        return None
    try:
        name, version = dist.metadata.get("Name"), dist.metadata.get("Version")
    except Exception as error:
        return Found(
            label, "unknown", problem=f"unreadable metadata: {error_text(error)}", where=_at(folder, "METADATA")
        )
    if not isinstance(name, str) or not DISTRIBUTION_NAME.match(name):
        what = "no Name" if not name else f"the Name {ascii(name)[:80]} is not a distribution name"
        return Found(label, "unknown", problem=f"broken metadata: {what}", where=_at(folder, "METADATA"))
    distribution = canonical(name)
    if not isinstance(version, str) or not VERSION.match(version):
        what = "no Version" if not version else f"the Version {ascii(version)[:80]} is not a version"
        return Found(distribution, "unknown", problem=f"broken metadata: {what}", where=_at(folder, "METADATA"))
    if distribution == BUILTIN_DISTRIBUTION and any(ep.value != BUILTIN_MODULE for ep in eps):
        return Found(label, version, problem="a plugin may not take minidl's own name", where=_at(folder, "METADATA"))
    return Found(distribution, version, eps)


def _text(dist: metadata.Distribution, name: str) -> str | None:
    try:
        return dist.read_text(name)
    except Exception:
        return None


def _at(folder: str, file: str) -> str:
    return f"{folder}/{file}"
