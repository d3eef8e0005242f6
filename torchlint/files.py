"""Which files a run looks at, and the dotted module name each one has."""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Tuple, Union

SKIPPED_DIRECTORIES = frozenset(
    (
        ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "__pycache__", "node_modules", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".torchlint_cache", "build", "dist", "site-packages",
        "__pypackages__", ".eggs",
    )
)
PYTHON_SUFFIXES = (".py", ".pyi")
NOTEBOOK_SUFFIX = ".ipynb"


class PathNotFound(Exception):
    pass


@dataclass(frozen=True)
class Exclusions:
    """Glob patterns (ruff's `exclude` / `extend-exclude`): one without a slash matches a file or
    folder name anywhere; one with a slash matches the path relative to the configuration's folder."""

    root: Path
    patterns: Tuple[str, ...] = tuple(sorted(SKIPPED_DIRECTORIES))

    @classmethod
    def from_config(cls, root: Path, exclude: Optional[Tuple[str, ...]], extend: Tuple[str, ...]) -> "Exclusions":
        base = tuple(sorted(SKIPPED_DIRECTORIES)) if exclude is None else exclude
        return cls(root.resolve(), base + extend)

    def excludes_with_parents(self, path: Path) -> bool:
        """For a file named on the command line (`--force-exclude`): it, or any folder it is in below
        the configuration's folder (or the current one), matches a pattern."""
        absolute = Path(os.path.abspath(path))
        stop = {self.root, Path.cwd()}
        for candidate in (absolute, *absolute.parents):
            if candidate in stop or candidate.parent == candidate:
                break
            if self.excludes(candidate):
                return True
        return False

    def excludes(self, path: Union[str, Path]) -> bool:
        names, paths = _compiled(self.patterns)
        if names is not None and names.match(os.path.basename(path)):
            return True
        if paths is None:
            return False
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return not relative.startswith("../") and bool(paths.match(relative))


@lru_cache(maxsize=16)
def _compiled(patterns: Tuple[str, ...]) -> Tuple[Optional["re.Pattern[str]"], Optional["re.Pattern[str]"]]:
    bare = [p.rstrip("/") for p in patterns]
    names = [p for p in bare if "/" not in p]
    # A path pattern also matches everything below the folder it names.
    paths = [f"(?:{fnmatch.translate(p)[:-2]})(?:/.*)?\\Z" for p in bare if "/" in p]
    return (
        re.compile("|".join(fnmatch.translate(p) for p in names)) if names else None,
        re.compile("|".join(paths), re.DOTALL) if paths else None,
    )


def discover(
    paths: Iterable[str], exclusions: Optional[Exclusions] = None, force_exclude: bool = False, notebooks: bool = True
) -> List[Path]:
    """Files named on the command line are taken as they are (unless `force_exclude`); folders are
    searched for *.py and *.pyi (and *.ipynb unless `notebooks` is off), leaving out what
    `exclusions` names."""
    exclusions = exclusions or Exclusions(Path.cwd())
    found: List[Path] = []
    seen = set()
    real_folders: Dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if force_exclude and exclusions.excludes_with_parents(path):
            continue
        if path.is_dir():
            candidates: Iterable[Tuple[Path, bool]] = _walk(str(path), exclusions, notebooks)
        elif path.exists() or path.is_symlink():
            candidates = [(path, path.is_symlink())]
        else:
            raise PathNotFound(f"{raw}: no such file or directory")
        for candidate, is_link in candidates:
            key = _real_path(candidate, is_link, real_folders)  # `src src/a.py`, `a.py ../dir/a.py /abs/a.py`: one file
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _real_path(path: Path, is_link: bool, real_folders: Dict[str, str]) -> str:
    """`os.path.realpath`, resolving each folder once for all its files (a file that is a link alone)."""
    if is_link:
        return os.path.realpath(path)
    folder, name = os.path.split(os.path.abspath(path))
    real = real_folders.get(folder)
    if real is None:
        real = real_folders[folder] = os.path.realpath(folder)
    return os.path.join(real, name)


def _walk(directory: str, exclusions: Exclusions, notebooks: bool = True) -> Iterator[Tuple[Path, bool]]:
    """The files to read below `directory`, depth first in name order, each with whether it is a symbolic
    link (the listing says so at no cost). Links to folders are not followed, as `os.walk` does not."""
    suffixes = PYTHON_SUFFIXES + ((NOTEBOOK_SUFFIX,) if notebooks else ())
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:  # unreadable: skipped, as `os.walk` skips it
        return
    folders = []
    for entry in entries:
        if _is_folder(entry):
            if (not entry.is_symlink() and not exclusions.excludes(entry.path) and not entry.name.endswith(".egg-info")
                    and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))):
                folders.append(entry.path)
        elif entry.name.endswith(suffixes) and not exclusions.excludes(entry.path):
            yield Path(entry.path), entry.is_symlink()
    for folder in folders:
        yield from _walk(folder, exclusions, notebooks)


def _is_folder(entry: "os.DirEntry[str]") -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def module_name(path: Path) -> Tuple[str, str]:
    """(`pkg.sub.mod`, `pkg.sub`) for pkg/sub/mod.py, climbing while folders hold __init__.py."""
    folder, file_name = os.path.split(os.path.abspath(path))
    stem = os.path.splitext(file_name)[0]
    parts = [*_packages(folder)] + ([] if stem == "__init__" else [stem])
    name = ".".join(parts) or stem
    package = ".".join(parts[:-1]) if stem != "__init__" else name
    return name, package


def forget_packages() -> None:
    """For a long-lived process (the language server), when an `__init__.py` appears or goes."""
    _packages.cache_clear()


@lru_cache(maxsize=1024)
def _packages(directory: str) -> Tuple[str, ...]:
    """The package names a folder's modules live in, outermost first: one climb per folder."""
    folder = Path(directory)
    if folder.parent == folder or not (folder / "__init__.py").exists():
        return ()
    return (*_packages(str(folder.parent)), folder.name)
