"""Reading the free memory portably, and counting what a job needs without allocating it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

import minidl
from minidl.workflow import memory

GiB = 2**30


def test_bytes_read_as_people_write_them() -> None:
    assert [memory.format_bytes(n) for n in (0, 1023, 1536, 10 * 2**20, 3 * GiB // 2, 2**46)] == [
        "0 B",
        "1023 B",
        "1.5 KiB",
        "10.0 MiB",
        "1.5 GiB",
        "64.0 TiB",
    ]


def test_proc_files_are_read_in_bytes(tmp_path: Path) -> None:
    path = tmp_path / "meminfo"
    path.write_text("MemTotal:       24683792 kB\nMemAvailable:      100 kB\nHugePages_Total:       0\nbad line\n")
    assert memory._kib_fields(str(path)) == {"MemTotal": 24683792 * 1024, "MemAvailable": 100 * 1024}
    assert memory._kib_fields(str(tmp_path / "missing")) == {}


def fake_proc(monkeypatch: pytest.MonkeyPatch, meminfo: dict[str, int], status: dict[str, int]) -> None:
    files = {"/proc/meminfo": meminfo, "/proc/self/status": status}
    monkeypatch.setattr(memory, "_kib_fields", lambda path: files[path])


def test_available_memory_is_mem_available_plus_free_swap(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_proc(monkeypatch, {"MemAvailable": 3 * GiB, "SwapFree": GiB, "MemFree": GiB}, {})
    assert memory.available_bytes() == 4 * GiB


@pytest.mark.skipif(sys.platform == "win32", reason="address-space limits are a Unix idea")
def test_an_address_space_limit_caps_the_available_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    fake_proc(monkeypatch, {"MemAvailable": 8 * GiB}, {"VmSize": GiB})
    monkeypatch.setattr(resource, "getrlimit", lambda which: (3 * GiB, resource.RLIM_INFINITY))
    assert memory.available_bytes() == 2 * GiB  # ulimit -v 3 GiB, of which 1 GiB is mapped already
    monkeypatch.setattr(resource, "getrlimit", lambda which: (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    assert memory.available_bytes() == 8 * GiB


def test_without_proc_the_free_pages_are_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_proc(monkeypatch, {}, {})
    free = memory.available_bytes()
    assert free is None or free > 0  # os.sysconf where the system has it; None (nothing refused) elsewhere


def test_the_real_system_says_something_on_linux() -> None:
    if not Path("/proc/meminfo").exists():
        pytest.skip("not Linux")
    free = memory.available_bytes()
    assert free is not None and 0 < free < 2**60


def test_weights_are_counted_without_memory_in_the_models_dtype() -> None:
    layers = [
        {"component": "minidl:Linear", "config": {"in_features": 2**20, "out_features": 2**20, "bias": True}},
        {"component": "minidl:ReLU", "config": {}},
    ]
    expected = (2**40 + 2**20) * 8
    assert memory.weight_bytes(layers, torch.float64) == expected  # 8 TiB, measured on the meta device


def test_data_sets_are_counted_from_two_points() -> None:
    circle = minidl.Circle(n_train=1000, n_test=500)
    assert memory.data_bytes(circle, torch.float32) == 1500 * (2 * 4 + 8)
    assert memory.data_bytes(circle, torch.float64) == 1500 * (2 * 8 + 8)
    assert memory.data_bytes(minidl.Dataset(), torch.float32) == 0  # cannot tell without loading
