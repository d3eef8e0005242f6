"""`.torchlint_cache`: what unchanged files told the last run, so they cost nothing the next time.

Keyed as ruff keys its cache: the torchlint code and the settings name the cache file; each entry
holds a file's size and modification time, and is used only while both are unchanged. libcst
results are also tied to the run's index of module classes.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from torchlint.settings import Settings

CACHE_DIRECTORY = ".torchlint_cache"
Stamp = Tuple[int, int]  # (st_mtime_ns, st_size)


def stamp(path: Path) -> Optional[Stamp]:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _digest(text: str) -> str:
    import hashlib  # imported only by runs that use the cache

    return hashlib.sha1(text.encode()).hexdigest()


def _code_version() -> str:
    """The torchlint version and the state of its own files: a changed checkout invalidates the cache."""
    from torchlint import __version__

    package = Path(__file__).resolve().parent
    stamps = sorted((str(p.relative_to(package)), stamp(p)) for p in package.rglob("*.py"))
    return _digest(repr((__version__, stamps)))[:16]


class Cache:
    def __init__(self, directory: Path, settings: Settings) -> None:
        import pickle

        key = _digest(repr((_code_version(), settings)))[:16]
        self.directory = directory
        self.path = directory / f"{key}.pickle"
        self.scans: Dict[str, Tuple[Stamp, Any]] = {}
        self.results: Dict[str, Tuple[Stamp, str, Any]] = {}
        # Files read only for what they tell about imported classes (neighbours.py), by absolute path.
        self.neighbours: Dict[str, Tuple[Optional[Stamp], Any]] = {}
        self.changed = False
        try:
            with self.path.open("rb") as stream:
                self.scans, self.results, self.neighbours = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            pass  # no cache yet, or one from another version: start afresh

    def scan(self, path: str, current: Optional[Stamp]):
        entry = self.scans.get(path)
        return entry[1] if entry is not None and current is not None and entry[0] == current else None

    def result(self, path: str, current: Optional[Stamp], index_key: str):
        entry = self.results.get(path)
        if entry is None or current is None or entry[0] != current or entry[1] != index_key:
            return None
        return entry[2]

    def store_scan(self, path: str, current: Optional[Stamp], scan) -> None:
        if current is not None:
            self.scans[path] = (current, scan)  # a scan keeps records only for a file that needs a check
            self.changed = True

    def store_result(self, path: str, current: Optional[Stamp], index_key: str, result) -> None:
        if current is not None:
            self.results[path] = (current, index_key, result)
            self.changed = True

    def save(self) -> Optional[str]:
        """Write the cache atomically, if anything changed; a problem is returned as one line."""
        if not self.changed:
            return None
        import pickle
        import tempfile

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n")):
                marker = self.directory / name
                if not marker.exists():
                    marker.write_text(text)
            handle, temporary = tempfile.mkstemp(dir=str(self.directory), suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                pickle.dump((self.scans, self.results, self.neighbours), stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.path)
        except OSError as error:
            return f"cannot write the cache in {self.directory}: {error.strerror or error}"
        return None


def index_key(project_classes, class_states, edits: bool) -> str:
    """What a file's result depends on besides its own text: the run's module classes and their states,
    and whether fixes were described with their edits."""
    states = (f"{name}={sorted(class_states[name]) if class_states.get(name) is not None else '?'}" for name in class_states)
    return _digest(f"edits={edits}\n" + "\n".join(sorted(project_classes)) + "\n" + "\n".join(sorted(states)))
