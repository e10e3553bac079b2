"""What went wrong with plugins, and what the user can do about it, from ``registry.plugins()`` (no Textual).

Read only ``distribution``, ``version``, ``status``, ``error`` and ``components`` (``kind:dist:name``), so
statuses the registry adds later are shown with generic advice rather than breaking the app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FINE = ("loaded", "blocked")  # blocked: the user turned it off (MINIDL_LOAD_PLUGINS / MINIDL_DISABLE_PLUGINS)


@dataclass(frozen=True)
class Clash:
    """One short name that several loaded distributions provide: it only works qualified (``dist:Name``)."""

    kind: str
    name: str
    distributions: tuple[str, ...]

    def advice(self) -> str:
        first = self.distributions[0]
        return (
            f"{self.kind} {self.name!r} is provided by {' and '.join(self.distributions)}: "
            f"name it {first}:{self.name}, or uninstall one of them"
        )


def failures(infos: Sequence[Any]) -> list[Any]:
    """The distributions that did not load and were not turned off on purpose."""
    return [info for info in infos if info.status not in FINE]


def advice(info: Any) -> str:
    """What to do about one distribution's status, in one line."""
    name = info.distribution
    if info.status == "loaded":
        return ""
    if info.status == "blocked":
        return "turned off by MINIDL_LOAD_PLUGINS or MINIDL_DISABLE_PLUGINS"
    if info.status == "incompatible":
        return f"install a release made for this minidl: pip install --upgrade {name}"
    return f"update or reinstall it (pip install --upgrade {name}), or turn it off: MINIDL_DISABLE_PLUGINS={name}"


def clashes(infos: Sequence[Any]) -> list[Clash]:
    """Short names provided by more than one loaded distribution, sorted."""
    providers: dict[tuple[str, str], list[str]] = {}
    for info in infos:
        if info.status != "loaded":
            continue
        for component in info.components:
            kind, _, qualified = str(component).partition(":")
            _, _, name = qualified.partition(":")
            providers.setdefault((kind, name), []).append(info.distribution)
    return [
        Clash(kind, name, tuple(sorted(set(dists))))
        for (kind, name), dists in sorted(providers.items())
        if len(set(dists)) > 1
    ]


def summary(infos: Sequence[Any]) -> str:
    """One line for a start-up notification, or '' when every plugin is fine."""
    failed, clashing = failures(infos), clashes(infos)
    parts = []
    if failed:
        names = ", ".join(f"{info.distribution} ({info.status})" for info in failed)
        parts.append(f"{len(failed)} plugin(s) did not load: {names}")
    if clashing:
        names = ", ".join(f"{c.name} ({' / '.join(c.distributions)})" for c in clashing)
        parts.append(f"{len(clashing)} name(s) provided twice: {names}")
    if not parts:
        return ""
    return "; ".join(parts) + ". Everything else works; the Plugins tab (key 3) says what to do."
