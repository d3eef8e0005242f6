"""Which processes a run left behind, read off /proc (Linux): by session, by parent, by environment."""
from __future__ import annotations

import os
from pathlib import Path
from typing import List

MARKER = "TORCHLINT_TEST_SESSION"


def _stat_fields(pid: str) -> List[str]:
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()  # state, ppid, pgrp, session, ...


def _live_pids() -> List[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _stat_fields(entry.name)[0] != "Z":
                    found.append(entry.name)
            except (OSError, IndexError):
                continue
    return found


def _where(field: int, value: int) -> List[int]:
    """Live processes whose /proc stat field (after the name) equals `value`."""
    pids = []
    for pid in _live_pids():
        try:
            if int(_stat_fields(pid)[field]) == value:
                pids.append(int(pid))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def in_session(session: int) -> List[int]:
    return _where(3, session)


def carrying_marker(value: str) -> List[int]:
    """Processes started (directly or not) by this test session, still alive."""
    needle = f"{MARKER}={value}".encode()
    pids = []
    for pid in _live_pids():
        if int(pid) == os.getpid():
            continue
        try:
            if needle in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
                pids.append(int(pid))
        except OSError:
            continue
    return pids


def children_of(parent: int) -> List[int]:
    return _where(1, parent)
