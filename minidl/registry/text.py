"""Text that comes from plugins (names, messages, docstrings, what they print), made safe to show.

A plugin can put anything in a string: escape sequences that recolour or clear a terminal, newlines
that forge extra lines of output, bidirectional overrides that reorder what a reader sees. Every such
character is written as a visible escape (``\\x1b``, ``\\n``, ``\\u202e``), the way ``repr`` writes it,
so the text shows literally wherever it goes. (JSON output needs nothing more: ``json.dumps`` escapes
control characters itself. Markup is the display's business: show this text as text, never as markup.)
"""

from __future__ import annotations


def plain_text(text: str, *, newlines: bool = False, limit: int | None = None) -> str:
    """``text`` with every character that is not printable written as an escape; ``newlines`` keeps line breaks.

    ``limit`` cuts the result to about that many characters (saying how many were left out).
    """
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}... ({len(text) - limit} more characters)"
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or (newlines and c == "\n") else c.encode("unicode_escape").decode("ascii") for c in text
    )


def error_text(error: BaseException, limit: int = 500) -> str:
    """``Type: message`` of an exception raised by plugin code, plain and bounded (even if ``str()`` itself fails)."""
    try:
        message = str(error)
    except BaseException as unprintable:  # an exception whose __str__ raises must not escape the report
        if isinstance(unprintable, KeyboardInterrupt):
            raise
        message = "(its message could not be read)"
    name = type(error).__name__
    return plain_text(f"{name}: {message}" if message else name, limit=limit)
