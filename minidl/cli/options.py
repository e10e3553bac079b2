"""Argument types shared by the sub-commands: a bad value fails in the parser with one readable line."""

from __future__ import annotations

import argparse
import math

_INT_MAX = 2**63 - 1


def _whole_number(text: str, low: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= _INT_MAX:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An int >= 1 (epochs, batch size, trials, jobs, checkpoint interval)."""
    return _whole_number(text, 1, "a whole number >= 1")


def seed(text: str) -> int:
    """A random seed: an int in [0, 2**63)."""
    return _whole_number(text, 0, "a whole number in [0, 2**63)")


def learning_rate(text: str) -> float:
    """A finite float > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value
