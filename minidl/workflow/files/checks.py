"""Small checks of decoded plain data, each naming its place in the file (``tensors["x"].shape``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from minidl import registry
from minidl.core.errors import ConfigError, SpecError

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def child(where: str, key: str | int) -> str:
    """The location of ``key`` inside ``where``: ``a.b``, ``a["x.y"]`` or ``a[3]``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    if _IDENTIFIER.match(key):
        return f"{where}.{key}" if where else key
    return f"{where}[{json.dumps(key)}]"


def show(value: Any) -> str:
    """A short description of a decoded value for error messages."""
    if isinstance(value, (bytes, bytearray)):
        return f"binary data of {len(value)} bytes"
    if isinstance(value, dict):
        return f"a map of {len(value)} entries"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if value is None:
        return "nil"
    text = repr(value)
    return (text if len(text) <= 60 else text[:57] + "...") + f" ({type(value).__name__})"


def fail(where: str, expected: str, value: Any) -> NoReturn:
    raise SpecError(f"{where}: expected {expected}, got {show(value)}")


@contextmanager
def as_spec_error(where: str = "") -> Iterator[None]:
    """A ConfigError raised inside leaves as a SpecError at ``where`` (a place in the file): what a component or
    the spec refuses is, in a file, one more way of the file being malformed."""
    try:
        yield
    except ConfigError as error:
        raise SpecError(f"{where}: {error}" if where else str(error)) from None


def expect_map(
    value: Any, where: str, required: set[str], optional: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    """A map with exactly the ``required`` keys and possibly some ``optional`` ones."""
    if not isinstance(value, dict):
        fail(where, "a map", value)
    for key in value:
        if key not in required and key not in optional:
            raise SpecError(
                f"{child(where, key)}: unexpected key (expected {', '.join(sorted(required | set(optional)))})"
            )
    for key in sorted(required):
        if key not in value:
            raise SpecError(f"{child(where, key)}: missing")
    return value


def expect_dict(value: Any, where: str) -> dict[str, Any]:
    """A map with any keys (decoding already made them strings)."""
    if not isinstance(value, dict):
        fail(where, "a map", value)
    return value


def expect_int(value: Any, where: str, low: int = 0, high: int = 2**63 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        fail(where, f"an int in [{low}, {high}]", value)
    return value


def expect_str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        fail(where, "a string", value)
    return value


def expect_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        fail(where, "a list", value)
    return value


def create(kind: str, ref: dict[str, Any], where: str, *runtime_args: Any) -> Any:
    """Build a component from a file's (normalised) spec; whatever its constructor raises is a SpecError at ``where``.

    The configuration passed the declared checks, but a constructor may still refuse it (a combination
    of values, or sizes torch cannot make): for a file, that is one more way of being malformed.
    """
    with as_spec_error(where):
        try:
            return registry.create_at(f"{where}.config", kind, ref["component"], ref["config"], *runtime_args)
        except ConfigError:
            raise
        except Exception as error:
            raise SpecError(
                f"{where}: {ref['component']} cannot be built with this configuration "
                f"({type(error).__name__}: {str(error).splitlines()[0]})"
            ) from None
