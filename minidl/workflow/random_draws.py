"""Where a run's random draws inside modules (Dropout's masks) come from, so that a resumed run draws the same.

On a CPU they come from torch's global generator, which a checkpoint holds (``rng.torch``). On a GPU they
come from the device's own generator, whose state a checkpoint does not hold; instead, a run on a GPU
seeds that generator at the start of every epoch from the run's seed and the optimizer steps taken so
far. Checkpoints are written between epochs, so a run resumed from one (on the same kind of device)
draws what the saved run would have drawn, and the file format stays as it is. Data-parallel ranks seed
every step the same way, with their rank (``distributed/data_parallel.py``).
"""

from __future__ import annotations

import hashlib

import torch


def step_seed(seed: int, step: int, rank: int = 0) -> int:
    """The seed of rank ``rank``'s random draws from step ``step`` of the run seeded ``seed`` (64 bits, hashed: torch's
    generator keeps only the low 32 bits of a seed, so neighbouring numbers must not share them)."""
    digest = hashlib.blake2b(f"{seed} {step} {rank}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def seed_device_generator(device: torch.device, seed: int, step: int) -> None:
    """Seed the generator of ``device`` with ``step_seed(seed, step)`` when it is a GPU's; a CPU's is left alone
    (the checkpoint holds it)."""
    if device.type == "cuda":
        index = torch.cuda.current_device() if device.index is None else device.index
        torch.cuda.default_generators[index].manual_seed(step_seed(seed, step))
