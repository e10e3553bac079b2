"""The exceptions minidl raises for user mistakes.

Every error a user can cause derives from :class:`MinidlError`, so an interface (CLI, TUI) can catch
one type and show its message; each also derives from the built-in type Python code expects
(``ValueError`` for bad values, ``RuntimeError`` for calls out of order), so ordinary code keeps working.
"""


class MinidlError(Exception):
    """Base class of every error minidl raises on bad input."""


class ConfigError(MinidlError, ValueError):
    """A component was given a parameter of the wrong type, out of range, or unknown."""


class ShapeError(MinidlError, ValueError):
    """A tensor does not have the shape a module or loss expects."""


class CallOrderError(MinidlError, RuntimeError):
    """A method was called before the call it depends on (e.g. ``backward`` before ``forward``)."""


class TrainingDiverged(MinidlError, ArithmeticError):
    """The loss became NaN or infinite; training refuses to go on silently."""


class SpecError(MinidlError, ValueError):
    """A file (or the spec inside it) is malformed; the message names the place in the file and what was expected."""
