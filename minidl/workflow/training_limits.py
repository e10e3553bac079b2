"""The run's integer settings (epochs, batch size, seed): their ranges and meaning, declared once.

The spec's validation and JSON Schema, the Trainer, the TUI's form and the CLI's options read them here.
Plain data, importing nothing: the ``minidl`` command reads them before torch is imported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """An inclusive range of ints and what the setting does."""

    low: int
    high: int
    help: str

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not a valid setting (``expected an int in [1, 10000000], got 0``), or None."""
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            return f"expected an int in [{self.low}, {self.high}], got {value!r}"
        return None


TRAINING_LIMITS: dict[str, Limit] = {
    "epochs": Limit(1, 10_000_000, "epochs to train in all; raise it to go on after the end"),
    "batch_size": Limit(1, 100_000_000, "points per optimizer step"),
    "seed": Limit(0, 2**63 - 1, "seeds the weights, data and shuffling (torch's generator uses its low 32 bits)"),
}
