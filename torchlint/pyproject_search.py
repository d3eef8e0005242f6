"""Which pyproject.toml configures a path: the nearest one above it with a [tool.torchlint] table.

It imports no more than `os` and `sys` (and a TOML parser, for a file that names torchlint), so the
CLI's quick answer (quick_answer.py) asks it before anything else is imported, as config.py does.
"""
from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Optional


def nearest_pyproject(directory: str) -> Optional[str]:
    """The nearest pyproject.toml in `directory` or above it that has a [tool.torchlint] table, or that
    names torchlint but is no TOML (loading it reports what is wrong). Raises OSError for a file that
    cannot be read."""
    folder = directory
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate) and _has_torchlint_table(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def toml_parser() -> ModuleType:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on older Pythons
        import tomli as tomllib
    return tomllib


def _has_torchlint_table(path: str) -> bool:
    with open(path, "rb") as stream:
        data = stream.read()
    if b"torchlint" not in data:  # most pyproject.toml files: no TOML parse needed
        return False
    try:
        return "torchlint" in toml_parser().loads(data.decode()).get("tool", {})
    except ValueError:  # not TOML, or not UTF-8: report the broken file rather than silently skip it
        return True
