"""Many files: scan them all cheaply, index the module classes of the whole run, then check with
libcst only the files that need it (in parallel when there are many), and write fixes atomically."""
from __future__ import annotations

import errno
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple, TypeVar

from torchlint.diagnostics import Diagnostic, Location
from torchlint.engine import SYNTAX_ERROR_CODE, FileResult, FixError, Scan, SourceFile, check_file, scan_file
from torchlint.files import module_name
from torchlint.settings import Settings
from torchlint.torch_knowledge import EXTRA_MODULE_BASES, torch_nn_class_name

_MAX_INDEX_ROUNDS = 4
_PARALLEL_FROM = 48  # fewer files than this are handled in one process: a pool costs more to start


@dataclass
class RunReport:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    changed: List[Tuple[Path, bytes, bytes]] = field(default_factory=list)  # path, before, after
    errors: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    path: Path
    result: FileResult
    original: Optional[bytes] = None
    error: Optional[str] = None  # an internal error: the file is left untouched


def run(paths: Sequence[Path], settings: Settings, fix: bool = False, jobs: Optional[int] = None) -> RunReport:
    workers = jobs or os.cpu_count() or 1
    scans = dict(zip(map(str, paths), _map(_scan_path, [(p, settings, frozenset()) for p in paths], workers)))
    project_classes = _index(scans, settings, workers)
    to_check = [(Path(p), settings, fix, project_classes, scan) for p, scan in scans.items()
                if scan.needs_libcst or scan.problem is not None or isinstance(scan, _Unreadable)]
    outcomes = {str(o.path): o for o in _map(_check_path, to_check, workers)}
    report = RunReport()
    for path in paths:
        outcome = outcomes.get(str(path))
        if outcome is None:
            continue
        report.diagnostics.extend(outcome.result.diagnostics)
        if outcome.result.fixed is not None and outcome.original is not None and outcome.result.fixed != outcome.original:
            report.changed.append((path, outcome.original, outcome.result.fixed))
        if outcome.error is not None:
            report.errors.append(outcome.error)
    return report


T = TypeVar("T")
R = TypeVar("R")


def _map(function: Callable[[T], R], tasks: List[T], workers: int) -> List[R]:
    if len(tasks) < _PARALLEL_FROM or workers < 2:
        return [function(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, tasks, chunksize=max(1, min(16, len(tasks) // (workers * 8)))))


class _Unreadable(Scan):
    """A file that could not even be read: reported by the check step."""


def _source(path: Path) -> SourceFile:
    name, package = module_name(path)
    return SourceFile(path.read_bytes(), str(path), name, package)


def _scan_path(task) -> Scan:
    path, settings, project_classes = task
    try:
        return scan_file(_source(path), settings, project_classes)
    except OSError as error:
        return _Unreadable(mentions_torch=True, problem=f"cannot read: {error.strerror or error}")


def _index(scans: Dict[str, Scan], settings: Settings, workers: int) -> FrozenSet[str]:
    """Every top-level class of the run that reaches a torch module class through its bases. Files
    skipped for not naming torch are scanned again if they name a class found to be a module."""
    project_classes: FrozenSet[str] = frozenset()
    for _ in range(_MAX_INDEX_ROUNDS):
        grown = _module_classes(scans, settings)
        if grown == project_classes:
            break
        project_classes = grown
        skipped = [Path(p) for p, scan in scans.items() if not scan.mentions_torch]
        rescanned = _map(_scan_path, [(p, settings, project_classes) for p in skipped], workers)
        scans.update((str(p), scan) for p, scan in zip(skipped, rescanned) if scan.mentions_torch)
    return project_classes


def _module_classes(scans: Dict[str, Scan], settings: Settings) -> FrozenSet[str]:
    bases: Dict[str, Tuple[str, ...]] = {c.qualified_name: c.bases for scan in scans.values() for c in scan.classes}
    known: Set[str] = set()
    roots = set(EXTRA_MODULE_BASES) | set(settings.module_bases)
    changed = True
    while changed:
        changed = False
        for name, its_bases in bases.items():
            if name not in known and any(torch_nn_class_name(b) or b in roots or b in known for b in its_bases):
                known.add(name)
                changed = True
    return frozenset(known)


def _check_path(task) -> _Outcome:
    path, settings, fix, project_classes, scan = task
    if isinstance(scan, _Unreadable):
        location = Location(1, 1)
        diagnostic = Diagnostic(SYNTAX_ERROR_CODE, scan.problem, str(path), location, location)
        return _Outcome(path, FileResult((diagnostic,) if settings.selects_in(SYNTAX_ERROR_CODE, str(path)) else ()))
    try:
        source = _source(path)
    except OSError as error:  # gone or changed since the scan
        location = Location(1, 1)
        diagnostic = Diagnostic(SYNTAX_ERROR_CODE, f"cannot read: {error.strerror or error}", str(path), location, location)
        return _Outcome(path, FileResult((diagnostic,) if settings.selects_in(SYNTAX_ERROR_CODE, str(path)) else ()))
    try:
        return _Outcome(path, check_file(source, settings, fix, project_classes, scan), source.data)
    except FixError as error:
        return _Outcome(path, FileResult(()), source.data, f"{path}: {error}")


def write_atomically(path: Path, data: bytes) -> None:
    """Write beside the file, then rename over it: an interrupted run never leaves half a file."""
    path = path.resolve()
    mode = path.stat().st_mode
    if not mode & 0o222 or not os.access(path, os.W_OK):  # root may write anything: honour the mode bits
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    handle, temporary = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".torchlint")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
