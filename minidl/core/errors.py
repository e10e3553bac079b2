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


class ResourceError(MinidlError, MemoryError):
    """The work needs more memory than is free: refused before allocating, or an allocation failed."""


class ComponentError(MinidlError, RuntimeError):
    """A component raised while it was built or run: a plugin's bug, or a configuration it cannot run.

    The message names the component's place in the spec, its id and provider, and what it was doing::

        spec.model.layers[3] (minidl-zoo:Mish from minidl-zoo 0.1.0): forward raised ValueError: ...

    The original exception is the ``__cause__`` (``MINIDL_DEBUG=1`` shows its traceback).
    """

    def __init__(self, where: str, component: str, provider: str, stage: str, detail: str) -> None:
        super().__init__(where, component, provider, stage, detail)  # ``args`` rebuild it: it pickles
        self.where, self.component, self.provider, self.stage, self.detail = where, component, provider, stage, detail

    def __str__(self) -> str:
        return f"{self.where} ({self.component} from {self.provider}): {self.stage} raised {self.detail}"


def one_line(error: BaseException) -> str:
    """``Type: first line of the message``, control characters escaped: an exception fit for a one-line report.

    Only the first line: torch appends C++ backtraces to its messages (``MINIDL_DEBUG=1`` shows everything).
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = printable((lines or [""])[0])
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def printable(text: str) -> str:
    """``text`` with every non-printable character escaped (``\\n``, ``\\x1b``): it stays one line of plain text."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` is a failed allocation: Python's MemoryError, or torch's (its OutOfMemoryError, or a
    RuntimeError that says so), told apart without importing torch."""
    if isinstance(error, MemoryError) or any(c.__name__ == "OutOfMemoryError" for c in type(error).__mro__):
        return True
    return isinstance(error, RuntimeError) and "can't allocate memory" in str(error)
