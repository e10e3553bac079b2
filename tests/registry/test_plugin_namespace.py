"""``minidl.plugin``: one documented namespace with everything a plugin author uses; the old paths keep working."""

from __future__ import annotations

import minidl
import minidl.plugin
from minidl import registry


def test_every_name_is_exported_and_documented() -> None:
    for name in minidl.plugin.__all__:
        assert getattr(minidl.plugin, name) is not None
        assert f"``{name}``" in minidl.plugin.__doc__, f"minidl.plugin's docstring does not say what {name} is for"


def test_the_base_class_of_every_kind_is_there() -> None:
    from minidl.registry.catalog import KIND_BASES

    assert all(getattr(minidl.plugin, base.__name__) is base for base in KIND_BASES.values())


def test_the_old_import_paths_still_work() -> None:
    from minidl.core.module import require_forward
    from minidl.registry.hookspecs import Register, hookimpl

    assert minidl.plugin.require_forward is require_forward
    assert minidl.plugin.hookimpl is hookimpl is registry.hookimpl
    assert minidl.plugin.Register is Register is registry.Register
    assert minidl.plugin.Module is minidl.Module and minidl.plugin.Elementwise is minidl.Elementwise
