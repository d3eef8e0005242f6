"""`.torchlint_cache`: what unchanged files told the last run, so they cost nothing the next time.

Keyed as ruff keys its cache: the torchlint code and the settings name the cache files; each entry
holds a file's size and modification time, and is used only while both are unchanged. Results are
also tied to the run's index of module classes. Two files: the scans (every file's classes, for that
index) and the results, with what the last check derived from all files together (`RememberedRun`):
a run over the same unchanged files reads only the second.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
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


def digest(text: str) -> str:
    import hashlib  # imported only by runs that use the cache

    return hashlib.sha1(text.encode()).hexdigest()


def _code_version() -> str:
    """The torchlint version and the state of its own files: a changed checkout invalidates the cache."""
    from torchlint import __version__

    package = Path(__file__).resolve().parent
    stamps = sorted((str(p.relative_to(package)), stamp(p)) for p in package.rglob("*.py"))
    return digest(repr((__version__, stamps)))[:16]


@dataclass(frozen=True)
class RememberedRun:
    """What a check derived from all its files together: it holds for a run over the same files with
    the same stamps, asked the same way, while the file system answers the lookups for the modules
    they import as it did (neighbours.disk_answers)."""

    identity: str  # runner._run_identity: the paths, their stamps, how the run was asked
    index_key: str  # the index of module classes the results were computed under (index_key)
    reported: Tuple[str, ...]  # the files with a result
    disk_answers: Tuple[Tuple[str, str, object], ...]


class Cache:
    def __init__(self, directory: Path, settings: Settings) -> None:
        key = digest(repr((_code_version(), settings)))[:16]
        self.directory = directory
        self.path = directory / f"{key}.pickle"
        self.scans_path = directory / f"{key}.scans.pickle"
        results, run = _load(self.path, ({}, None))
        self.results: Dict[str, Tuple[Stamp, str, Any]] = results
        self.run: Optional[RememberedRun] = run
        self._scans: Optional[Dict[str, Tuple[Stamp, Any]]] = None  # read on first use
        # Files read only for what they tell about imported classes (neighbours.py), by absolute path.
        self._neighbours: Dict[str, Tuple[Optional[Stamp], Any]] = {}
        self.results_changed = self.scans_changed = False

    @property
    def neighbours(self) -> Dict[str, Tuple[Optional[Stamp], Any]]:
        self._read_scans()
        return self._neighbours

    def _read_scans(self) -> Dict[str, Tuple[Stamp, Any]]:
        if self._scans is None:
            self._scans, self._neighbours = _load(self.scans_path, ({}, {}))
        return self._scans

    def scan(self, path: str, current: Optional[Stamp]):
        entry = self._read_scans().get(path)
        return entry[1] if entry is not None and current is not None and entry[0] == current else None

    def result(self, path: str, current: Optional[Stamp], index_key: str):
        entry = self.results.get(path)
        if entry is None or current is None or entry[0] != current or entry[1] != index_key:
            return None
        return entry[2]

    def store_scan(self, path: str, current: Optional[Stamp], scan) -> None:
        if current is not None:
            self._read_scans()[path] = (current, scan)  # a scan keeps records only for a file that needs a check
            self.scans_changed = True

    def store_result(self, path: str, current: Optional[Stamp], index_key: str, result) -> None:
        if current is not None:
            self.results[path] = (current, index_key, result)
            self.results_changed = True

    def remember_run(self, run: RememberedRun) -> None:
        if run != self.run:
            self.run = run
            self.results_changed = True

    def save(self) -> Optional[str]:
        """Write what changed, each file atomically; a problem is returned as one line."""
        if not (self.results_changed or self.scans_changed):
            return None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n")):
                marker = self.directory / name
                if not marker.exists():
                    marker.write_text(text)
            if self.scans_changed:
                _write(self.scans_path, (self._read_scans(), self._neighbours))
            if self.results_changed:
                _write(self.path, (self.results, self.run))
        except OSError as error:
            return f"cannot write the cache in {self.directory}: {error.strerror or error}"
        return None


def _load(path: Path, default: Any) -> Any:
    import pickle

    try:
        with path.open("rb") as stream:
            loaded = pickle.load(stream)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return default  # no cache yet, or one from another version: start afresh
    return loaded if isinstance(loaded, tuple) and len(loaded) == len(default) else default


def _write(path: Path, data: Any) -> None:
    import pickle
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=str(path.parent), suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        pickle.dump(data, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def index_key(project_classes, class_states, edits: bool) -> str:
    """What a file's result depends on besides its own text: the run's module classes and their states,
    and whether fixes were described with their edits."""
    states = (f"{name}={sorted(class_states[name]) if class_states.get(name) is not None else '?'}" for name in class_states)
    return digest(f"edits={edits}\n" + "\n".join(sorted(project_classes)) + "\n" + "\n".join(sorted(states)))
