"""The bottom layer: the module protocol, parameter pairs, configuration declarations and errors."""

from minidl.core.config import Configurable, Field, Param, schema_of
from minidl.core.errors import (
    CallOrderError,
    ComponentError,
    ConfigError,
    MinidlError,
    ResourceError,
    ShapeError,
    SpecError,
    TrainingDiverged,
)
from minidl.core.module import Module, Parameter

__all__ = [
    "CallOrderError",
    "ComponentError",
    "ConfigError",
    "Configurable",
    "Field",
    "MinidlError",
    "Module",
    "Param",
    "Parameter",
    "ResourceError",
    "ShapeError",
    "SpecError",
    "TrainingDiverged",
    "schema_of",
]
