"""Malformed and hostile files: each raises SpecError naming the place in the file, never anything else."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgpack
import pytest

import minidl
from minidl import SpecError
from tests.workflow.files.helpers import read_doc, save_checkpoint, save_model, write_doc


@pytest.fixture()
def model_file(tmp_path: Path) -> Path:
    return save_model(tmp_path / "model.minidl")


def expect_error(path: Path, pattern: str) -> SpecError:
    """``minidl.load(path)`` raises a SpecError matching ``pattern``, in which ``{file}`` stands for the path."""
    with pytest.raises(SpecError) as info:
        minidl.load(path)
    assert re.search(pattern.replace("{file}", re.escape(str(path))), str(info.value)), str(info.value)
    return info.value


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.minidl").write_bytes(b"")
    expect_error(tmp_path / "e.minidl", r"^{file}: empty")


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04 a zip file", msgpack.packb({"format": "other", "version": 1}), msgpack.packb([1, 2])]
)
def test_wrong_magic(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "x.minidl").write_bytes(data)
    expect_error(tmp_path / "x.minidl", r"^{file}: not a minidl file")


def test_truncated_at_every_byte(model_file: Path, tmp_path: Path) -> None:
    data = model_file.read_bytes()
    cut = tmp_path / "cut.minidl"
    for n in range(1, len(data)):
        cut.write_bytes(data[:n])
        expect_error(cut, r"^{file}: (truncated|not a minidl file)")


def test_trailing_bytes(model_file: Path) -> None:
    model_file.write_bytes(model_file.read_bytes() + b"\x00")
    expect_error(model_file, r"^{file}: 1 trailing bytes")


@pytest.mark.parametrize("junk", [b"\xc1", b"\xd9\x02\xff\xfe"])  # never-used byte; invalid UTF-8 in a str
def test_invalid_msgpack(model_file: Path, junk: bytes) -> None:
    data = model_file.read_bytes()
    model_file.write_bytes(
        data[:1] + msgpack.packb("format") + msgpack.packb("minidl") + msgpack.packb("version") + junk + data[30:]
    )
    expect_error(model_file, r"^{file}: invalid msgpack")


def test_deep_nesting(tmp_path: Path) -> None:
    head = b"\x82" + msgpack.packb("format") + msgpack.packb("minidl") + msgpack.packb("deep")
    path = tmp_path / "deep.minidl"
    path.write_bytes(head + b"\x91" * 100_000 + b"\xc0")
    expect_error(path, r"^{file}: invalid msgpack \(StackError")
    path.write_bytes(head + b"\x91" * 900 + b"\xc0")  # within msgpack's limit: the walk must not recurse
    expect_error(path, r"^version: expected an int")


def raw_map(pairs: list[tuple[bytes, bytes]]) -> bytes:
    return bytes([0x80 | len(pairs)]) + b"".join(k + v for k, v in pairs)


def test_duplicate_keys_are_named_with_their_place(model_file: Path, tmp_path: Path) -> None:
    doc = read_doc(model_file)
    p = msgpack.packb
    config = raw_map([(p("p"), p(0.1)), (p("p"), p(0.2))])
    layer = raw_map([(p("component"), p("Dropout")), (p("config"), config)])
    spec = raw_map([(p("model"), raw_map([(p("layers"), b"\x91" + layer)])), (p("training"), p(None))])
    pairs = [(p(k), spec if k == "spec" else p(v)) for k, v in doc.items()]
    path = tmp_path / "dup.minidl"
    path.write_bytes(raw_map(pairs))
    expect_error(path, r"^spec\.model\.layers\[0\]\.config: duplicate key 'p'")
    path.write_bytes(raw_map([*pairs[:-1], (p("format"), p("minidl")), pairs[-1]]))  # tensors stays last
    expect_error(path, r"^{file}: duplicate key 'format'")


def test_non_string_keys(model_file: Path, tmp_path: Path) -> None:
    doc = read_doc(model_file)
    p = msgpack.packb
    pairs = [(p(k), p(v)) for k, v in doc.items() if k != "producer"]
    pairs.insert(2, (p("producer"), raw_map([(p(b"minidl"), p("0.1.0")), (p("components"), p([]))])))
    path = tmp_path / "keys.minidl"
    path.write_bytes(raw_map(pairs))
    expect_error(path, r"^producer: map key b'minidl' is not a string")
    pairs[2] = (p("producer"), raw_map([(p(1), p("0.1.0"))]))
    path.write_bytes(raw_map(pairs))
    expect_error(path, r"^{file}: invalid msgpack \(ValueError")  # msgpack itself refuses ints with strict_map_key


def test_extension_types_are_refused(model_file: Path, tmp_path: Path) -> None:
    doc = read_doc(model_file)
    doc["producer"]["minidl"] = msgpack.ExtType(5, b"code")
    expect_error(write_doc(tmp_path / "ext.minidl", doc), r"^producer\.minidl: msgpack extension type 5 is not allowed")


def put_before_tensors(doc: dict[str, Any], key: str, value: Any) -> None:
    """Add a top-level entry where the format allows one: before ``tensors``, which stays last."""
    tensors = doc.pop("tensors")
    doc[key] = value
    doc["tensors"] = tensors


def put_tensors_first(doc: dict[str, Any]) -> None:
    """Move ``tensors`` right after ``format`` (the magic), breaking the rule that it comes last."""
    items = list(doc.items())
    doc.clear()
    doc.update([items[0], ("tensors", dict(items)["tensors"]), *(i for i in items[1:] if i[0] != "tensors")])


def table_entry(doc: dict[str, Any], name: str = "layers.0.weight") -> dict[str, Any]:
    return doc["tensors"][name]


def set_crc(entry: dict[str, Any]) -> None:
    entry["crc32"] = zlib.crc32(entry["data"])


MODEL_CASES: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "format id": (lambda d: d.update(format="minidl2"), r"^{file}: not a minidl file"),
    "newer version": (
        lambda d: d.update(version=2),
        r"^version: .*format version 2.*reads versions up to 1.*install minidl>=0\.1\.0",
    ),
    "version type": (lambda d: d.update(version="1"), r"^version: expected an int"),
    "unknown kind": (lambda d: d.update(kind="weights"), r"^kind: expected one of spec, model, checkpoint"),
    "extra top key": (lambda d: put_before_tensors(d, "code", "import os"), r"^code: unexpected key"),
    "tensors not last": (put_tensors_first, r"^tensors: must be the last entry of the file's map, but 4 more follow"),
    "missing top key": (lambda d: d.pop("producer"), r"^producer: missing"),
    "producer type": (lambda d: d["producer"].update(components={}), r"^producer\.components: expected a list"),
    "unknown dtype": (
        lambda d: table_entry(d).update(dtype="object"),
        r'^tensors\["layers\.0\.weight"\]\.dtype: expected one of',
    ),
    "negative shape": (
        lambda d: table_entry(d).update(shape=[-8, 2]),
        r'^tensors\["layers\.0\.weight"\]\.shape\[0\]: expected an int in \[0,',
    ),
    "huge shape": (
        lambda d: table_entry(d).update(shape=[2**32 - 1] * 4),
        r'^tensors\["layers\.0\.weight"\]\.shape: .* more elements',
    ),
    "shape not ints": (lambda d: table_entry(d).update(shape=[8.0, 2]), r"\.shape\[0\]: expected an int"),
    "too many dims": (lambda d: table_entry(d).update(shape=[1] * 40), r"\.shape: expected at most 32 dimensions"),
    "byte length": (
        lambda d: table_entry(d).update(data=table_entry(d)["data"][:-4]),
        r'^tensors\["layers\.0\.weight"\]\.data: expected 16 x 4 = 64 bytes',
    ),
    "data not bytes": (lambda d: table_entry(d).update(data="abc"), r"\.data: expected binary data"),
    "checksum": (
        lambda d: table_entry(d).update(crc32=(table_entry(d)["crc32"] + 1) % 2**32),
        r'^tensors\["layers\.0\.weight"\]\.data: checksum mismatch',
    ),
    "flipped byte": (
        lambda d: table_entry(d).update(
            data=b"\x00" + table_entry(d)["data"][1:]
            if table_entry(d)["data"][0]
            else b"\x01" + table_entry(d)["data"][1:]
        ),
        r"checksum mismatch",
    ),
    "missing tensor": (
        lambda d: d["tensors"].pop("layers.2.bias"),
        r'^tensors\["layers\.2\.bias"\]: missing \(layer 2, Linear',
    ),
    "extra tensor": (
        lambda d: d["tensors"].update({"evil.x": dict(table_entry(d))}),
        r'^tensors\["evil\.x"\]: unexpected tensor',
    ),
    "wrong shape for architecture": (
        lambda d: (table_entry(d).update(shape=[2, 8]), set_crc(table_entry(d))),
        r'^tensors\["layers\.0\.weight"\]\.shape: expected \[8, 2\] for layer 0 '
        r"\(Linear\(in_features=2, out_features=8",
    ),
    "wrong dtype for spec": (
        lambda d: table_entry(d, "layers.0.bias").update(dtype="int32"),
        r'^tensors\["layers\.0\.bias"\]\.dtype: expected float32',
    ),
    "table type": (lambda d: d.update(tensors=[]), r"^tensors: expected a map"),
    "unknown component": (
        lambda d: (
            d["spec"]["model"]["layers"][1].update(component="minidl-extra:Swish"),
            d["producer"]["components"].append(
                {"kind": "module", "id": "minidl-extra:Swish", "distribution": "minidl-extra", "version": "0.1.0"}
            ),
        ),
        r"^spec\.model\.layers\[1\]\.component: unknown module 'minidl-extra:Swish'"
        r".*provided by minidl-extra 0\.1\.0.*install minidl-extra>=0\.1\.0",
    ),
    "config wrong type": (
        lambda d: d["spec"]["model"]["layers"][0]["config"].update(out_features="8"),
        r"^spec\.model\.layers\[0\]\.config\.out_features: expected int",
    ),
    "config out of range": (
        lambda d: d["spec"]["model"]["layers"][0]["config"].update(out_features=0),
        r"^spec\.model\.layers\[0\]\.config\.out_features: expected int >= 1",
    ),
    "unknown config key": (
        lambda d: d["spec"]["model"]["layers"][0]["config"].update(code="rm -rf"),
        r"^spec\.model\.layers\[0\]\.config: unknown parameter 'code'",
    ),
    "dtype not a string": (lambda d: d["spec"]["model"].update(dtype=[1]), r"^spec\.model\.dtype: expected one of"),
    "training value": (lambda d: d["spec"]["training"].update(epochs=-1), r"^spec\.training\.epochs: expected an int"),
    "bool bytes": (
        lambda d: (table_entry(d).update(dtype="bool", shape=[64], data=b"\x02" * 64), set_crc(table_entry(d))),
        r"(dtype: expected float32|0 or 1)",
    ),
    "spec tensors in a model": (lambda d: d.update(kind="spec"), r"^tensors: expected nil in a spec file"),
}


@pytest.mark.parametrize("case", sorted(MODEL_CASES))
def test_broken_model_file(model_file: Path, tmp_path: Path, case: str) -> None:
    change, pattern = MODEL_CASES[case]
    doc = read_doc(model_file)
    change(doc)
    expect_error(write_doc(tmp_path / "broken.minidl", doc), pattern)


def state(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["state"]


CHECKPOINT_CASES: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "missing state": (lambda d: d.pop("state"), r"^state: missing"),
    "state in a model": (lambda d: d.update(kind="model"), r"^state: unexpected key"),
    "epoch mismatch": (lambda d: state(d).update(epoch=5), r"^state\.epoch: expected 2"),
    "history entry": (
        lambda d: state(d)["history"][1].update(test_error="low"),
        r"^state\.history\[1\]\.test_error: expected a float",
    ),
    "history order": (lambda d: state(d)["history"][1].update(epoch=7), r"^state\.history\[1\]\.epoch: expected 2"),
    "dangling tensor name": (
        lambda d: state(d)["optimizer"]["state"]["exp_avg"].__setitem__(0, "nowhere"),
        r"^state\.optimizer\.state\.exp_avg\[0\]: names tensor 'nowhere'",
    ),
    "tensor named twice": (
        lambda d: state(d)["optimizer"]["state"]["exp_avg"].__setitem__(1, "optimizer.exp_avg.0"),
        r"state\.optimizer\.state\.exp_avg\[1\]: names tensor 'optimizer\.exp_avg\.0'.*named twice",
    ),
    "unused state tensor": (
        lambda d: state(d)["optimizer"]["state"]["exp_avg_sq"].pop(),
        r'^tensors\["optimizer\.exp_avg_sq\.3"\]: unexpected tensor',
    ),
    "buffer count": (
        lambda d: (state(d)["optimizer"]["state"]["exp_avg_sq"].pop(), d["tensors"].pop("optimizer.exp_avg_sq.3")),
        r"^state\.optimizer: Adam\.load_state_dict: buffer 'exp_avg_sq' does not match",
    ),
    "optimizer config": (
        lambda d: state(d)["optimizer"]["config"].update(lr=-1.0),
        r"^state\.optimizer: Adam state\.config\.lr: expected float >= 0",
    ),
    "steps type": (lambda d: state(d)["optimizer"].update(steps=1.5), r"^state\.optimizer\.steps: expected an int"),
    "scheduler value type": (
        lambda d: state(d)["scheduler"].update(best="inf"),
        r"^state\.scheduler\.best: expected float",
    ),
    "scheduler extra key": (
        lambda d: state(d)["scheduler"].update(hook="x"),
        r"^state\.scheduler\.hook: unexpected key",
    ),
    "scheduler missing": (
        lambda d: state(d).update(scheduler=None),
        r"^state\.scheduler: expected a map to match spec\.training\.scheduler",
    ),
    "rng shape": (
        lambda d: (
            table_entry(d, "rng.torch").update(shape=[4], data=b"\x00" * 4),
            set_crc(table_entry(d, "rng.torch")),
        ),
        r"^state\.rng\.torch: not a CPU generator state",
    ),
    "rng dtype": (
        lambda d: (table_entry(d, "rng.shuffle").update(dtype="int8"), set_crc(table_entry(d, "rng.shuffle"))),
        r"^state\.rng\.shuffle: not a CPU generator state",
    ),
    "no training": (lambda d: d["spec"].update(training=None), r"^spec\.training: a checkpoint needs a training setup"),
}


@pytest.mark.parametrize("case", sorted(CHECKPOINT_CASES))
def test_broken_checkpoint_file(tmp_path: Path, case: str) -> None:
    change, pattern = CHECKPOINT_CASES[case]
    doc = read_doc(save_checkpoint(tmp_path / "c.minidl"))
    change(doc)
    expect_error(write_doc(tmp_path / "broken.minidl", doc), pattern)


def test_oversized_file_is_refused_before_reading(model_file: Path) -> None:
    with pytest.raises(SpecError, match=rf"^{re.escape(str(model_file))}: \d+ bytes is more than the limit of 100"):
        minidl.load(model_file, max_bytes=100)


def test_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="not a regular file"):
        minidl.load(tmp_path)
