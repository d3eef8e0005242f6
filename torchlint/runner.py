"""Many files: read them, check them (in parallel when there are many), index module classes
across the run, check again the few files that import one, and write fixes atomically."""
from __future__ import annotations

import errno
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from torchlint.diagnostics import Diagnostic, Location
from torchlint.engine import SYNTAX_ERROR_CODE, FileResult, FixError, SourceFile, check_file
from torchlint.files import module_name
from torchlint.prefilter import may_contain_findings
from torchlint.settings import Settings
from torchlint.torch_knowledge import EXTRA_MODULE_BASES, torch_nn_class_name

_MAX_INDEX_ROUNDS = 4
_PARALLEL_FROM = 48  # fewer files than this are checked in one process: a pool costs more to start


@dataclass(frozen=True)
class FileOutcome:
    path: Path
    result: FileResult
    original: Optional[bytes] = None
    error: Optional[str] = None  # an internal error: the file is left untouched


@dataclass
class RunReport:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    fixed_count: int = 0
    changed: List[Tuple[Path, bytes, bytes]] = field(default_factory=list)  # path, before, after
    errors: List[str] = field(default_factory=list)


def run(paths: Sequence[Path], settings: Settings, fix: bool = False, jobs: Optional[int] = None) -> RunReport:
    outcomes = _check_all(paths, settings, fix, frozenset(), jobs)
    project_classes: FrozenSet[str] = frozenset()
    for _ in range(_MAX_INDEX_ROUNDS):
        grown = _module_class_index(outcomes, settings)
        if grown == project_classes:
            break
        new_classes = grown - project_classes
        project_classes = grown
        # Again with the index: files that import a newly known module class, and skipped files
        # that name one (their own classes may derive from it).
        again = [
            o.path
            for o in outcomes.values()
            if o.result.unresolved & new_classes
            or (not o.result.parsed and o.original is not None and may_contain_findings(o.original, settings, new_classes))
        ]
        outcomes.update(_check_all(again, settings, fix, project_classes, jobs))
    report = RunReport()
    for path in paths:
        outcome = outcomes[str(path)]
        report.diagnostics.extend(outcome.result.diagnostics)
        if outcome.result.fixed is not None and outcome.original is not None and outcome.result.fixed != outcome.original:
            report.changed.append((path, outcome.original, outcome.result.fixed))
            report.fixed_count += outcome.result.fixed_count
        if outcome.error is not None:
            report.errors.append(outcome.error)
    return report


def _check_all(
    paths: Sequence[Path], settings: Settings, fix: bool, project_classes: FrozenSet[str], jobs: Optional[int]
) -> Dict[str, FileOutcome]:
    tasks = [(path, settings, fix, project_classes) for path in paths]
    workers = jobs or os.cpu_count() or 1
    if len(tasks) < _PARALLEL_FROM or workers < 2:
        return {str(task[0]): _check_path(task) for task in tasks}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return {str(task[0]): outcome for task, outcome in zip(tasks, pool.map(_check_path, tasks, chunksize=8))}


def _check_path(task) -> FileOutcome:
    path, settings, fix, project_classes = task
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        location = Location(1, 1)
        diagnostic = Diagnostic(SYNTAX_ERROR_CODE, f"cannot read: {reason}", str(path), location, location)
        return FileOutcome(path, FileResult((diagnostic,) if settings.selects_in(SYNTAX_ERROR_CODE, str(path)) else ()))
    name, package = module_name(path)
    source = SourceFile(data, str(path), name, package)
    try:
        return FileOutcome(path, check_file(source, settings, fix, project_classes), data)
    except FixError as error:
        return FileOutcome(path, FileResult(()), data, f"{path}: {error}")


def _module_class_index(outcomes: Dict[str, FileOutcome], settings: Settings) -> FrozenSet[str]:
    """Every top-level class of the run that reaches a torch module class through its bases."""
    bases: Dict[str, Tuple[str, ...]] = {}
    for outcome in outcomes.values():
        for summary in outcome.result.classes:
            bases[summary.qualified_name] = summary.bases
    known: Set[str] = set()
    roots = set(EXTRA_MODULE_BASES) | set(settings.module_bases)
    changed = True
    while changed:
        changed = False
        for name, its_bases in bases.items():
            if name not in known and any(
                torch_nn_class_name(base) or base in roots or base in known for base in its_bases
            ):
                known.add(name)
                changed = True
    return frozenset(known)


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


