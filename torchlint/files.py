"""Which files a run looks at, and the dotted module name each one has."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator, List, Tuple

SKIPPED_DIRECTORIES = frozenset(
    (
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".torchlint_cache", "build", "dist", "site-packages",
        "__pypackages__", ".eggs",
    )
)
PYTHON_SUFFIXES = (".py", ".pyi")


class PathNotFound(Exception):
    pass


def discover(paths: Iterable[str]) -> List[Path]:
    """Files named on the command line are taken as they are; directories are searched for *.py."""
    found: List[Path] = []
    seen = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates: Iterable[Path] = _walk(path)
        elif path.exists() or path.is_symlink():
            candidates = [path]
        else:
            raise PathNotFound(f"{raw}: no such file or directory")
        for candidate in candidates:
            key = os.path.normpath(str(candidate))
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(root: Path) -> Iterator[Path]:
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES
            and not name.endswith(".egg-info")
            and not (Path(directory, name, "pyvenv.cfg")).exists()
        )
        for name in sorted(files):
            if name.endswith(PYTHON_SUFFIXES):
                yield Path(directory, name)


def module_name(path: Path) -> Tuple[str, str]:
    """(`pkg.sub.mod`, `pkg.sub`) for pkg/sub/mod.py, climbing while folders hold __init__.py."""
    path = Path(os.path.abspath(path))
    parts = [] if path.stem == "__init__" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
        parts.insert(0, directory.name)
        directory = directory.parent
    name = ".".join(parts) or path.stem
    package = ".".join(parts[:-1]) if path.stem != "__init__" else name
    return name, package
