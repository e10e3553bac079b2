"""Atomic file replacement: a reader sees the old file or the new one, never half of one.

The temporary file is ``.minidl-<12 hex digits>.tmp`` in the target's folder (the rename must not
cross file systems): 24 bytes whatever the target's name, so any name the file system allows can be
saved. Signals are held while it exists (``held_signals.py``): Ctrl-C, SIGTERM or SIGHUP at any
moment leave the old file or the new one and no temporary file (only SIGKILL can leave one).
Errors name the user's path, never the temporary one, and say why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from minidl.workflow.files.held_signals import HeldSignals

_WHY = {
    getattr(errno, code): why
    for code, why in (
        ("ENOSPC", "the disk is full"),
        ("EDQUOT", "the disk quota is used up"),
        ("EFBIG", "the file would pass the size limit on files, see ulimit -f"),
        ("EROFS", "the file system is read-only"),
    )
    if hasattr(errno, code)
}
_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def atomic_write(path: str | os.PathLike[str], write: Callable[[BinaryIO], None]) -> None:
    """Run ``write`` on a temporary file in ``path``'s folder, fsync it, rename it over ``path``, fsync the folder.

    If anything fails, or a signal stops the process, before the rename, ``path`` keeps its previous
    content and the temporary file is removed; an ``OSError`` names ``path`` and says why.
    """
    path = Path(path)
    temporary = None
    with HeldSignals() as held:
        try:
            file, temporary = _create_temporary(path.parent)
            with file, held.released():  # a long write may be stopped; the cleanup below runs with signals held
                write(file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            if isinstance(error, OSError):
                raise _explained(error, path) from None
            raise
    _fsync_folder(path.parent)


def check_target(path: str | os.PathLike[str]) -> bool:
    """Whether a regular file at ``path`` would be replaced; an ``OSError`` if ``atomic_write`` could not write there.

    For checking before long work, so that the work is not lost: the path must not be a folder or a
    special file (a FIFO or ``/dev/null`` would be replaced by a regular file), its name must fit the
    file system (``stat`` says so), and its folder must exist and take the writer's temporary file (one is
    created and removed: permissions alone do not tell, e.g. for root in ``/proc`` or on a read-only mount).
    """
    path = Path(path)
    name = os.fspath(path)
    try:
        mode: int | None = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:  # a name too long, a file where a folder should be (ENOTDIR), a loop of links...
        raise OSError(error.errno, error.strerror, name) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", name)
    if mode is not None and not stat.S_ISREG(mode):
        kind = next((kind for test, kind in _KINDS if test(mode)), "a special file")
        raise OSError(errno.EINVAL, f"is {kind}, not a regular file (saving would replace it)", name)
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"the folder {folder} does not exist", name)
    try:
        probe, temporary = _create_temporary(folder)
    except OSError as error:
        raise OSError(error.errno, f"cannot write in the folder {folder} ({error.strerror})", name) from None
    try:
        probe.close()
    finally:  # also when a signal lands here
        temporary.unlink()
    return mode is not None


def _create_temporary(folder: Path) -> tuple[BinaryIO, Path]:
    temporary = folder / f".minidl-{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    return os.fdopen(fd, "wb"), temporary


def _explained(error: OSError, path: Path) -> OSError:
    """The same error about the user's ``path`` (not the temporary file), with why when the reason is terse."""
    reason = error.strerror or str(error)
    why = _WHY.get(error.errno or 0)
    return OSError(error.errno, f"cannot save: {reason}" + (f" ({why})" if why else ""), os.fspath(path))


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; Windows cannot open a folder for fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
