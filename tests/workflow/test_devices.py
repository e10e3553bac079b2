"""The device as a runtime choice: names checked in one line, nothing about a device written into a file.

CUDA's absence and a missing CUDA index are reproduced on any machine by telling ``torch.cuda`` what
to answer; the GPU itself is exercised by ``test_cuda.py`` (marker ``cuda``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import minidl
from minidl.workflow.devices import resolve_device
from tests.workflow.files.helpers import tiny_spec


def fake_gpus(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """Make ``torch.cuda`` report ``count`` devices (nothing is allocated on them in these tests)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: count > 0)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)


def test_names_resolve_to_torch_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_device("cpu") == resolve_device(torch.device("cpu")) == torch.device("cpu")
    fake_gpus(monkeypatch, 0)
    assert resolve_device("auto") == torch.device("cpu")
    fake_gpus(monkeypatch, 2)
    assert resolve_device("auto") == resolve_device("cuda") == torch.device("cuda", 0)
    assert resolve_device("cuda:1") == torch.device("cuda", 1)


@pytest.mark.parametrize(
    "name,gpus,message",
    [
        ("gpu", 1, "device 'gpu': unknown device; expected cpu, cuda, cuda:N or auto"),
        ("cuda:x", 1, "device 'cuda:x': unknown device"),
        ("mps", 1, "device 'mps': minidl runs on cpu, cuda, cuda:N or auto, not on 'mps'"),
        ("cuda", 0, "device 'cuda': "),
        ("cuda:2", 2, "device 'cuda:2': no such GPU here; there are 2 (cuda:0 to cuda:1)"),
    ],
)
def test_a_bad_device_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, gpus: int, message: str
) -> None:
    fake_gpus(monkeypatch, gpus)
    with pytest.raises(minidl.ConfigError) as caught:
        minidl.Runtime(device=name)
    text = str(caught.value)
    assert text.startswith(message) and "\n" not in text


def test_cuda_without_cuda_says_what_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_gpus(monkeypatch, 0)
    with pytest.raises(minidl.ConfigError, match=r"use cpu \(or auto"):
        minidl.build_trainer(tiny_spec(), device="cuda")


def test_the_meta_device_loads_files_but_runs_nothing(tmp_path: Path) -> None:
    run = minidl.Run(tiny_spec(), runtime=minidl.Runtime(device="cpu"))
    run.fit(1)
    run.save_checkpoint(tmp_path / "run.minidl")
    loaded = minidl.load(tmp_path / "run.minidl", device="meta")
    assert {t.device.type for p in loaded.model.param() for t in (p.value,)} == {"meta"}
    assert {t.device.type for ts in loaded.state.optimizer.state.values() for t in ts or []} == {"meta"}
    with pytest.raises(minidl.ConfigError, match="device 'meta': it holds shapes, not values"):
        minidl.Runtime(device="meta")


def test_a_run_on_a_chosen_device_writes_the_same_file_as_the_default(tmp_path: Path) -> None:
    """A file holds no device: the run on ``cpu`` (named) and the default run write the same bytes."""
    paths = []
    for i, runtime in enumerate((minidl.Runtime(), minidl.Runtime(device="cpu", graphs=False))):
        run = minidl.Run(tiny_spec(), runtime=runtime)
        run.fit(2)
        paths.append(tmp_path / f"{i}.minidl")
        run.save_checkpoint(paths[-1])
    assert _contents(paths[0]) == _contents(paths[1])


def _contents(path: Path) -> dict:
    loaded = minidl.load(path)
    return {name: p.value.tolist() for name, p in loaded.model.named_parameters()} | {"spec": loaded.spec}


def test_data_is_drawn_on_the_cpu_then_moved(monkeypatch: pytest.MonkeyPatch) -> None:
    """The data set draws from a CPU generator whatever the device; the Trainer moves it to the model."""
    seen = []
    sample = minidl.Circle.sample

    def spy(self: minidl.Circle, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        seen.append(generator.device)
        return sample(self, n, generator)

    monkeypatch.setattr(minidl.Circle, "sample", spy)
    trainer = minidl.build_trainer(tiny_spec(), device="cpu")
    assert set(seen) == {torch.device("cpu")} and trainer.data.train_x.device == trainer.model.placement()[1]


def test_runtime_choices_are_never_written_into_the_spec() -> None:
    run = minidl.Run(tiny_spec(), runtime=minidl.Runtime(device="cpu", precision="bf16", graphs=False))
    text = repr(run.spec)
    assert "cpu" not in text and "bf16" not in text and "graphs" not in text
