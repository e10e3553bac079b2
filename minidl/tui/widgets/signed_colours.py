"""Colours of signed codes (``probes.signed_codes``: ``-LEVELS..LEVELS``): orange below zero, blue above, as in the
Playground, fading to the neutral grey at zero; so a unit's map and a weight matrix read alike."""

from __future__ import annotations

import functools

from rich.color import Color
from rich.style import Style

from minidl.tui.boundary import LEVELS
from minidl.tui.widgets.heatmap import CLASS_RGB, NEUTRAL_RGB

NEGATIVE_RGB, POSITIVE_RGB = CLASS_RGB[0], CLASS_RGB[1]


@functools.cache
def signed_colour(code: int) -> Color:
    """Neutral at 0, the full orange at ``-LEVELS`` and the full blue at ``LEVELS``."""
    end = POSITIVE_RGB if code > 0 else NEGATIVE_RGB
    t = min(abs(code), LEVELS) / LEVELS
    return Color.from_rgb(*(round(n + (c - n) * t) for n, c in zip(NEUTRAL_RGB, end)))


@functools.cache
def signed_style(top: int, bottom: int) -> Style:
    """The style of a half-block cell whose top pixel has code ``top`` and bottom pixel ``bottom``."""
    return Style(color=signed_colour(top), bgcolor=signed_colour(bottom))
