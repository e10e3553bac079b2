"""Configuration declared once, in a constructor.

A component's configuration is its constructor's parameters: their type hints, their defaults, and
optional :class:`Param` metadata (bounds, choices, help) attached with ``typing.Annotated``::

    class Dropout(Module):
        def __init__(self, p: Annotated[float, Param(ge=0.0, lt=1.0, help="drop probability")] = 0.5):

That single declaration drives validation when the object is built (here), ``get_config`` /
``from_config``, the registry's ``describe``, validation of files, the TUI's forms and the CLI's help.

The object is the one source of its configuration: ``get_config`` reads the live attributes (each
checked against its declaration), and ``set_config`` is the one validated way to change them. The
arguments a kind's base class names in ``runtime_arguments`` (an optimizer's parameters, a module's
dtype) are passed to the constructor but are not configuration; the registry refuses a component
with any other parameter that is not declared.
"""

from __future__ import annotations

import functools
import inspect
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Union

from minidl.core.errors import ConfigError

_SCALARS: dict[type, str] = {bool: "bool", int: "int", float: "float", str: "str"}
_MISSING = inspect.Parameter.empty


@dataclass(frozen=True)
class Param:
    """Metadata for one constructor parameter: bounds (inclusive ``ge``/``le``, exclusive ``gt``/``lt``) and help."""

    help: str = ""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None


@dataclass(frozen=True)
class Field:
    """One configuration parameter of a component, as read from its constructor."""

    name: str
    type: str  # "bool" | "int" | "float" | "str", or "tuple[float, float]" and the like
    default: Any = None
    required: bool = False
    nullable: bool = False
    choices: tuple[Any, ...] | None = None
    help: str = ""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    @property
    def element_type(self) -> str:
        """The scalar type of the value, or of each element of a tuple."""
        return self.type[6:-1].split(", ")[0] if self.type.startswith("tuple[") else self.type

    @property
    def length(self) -> int | None:
        """The number of elements of a tuple field, ``None`` for scalars."""
        return self.type.count(",") + 1 if self.type.startswith("tuple[") else None

    def bounds_text(self) -> str:
        """The bounds as a reader writes them, e.g. ``>= 0 and < 1``; empty when unbounded."""
        parts = [
            f"{op} {_fmt(v)}"
            for op, v in ((">=", self.ge), (">", self.gt), ("<=", self.le), ("<", self.lt))
            if v is not None
        ]
        return " and ".join(parts)

    def expected(self) -> str:
        """What a valid value looks like, for error messages and help."""
        if self.choices is not None:
            text = "one of " + ", ".join(repr(c) for c in self.choices)
        else:
            text = self.type
            if self.bounds_text():
                text += " " + self.bounds_text()
        return text + (" or None" if self.nullable else "")

    def validate(self, value: Any, where: str) -> Any:
        """Return ``value`` normalised (ints become floats, lists tuples), or raise ConfigError naming ``where``."""
        if value is None and self.nullable:
            return None
        if self.length is None:
            return self._scalar(value, where)
        if not isinstance(value, (tuple, list)) or len(value) != self.length:
            raise ConfigError(f"{where}: expected {self.expected()}, got {_show(value)}")
        return tuple(self._scalar(v, where) for v in value)

    def _scalar(self, value: Any, where: str) -> Any:
        kind = self.element_type
        ok = {
            "bool": isinstance(value, bool),
            "int": isinstance(value, int) and not isinstance(value, bool),
            "float": isinstance(value, (int, float)) and not isinstance(value, bool),
            "str": isinstance(value, str),
        }[kind]
        if not ok:
            raise ConfigError(f"{where}: expected {self.expected()}, got {_show(value)}")
        if kind == "float":
            value = float(value)
            if math.isnan(value):
                raise ConfigError(f"{where}: expected {self.expected()}, got nan")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{where}: expected {self.expected()}, got {_show(value)}")
        if kind in ("int", "float") and not _within(value, self):
            raise ConfigError(f"{where}: expected {self.expected()}, got {_show(value)}")
        return value

    def describe(self) -> dict[str, Any]:
        """The field as plain data (for ``registry.describe``, JSON output and forms)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "required": self.required}
        if not self.required:
            out["default"] = list(self.default) if isinstance(self.default, tuple) else self.default
        for key in ("ge", "gt", "le", "lt"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.choices is not None:
            out["choices"] = list(self.choices)
        if self.nullable:
            out["nullable"] = True
        out["help"] = self.help
        return out


def _within(value: float, field: Field) -> bool:
    return not (
        (field.ge is not None and value < field.ge)
        or (field.gt is not None and value <= field.gt)
        or (field.le is not None and value > field.le)
        or (field.lt is not None and value >= field.lt)
    )


def _fmt(value: float) -> str:
    return repr(value) if not float(value).is_integer() else str(int(value)) if abs(value) < 1e15 else repr(value)


def _show(value: Any) -> str:
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _field_from_hint(name: str, hint: Any, default: Any) -> Field | None:
    """Build the Field for one parameter, or None when its type is not plain data (a runtime argument)."""
    meta = Param()
    if typing.get_origin(hint) is typing.Annotated:
        hint, *extras = typing.get_args(hint)
        meta = next((e for e in extras if isinstance(e, Param)), meta)
    nullable = False
    if typing.get_origin(hint) in (Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) != len(typing.get_args(hint)) - 1 or len(args) != 1:
            return None
        hint, nullable = args[0], True
    choices = None
    if typing.get_origin(hint) is Literal:
        choices = typing.get_args(hint)
        kinds = {type(c) for c in choices}
        if len(kinds) != 1 or next(iter(kinds)) not in _SCALARS:
            return None
        type_name = _SCALARS[next(iter(kinds))]
    elif hint in _SCALARS:
        type_name = _SCALARS[hint]
    elif typing.get_origin(hint) is tuple and typing.get_args(hint) and Ellipsis not in typing.get_args(hint):
        elements = typing.get_args(hint)
        if len(set(elements)) != 1 or elements[0] not in _SCALARS:
            return None
        type_name = "tuple[" + ", ".join(_SCALARS[e] for e in elements) + "]"
    else:
        return None
    required = default is _MISSING
    return Field(
        name=name,
        type=type_name,
        default=None if required else default,
        required=required,
        nullable=nullable,
        choices=choices,
        help=meta.help,
        ge=meta.ge,
        gt=meta.gt,
        le=meta.le,
        lt=meta.lt,
    )


@functools.cache
def _signature(init: Any) -> inspect.Signature:
    return inspect.signature(init)


@functools.cache
def _declaration(init: Any, runtime: tuple[str, ...]) -> tuple[tuple[Field, ...], tuple[str, ...]]:
    """A constructor's declared fields, and its parameters that are neither declared nor runtime arguments."""
    if init is object.__init__:
        return (), ()
    hints = typing.get_type_hints(init, include_extras=True)
    fields, undeclared = [], []
    for name, parameter in list(_signature(init).parameters.items())[1:]:
        variadic = parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
        field = None if variadic else _field_from_hint(name, hints.get(name, Any), parameter.default)
        if field is not None and name not in runtime:
            fields.append(field)
        elif name not in runtime:
            undeclared.append(name)
    return tuple(fields), tuple(undeclared)


def _declared(cls: type) -> tuple[tuple[Field, ...], tuple[str, ...]]:
    return _declaration(getattr(cls.__init__, "__wrapped__", cls.__init__), getattr(cls, "runtime_arguments", ()))


def schema_of(cls: type) -> tuple[Field, ...]:
    """The configuration fields of a class, read from its constructor's declaration (cached)."""
    return _declared(cls)[0]


def undeclared_parameters(cls: type) -> tuple[str, ...]:
    """Constructor parameters that are neither declared nor runtime arguments of the kind (``alpha=1.0`` without a
    type hint, ``*args``): they would vanish from files and forms, so the registry refuses the component."""
    return _declared(cls)[1]


def validate_config(
    cls: type, config: dict[str, Any], where: str | None = None, *, partial: bool = False
) -> dict[str, Any]:
    """Check a whole configuration of ``cls``: unknown keys, missing required values, types and bounds.

    Returns the normalised configuration with defaults filled in (``partial=True``: only the values
    given, none missing). ``where`` prefixes error messages (a file location such as
    ``model.layers[2].config``); by default it is the class name.
    """
    prefix = where or cls.__name__
    if not isinstance(config, dict):
        raise ConfigError(f"{prefix}: expected a mapping of parameter names to values, got {_show(config)}")
    fields = {f.name: f for f in schema_of(cls)}
    unknown = sorted(str(k) for k in config if k not in fields)
    if unknown:
        known = ", ".join(fields) or "none"
        raise ConfigError(f"{prefix}: unknown parameter {unknown[0]!r} for {cls.__name__} (known: {known})")
    out = {}
    for name, field in fields.items():
        if name not in config:
            if partial:
                continue
            if field.required:
                raise ConfigError(f"{prefix}: missing required parameter {name!r} ({field.expected()})")
            out[name] = field.default
        else:
            out[name] = field.validate(
                config[name], f"{where}.{name}" if where else f"{cls.__name__}: parameter {name!r}"
            )
    return out


def config_text(config: Mapping[str, Any]) -> str:
    """``k=v, ...``: a configuration as a reader writes it inside ``Name(...)`` (reprs, messages, listings)."""
    return ", ".join(f"{k}={v!r}" for k, v in config.items())


class Configurable:
    """Base of every component: validates constructor arguments against the declaration; the object holds the values.

    Each declared value lives in the attribute of its name (``self.p = p``), where ``get_config`` reads
    it; ``config_readers`` names the exceptions. The check of constructor arguments runs once, in the
    outermost constructor, so subclasses that call ``super().__init__`` are validated against their own
    signature only.
    """

    runtime_arguments: ClassVar[tuple[str, ...]] = ()
    """Constructor parameters that are passed when building but are not configuration (set by each kind's base)."""
    config_readers: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}
    """Declared values not held in an attribute of their name, with how to read each from the object.

    They describe structure fixed when the object was built (Linear's ``bias`` flag, read from whether
    it has a bias parameter), so ``set_config`` refuses them.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def checked_init(self: Configurable, *args: Any, **kw: Any) -> None:
            if type(self).__init__ is checked_init:  # the outermost constructor
                args, kw = _validated_call(type(self), init, args, kw)
            init(self, *args, **kw)

        cls.__init__ = checked_init  # type: ignore[method-assign]

    def get_config(self) -> dict[str, Any]:
        """The configuration as the object holds it now (plain data, every declared value).

        Raises ConfigError naming the value when one no longer fits its declaration (``d.p = 1.5``), so
        an invalid value is refused where it would be saved, not written into a file.
        """
        name, values = type(self).__name__, self._live_values()
        checked = {f.name: f.validate(values[f.name], f"{name}.{f.name}") for f in schema_of(type(self))}
        return {k: list(v) if isinstance(v, tuple) else v for k, v in checked.items()}

    def _live_values(self) -> dict[str, Any]:
        """Each declared value as the object holds it, unchecked: what ``get_config`` checks and ``repr`` shows."""
        cls, out = type(self), {}
        for field in schema_of(cls):
            reader = cls.config_readers.get(field.name)
            try:
                out[field.name] = reader(self) if reader is not None else getattr(self, field.name)
            except AttributeError:
                raise ConfigError(
                    f"{cls.__name__}: declared parameter {field.name!r} is not an attribute of the object (keep it as "
                    f"self.{field.name}, or say how to read it in {cls.__name__}.config_readers)"
                ) from None
        return out

    def set_config(self, **values: Any) -> None:
        """Change declared values, each checked against its declaration first: all are applied, or none.

        For values the object reads as it runs (an optimizer's learning rate, a dropout probability); a
        value that fixed the object's structure when it was built is changed by building a new one.
        """
        cls = type(self)
        checked = validate_config(cls, values, partial=True)
        fixed = sorted(set(checked) & set(cls.config_readers))
        if fixed:
            raise ConfigError(
                f"{cls.__name__}: parameter {fixed[0]!r} is fixed when the object is built; build a new "
                f"{cls.__name__} to change it"
            )
        for name, value in checked.items():
            setattr(self, name, value)

    @classmethod
    def from_config(cls, config: dict[str, Any], *runtime_args: Any) -> Any:
        """Rebuild an object from ``get_config()``'s output; runtime arguments (e.g. parameters) go first."""
        return cls(*runtime_args, **validate_config(cls, config))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({config_text(self._live_values())})"


def _validated_call(cls: type, init: Any, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """The constructor's arguments with each declared value validated and normalised (ints as floats, tuples)."""
    try:
        bound = _signature(init).bind(None, *args, **kwargs)
    except TypeError as error:
        raise ConfigError(f"{cls.__name__}: {error}") from None
    given = {f.name: bound.arguments[f.name] for f in schema_of(cls) if f.name in bound.arguments}
    bound.arguments.update(validate_config(cls, given, partial=True))
    return bound.args[1:], bound.kwargs
