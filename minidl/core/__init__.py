"""The bottom layer: the module protocol, parameter pairs, configuration declarations and errors."""

from minidl.core.config import Configurable, Field, Param, schema_of
from minidl.core.errors import CallOrderError, ConfigError, MinidlError, ShapeError, SpecError, TrainingDiverged
from minidl.core.module import Module, Parameter

__all__ = [
    "CallOrderError",
    "ConfigError",
    "Configurable",
    "Field",
    "MinidlError",
    "Module",
    "Param",
    "Parameter",
    "ShapeError",
    "SpecError",
    "TrainingDiverged",
    "schema_of",
]
