"""Writes are atomic: a save killed half-way, or failing, leaves the previous file intact and loadable."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch

import minidl
from minidl.workflow.files import atomic
from tests.workflow.files.helpers import refuse_temporary_files, save_model

ROOT = Path(__file__).resolve().parents[3]
TEMPORARY = r"\.minidl-[0-9a-f]{12}\.tmp"  # short and of fixed length, whatever the target's name

SAVE_FOREVER = textwrap.dedent(
    """
    import sys
    import minidl
    model = minidl.Sequential(*[minidl.Linear(1500, 1500) for _ in range(8)])   # 72 MB per save
    print("ready", flush=True)
    while True:
        minidl.save(model, sys.argv[1])
    """
)


def _saving(folder: Path) -> bool:
    """Whether a temporary file of over 1 MB is in ``folder`` (a save is half-way)."""
    for p in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):  # renamed while we looked
            if p.name.endswith(".tmp") and p.stat().st_size > 1_000_000:
                return True
    return False


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_process_stopped_mid_save_leaves_the_previous_file(tmp_path: Path, signum: int) -> None:
    """SIGTERM (its default action) left the temporary file in 12 of 22 trials: now only SIGKILL can."""
    path = save_model(tmp_path / "model.minidl")
    before = path.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-c", SAVE_FOREVER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while not _saving(tmp_path):
            assert time.monotonic() < deadline, "the save never started"
            time.sleep(0.005)
        os.kill(process.pid, signum)
        process.wait(timeout=60)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signum
    assert len(minidl.load(path).model) in (3, 8)  # the old file or the new one, whole
    if path.read_bytes() != before:
        assert signum == signal.SIGTERM  # held until the rename was done
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    if signum == signal.SIGKILL:
        assert path.read_bytes() == before and len(leftovers) == 1 and re.fullmatch(TEMPORARY, leftovers[0])
    else:
        assert leftovers == []


def test_failed_save_keeps_the_previous_file_and_removes_its_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_model(tmp_path / "model.minidl")
    before = path.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        minidl.save(minidl.Sequential(minidl.Linear(2, 2)), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.minidl"]


def test_save_replaces_the_file_with_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "m.minidl"
    minidl.save(minidl.Sequential(minidl.Linear(2, 2)), path)
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    minidl.save(minidl.Sequential(minidl.Linear(2, 3)), path)
    assert torch.Size([3, 2]) == minidl.load(path).model[0].weight.value.shape


def test_the_temporary_file_has_a_short_fixed_name_in_the_target_folder(tmp_path: Path) -> None:
    seen = []
    path = tmp_path / ("m" * 200 + ".minidl")
    atomic.atomic_write(path, lambda file: seen.extend(p.name for p in tmp_path.iterdir()))
    assert len(seen) == 1 and re.fullmatch(TEMPORARY, seen[0])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_the_longest_name_the_file_system_allows_can_be_saved(tmp_path: Path) -> None:
    """A 247-character name failed: the temporary name (the name plus 20 bytes) passed 255 bytes."""
    longest = os.pathconf(tmp_path, "PC_NAME_MAX")
    path = tmp_path / ("m" * (longest - len(".minidl")) + ".minidl")
    save_model(path)
    assert len(minidl.load(path).model) == 3


def test_disk_full_names_the_users_file_and_says_why(tmp_path: Path) -> None:
    """ENOSPC named no file (or the temporary one); the old file stays, the temporary one goes."""
    path = save_model(tmp_path / "model.minidl")
    before = path.read_bytes()

    def fill_the_disk(file) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), file.name)

    with pytest.raises(OSError) as caught:
        atomic.atomic_write(path, fill_the_disk)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    assert caught.value.strerror == "cannot save: No space left on device (the disk is full)"
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["model.minidl"]


def test_a_file_over_the_size_limit_says_so(tmp_path: Path) -> None:
    """Under ``ulimit -f`` the write fails with EFBIG (Python ignores SIGXFSZ): name the file and the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    model = minidl.Sequential(minidl.Linear(200, 200))  # 160 kB of weights
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, hard))
    try:
        with pytest.raises(OSError) as caught:
            minidl.save(model, tmp_path / "big.minidl")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert caught.value.errno == errno.EFBIG and caught.value.filename == str(tmp_path / "big.minidl")
    assert "ulimit -f" in caught.value.strerror
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_the_write_stops_it_and_removes_the_temporary_file(tmp_path: Path) -> None:
    path = save_model(tmp_path / "model.minidl")
    before = path.read_bytes()

    def interrupted(file) -> None:
        file.write(b"half")
        signal.raise_signal(signal.SIGINT)  # Python's own handler: KeyboardInterrupt, at once
        raise AssertionError("the write went on after Ctrl-C")

    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(path, interrupted)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["model.minidl"]


def test_a_signal_during_the_rename_waits_until_it_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the write and the rename a signal is held: the new file lands whole, then the signal acts."""
    path = save_model(tmp_path / "model.minidl")
    replace = os.replace

    def signalled_replace(source, target) -> None:
        signal.raise_signal(signal.SIGINT)
        replace(source, target)

    monkeypatch.setattr(atomic.os, "replace", signalled_replace)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(path, lambda file: file.write(b"new"))
    assert path.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["model.minidl"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers are put back


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d, "is a folder"),
        (lambda d: (os.mkfifo(d / "fifo"), d / "fifo")[1], "is a FIFO"),
        (lambda d: Path(os.devnull), "is a device"),
        (lambda d: d / "missing" / "m.minidl", f"the folder {{d}}{os.sep}missing does not exist"),
        (lambda d: (d / "file").touch() or d / "file" / "m.minidl", "Not a directory"),
        (lambda d: d / ("m" * 300), "File name too long"),
    ],
    ids=["folder", "fifo", "device", "missing folder", "file as folder", "name too long"],
)
def test_targets_that_cannot_be_saved_are_found_before_any_work(tmp_path: Path, make, reason: str) -> None:
    target = make(tmp_path)
    with pytest.raises(OSError) as caught:
        atomic.check_target(target)
    assert caught.value.filename == str(target)
    assert caught.value.strerror.startswith(reason.format(d=tmp_path))


def test_check_target_says_whether_a_file_would_be_replaced(tmp_path: Path) -> None:
    assert atomic.check_target(tmp_path / "new.minidl") is False
    assert atomic.check_target(save_model(tmp_path / "old.minidl")) is True


def test_a_folder_without_write_permission_is_found_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_temporary_files(monkeypatch)
    with pytest.raises(PermissionError, match=r"cannot write in the folder .* \(Permission denied\)"):
        atomic.check_target(tmp_path / "m.minidl")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_that_takes_no_files_even_from_root_is_found_before_any_work(tmp_path: Path) -> None:
    """As root, ``--output /proc/m.minidl`` passed the check (permissions allow root everything), trained, then
    could not save: the check now creates (and removes) the writer's temporary file."""
    with pytest.raises(OSError, match="cannot write in the folder /proc"):
        atomic.check_target("/proc/m.minidl")
    atomic.check_target(tmp_path / "m.minidl")
    assert list(tmp_path.iterdir()) == []  # the probe is gone
