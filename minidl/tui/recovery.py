"""Where the app keeps the user's network when it has to stop unexpectedly, and how it finds it again.

Each rescue is its own file (``recovered-<date>-<time to the microsecond>-<pid>.minidl``), so a second
rescue never replaces the first one's work, even within the same second; ``minidl-tui --recover`` and
the next start offer the newest. No Textual here: the app decides when, this module only where and how.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from minidl.tui.session import Session

PATTERN = "recovered-*.minidl"


def default_folder() -> Path:
    """``$MINIDL_RECOVERY_DIR``, else ``$XDG_STATE_HOME/minidl/recovered`` (``~/.local/state/...``)."""
    explicit = os.environ.get("MINIDL_RECOVERY_DIR")
    if explicit:
        return Path(explicit)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "minidl" / "recovered"


def write(session: Session, folder: Path) -> Path:
    """Save the session (a checkpoint when it has a trainer, else its spec) under a new name in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"recovered-{datetime.now():%Y%m%d-%H%M%S.%f}-{os.getpid()}.minidl"
    session.save(path, "checkpoint" if session.trainer is not None else "spec")
    return path


def newest(folder: Path) -> Path | None:
    """The most recent rescue in ``folder``, or None (names sort by time)."""
    found = sorted(folder.glob(PATTERN)) if folder.is_dir() else []
    return found[-1] if found else None
