"""Mutations of valid files for fuzzing ``minidl.load``: byte-level damage and structural replacements.

Shared by the CI fuzz test and ``benchmarks/fuzz_files.py`` (long runs). A case passes when loading
either succeeds or raises SpecError; anything else escaping is a finding.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import msgpack

import minidl

INTERESTING_BYTES = (
    0x00,
    0x01,
    0x7F,
    0x80,
    0x8F,
    0x90,
    0xC0,
    0xC1,
    0xC4,
    0xC6,
    0xCA,
    0xCF,
    0xD9,
    0xDB,
    0xDC,
    0xDD,
    0xDE,
    0xDF,
    0xFF,
)
INTERESTING_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    1,
    2**31,
    2**64 - 1,
    -(2**63),
    1.5,
    math.nan,
    math.inf,
    "",
    "x",
    "float64",
    "minidl:Linear",
    b"",
    b"\x00" * 7,
    [],
    [0],
    [-1, 2],
    [2**40, 2**40],
    {},
    {"a": 1},
    {"component": "ReLU"},
)


def byte_mutation(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        i = rng.randrange(len(out)) if out else 0
        if op == 0 and out:
            out[i] ^= 1 << rng.randrange(8)
        elif op == 1 and out:
            out[i] = rng.choice(INTERESTING_BYTES)
        elif op == 2:
            del out[i : i + rng.randint(1, 16)]
        elif op == 3:
            out[i:i] = out[i : i + rng.randint(1, 16)]
        elif op == 4:
            del out[rng.randrange(len(out) + 1) :]
        else:
            out[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(out)


def structural_mutation(data: bytes, rng: random.Random) -> bytes:
    """Replace, delete or add one value somewhere in the decoded document, then re-encode it."""
    document = msgpack.unpackb(data, raw=False)
    slots: list[tuple[Any, Any]] = []
    stack = [document]
    while stack:
        node = stack.pop()
        keys = list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else []
        for key in keys:
            slots.append((node, key))
            stack.append(node[key])
    container, key = rng.choice(slots)
    op = rng.randrange(4)
    if op == 0 and isinstance(container, dict):
        del container[key]
    elif op == 1 and isinstance(container, dict):
        container[rng.choice(["extra", "p", "config", "component", "layers.9.weight", key + "_"])] = rng.choice(
            INTERESTING_VALUES
        )
    else:
        container[key] = rng.choice(INTERESTING_VALUES)
    return msgpack.packb(document)


def run(seeds: dict[str, bytes], cases: int, folder: Path, seed: int = 0) -> Counter[str]:
    """Load ``cases`` mutants of the seed files; count outcomes; raise on anything but SpecError."""
    rng = random.Random(seed)
    outcomes: Counter[str] = Counter()
    names = sorted(seeds)
    path = folder / "mutant.minidl"
    for case in range(cases):
        source = seeds[names[case % len(names)]]
        mutant = structural_mutation(source, rng) if case % 3 == 2 else byte_mutation(source, rng)
        path.write_bytes(mutant)
        try:
            minidl.load(path)
        except minidl.SpecError as error:
            outcomes["SpecError " + str(error).split(":")[0].split("[")[0].split(".")[0]] += 1
        except Exception as error:
            raise AssertionError(
                f"case {case} (seed {seed}): {type(error).__name__}: {error}\nmutant: {mutant!r}"
            ) from error
        else:
            outcomes["loaded"] += 1
    return outcomes
