"""Before the first step: every rank must run the same software on the same run, or the run is refused.

Ranks started from different files, options, installations or checkpoints would average gradients of
different problems without any error. Each rank describes its run in a few facts (versions, digests
of the Run's spec, setup and data, the epoch it starts at); any fact that differs from rank 0's is
refused with one line naming the ranks, on every rank. Then every rank takes rank 0's weights.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import torch

from minidl.core.errors import ConfigError
from minidl.version import __version__
from minidl.workflow.distributed.world import World, buffers_of
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


def agree(world: World, spec: dict[str, Any], trainer: Trainer) -> None:
    """Refuse a run the ranks disagree on (``spec``: the Run's, as changed so far); then every rank takes rank 0's
    weights and buffers (as DistributedDataParallel does), so the ranks start from one model."""
    check_agreement(world.gather_text("facts", facts_of(spec, trainer)))
    world.broadcast_all([p.value for p in trainer.model.param()] + buffers_of(trainer.model))


def facts_of(spec: dict[str, Any], trainer: Trainer) -> str:
    """What must be the same on every rank, as one JSON text."""
    data = trainer.data
    setup = [repr(trainer.model), repr(trainer.loss), repr(trainer.optimizer), repr(trainer.scheduler)]
    facts = {
        "minidl": __version__,
        "torch": torch.__version__,
        "spec": _digest(json.dumps(spec, sort_keys=True, default=str).encode()),
        "setup": _digest(json.dumps([*setup, trainer.epochs, trainer.batch_size, trainer.seed]).encode()),
        "data": _digest(*(_raw(t) for t in (data.train_x, data.train_y, data.test_x, data.test_y))),
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


def _raw(tensor: torch.Tensor) -> Any:
    """A tensor's bytes, whatever its dtype (numpy has no bfloat16)."""
    return tensor.cpu().contiguous().reshape(-1).view(torch.uint8).numpy()


def _digest(*buffers: Any) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for buffer in buffers:
        digest.update(buffer)
    return digest.hexdigest()
