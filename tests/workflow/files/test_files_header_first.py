"""The header is checked before any tensor is allocated: ``tensors`` comes last, and reaching it checks the rest.

A 64 MiB model file with a bad kind, a newer format version or an unknown component is refused
without its payload costing memory; the same file intact does cost its 64 MiB (so the measure works).
Memory is the peak resident set of a fresh process (``VmHWM``), which sees every allocation torch makes
(``ru_maxrss`` would not do: Linux carries it over from the forking process, here pytest, across exec).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import minidl
from tests.workflow.files.helpers import read_doc, tiny_spec

MIB = 2**20
LOAD = """
import json, sys
import minidl

def peak():
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) * 1024

minidl.registry.catalog()
minidl.load(sys.argv[1])  # a small file first: the code paths and the checksum thread exist before measuring
growth, errors = [], []
for path in sys.argv[2:]:
    before = peak()
    try:
        minidl.load(path)
        errors.append(None)
    except minidl.SpecError as error:
        errors.append(str(error))
    growth.append(peak() - before)
print(json.dumps({"growth": growth, "errors": errors}))
"""


def patched(source: Path, target: Path, old: bytes, new: bytes) -> Path:
    """``source`` with ``old`` replaced by ``new`` (same length) in its header: the first 4 KiB, before the payload."""
    data = source.read_bytes()
    assert len(old) == len(new) and old in data[:4096]
    target.write_bytes(data[:4096].replace(old, new) + data[4096:])
    return target


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from Linux's /proc")
def test_a_bad_header_is_refused_before_the_payloads_are_read(tmp_path: Path) -> None:
    small = tmp_path / "small.minidl"
    minidl.save(minidl.Sequential(minidl.Linear(2, 2)), small)
    good = tmp_path / "good.minidl"
    minidl.save(minidl.Sequential(minidl.Linear(4096, 4096, bias=False)), good)  # 64 MiB of weights
    bad = [
        patched(good, tmp_path / "kind.minidl", b"\xa5model", b"\xa5bogus"),
        patched(good, tmp_path / "version.minidl", b"\xa7version\x01", b"\xa7version\x02"),
        patched(good, tmp_path / "component.minidl", b"minidl:Linear", b"minidl:Lineax"),
    ]
    out = subprocess.run(
        [sys.executable, "-c", LOAD, small, *bad, good], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(out.stdout)
    *refused, loaded = result["errors"]
    assert refused[0].startswith("kind: expected one of spec, model, checkpoint, got 'bogus'")
    assert refused[1].startswith("version: this file has format version 2")
    assert refused[2].startswith("spec.model.layers[0].component: unknown module 'minidl:Lineax'")
    assert loaded is None
    *bad_growth, good_growth = result["growth"]
    assert max(bad_growth) < 8 * MIB, result
    assert good_growth > 48 * MIB, result  # the measure sees the 64 MiB when they are allocated


def test_writers_put_tensors_last(tmp_path: Path) -> None:
    spec = tiny_spec(epochs=1)
    minidl.save_spec(spec, tmp_path / "spec.minidl")
    minidl.save(minidl.build_model(spec), tmp_path / "model.minidl", training=spec["training"])
    run = minidl.Run(spec)
    run.fit()
    run.save_checkpoint(tmp_path / "checkpoint.minidl")
    for kind in ("spec", "model", "checkpoint"):
        assert list(read_doc(tmp_path / f"{kind}.minidl"))[-1] == "tensors", kind
