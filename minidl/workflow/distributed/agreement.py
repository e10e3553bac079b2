"""Before the first step: every rank must run the same software on the same run, or the run is refused.

Ranks started from different files, options, installations or checkpoints would average gradients of
different problems without any error. Each rank describes its run in a few facts (versions, digests
of the spec, setup and data, the epoch it starts at); any fact that differs from rank 0's is refused
with one line naming the ranks, on every rank.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import torch

from minidl.core.errors import ConfigError
from minidl.version import __version__

if TYPE_CHECKING:
    from minidl.workflow.trainer import Trainer

_WHAT = {
    "minidl": "every rank must run the same minidl version",
    "torch": "every rank must run the same torch version",
    "spec": "every rank must train the same spec with the same options",
    "setup": "every rank must build the same network, loss, optimizer and schedule",
    "data": "every rank must draw the same data (a data set read from a file must be the same file everywhere)",
    "epoch": "every rank must start from the same checkpoint",
    "steps": "every rank must start from the same checkpoint",
}


def facts_of(trainer: Trainer) -> str:
    """What must be the same on every rank, as one JSON text."""
    data = trainer.data
    setup = [repr(trainer.model), repr(trainer.loss), repr(trainer.optimizer), repr(trainer.scheduler)]
    facts = {
        "minidl": __version__,
        "torch": torch.__version__,
        "spec": _digest(json.dumps(trainer.spec, sort_keys=True, default=str).encode()),
        "setup": _digest(json.dumps([*setup, trainer.epochs, trainer.batch_size, trainer.seed]).encode()),
        "data": _digest(
            *(t.cpu().contiguous().numpy() for t in (data.train_x, data.train_y, data.test_x, data.test_y))
        ),
        "epoch": trainer.epoch,
        "steps": trainer.optimizer.steps,
    }
    return json.dumps(facts)


def check_agreement(texts: list[str]) -> None:
    """Raise ConfigError for the first fact in which a rank differs from rank 0 (``texts[r]`` is rank r's)."""
    ranks: list[dict[str, Any]] = [json.loads(text) for text in texts]
    for key, why in _WHAT.items():
        first = ranks[0][key]
        other = next((rank for rank, facts in enumerate(ranks) if facts[key] != first), None)
        if other is None:
            continue
        if key in ("spec", "setup", "data"):
            raise ConfigError(f"the ranks disagree: rank {other}'s {key} differs from rank 0's: {why}")
        raise ConfigError(f"the ranks disagree: rank {other} has {key} {ranks[other][key]}, rank 0 has {first}: {why}")


def _digest(*buffers: Any) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for buffer in buffers:
        digest.update(buffer)
    return digest.hexdigest()
