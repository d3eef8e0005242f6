"""Many files: scan them all cheaply, index the module classes of the whole run, then check with
libcst only the files that need it (in parallel when there are many), and write fixes atomically."""
from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Sequence, Set, Tuple

from torchlint.cache import Cache, RememberedRun, digest, index_key, stamp
from torchlint.diagnostics import Diagnostic, Location
from torchlint.engine import SYNTAX_ERROR_CODE, FileResult, SourceFile, check_file, scan_file
from torchlint.files import NOTEBOOK_SUFFIX, module_name
from torchlint.garbage import rarer_collections
from torchlint.byte_skip import simple_names
from torchlint.scan import Scan
from torchlint.settings import Settings
from torchlint.neighbours import ModuleClassClosure, disk_answers, disk_answers_hold, remembered_neighbours
from torchlint.torch_knowledge import State
from torchlint.workers import Workers, shared

_MAX_INDEX_ROUNDS = 4
# Starting a pool costs about 0.15 s (a fork, then importing torchlint in each worker). On the research
# corpus a scan takes a few milliseconds (about 0.35 s per MB of source) and a check a few tens, so a pool
# pays off from about 48 scans, or half a megabyte of source, or 4 checks; less stays in this process.
SCANS_WORTH_A_POOL = 48
BYTES_WORTH_A_POOL = 500_000
CHECKS_WORTH_A_POOL = 4


@dataclass
class RunReport:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    changed: List[Tuple[Path, bytes, bytes]] = field(default_factory=list)  # path, before, after
    errors: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)


class _CheckShares(NamedTuple):
    """What every check of a run needs alike."""

    settings: Settings
    fix: bool
    project_classes: FrozenSet[str]
    class_states: Dict[str, State]
    edits: bool


@dataclass(frozen=True)
class _Outcome:
    path: Path
    result: FileResult
    original: Optional[bytes] = None
    error: Optional[str] = None  # an internal error: the file is left untouched


def run(
    paths: Sequence[Path], settings: Settings, fix: bool = False, jobs: Optional[int] = None, cache: Optional[Cache] = None,
    neighbours: bool = False, edits: bool = True,
) -> RunReport:
    """`neighbours`: also read, from disk, the project modules the files import (for a run given single
    files, as pre-commit gives them: `torchlint model.py` must know that `Base` in base.py is a module).
    `edits`: describe each fix's text edits (only the JSON formats show them)."""
    stamps = {str(p): stamp(p) for p in paths}
    identity = _run_identity(paths, stamps, neighbours, edits) if cache and not fix else None
    outcomes = _remembered_outcomes(cache, identity, stamps) if cache and identity else None
    if outcomes is None:
        outcomes = _check_all(paths, settings, fix, jobs, cache, neighbours, edits, stamps, identity)
    report = RunReport()
    for path in paths:
        done = outcomes.get(str(path))
        if done is None:
            continue
        report.diagnostics.extend(done.result.diagnostics)
        if done.result.fixed is not None and done.original is not None and done.result.fixed != done.original:
            report.changed.append((path, done.original, done.result.fixed))
        if done.error is not None:
            report.errors.append(done.error)
    if cache:
        problem = cache.save()
        if problem:
            report.warnings.append(problem)
    return report


def _check_all(
    paths: Sequence[Path], settings: Settings, fix: bool, jobs: Optional[int], cache: Optional[Cache], neighbours: bool,
    edits: bool, stamps: Dict[str, Any], identity: Optional[str],
) -> Dict[str, _Outcome]:
    with rarer_collections(), Workers(jobs or os.cpu_count() or 1) as workers:
        known, known_states = _neighbour_knowledge([(p, None) for p in paths], settings) if neighbours else (frozenset(), {})
        scans: Dict[str, Scan] = {}
        fresh = []
        for path in paths:
            cached = cache.scan(str(path), stamps[str(path)]) if cache else None
            if cached is None:
                fresh.append(path)
            else:
                scans[str(path)] = cached
        fresh.sort(key=lambda p: -_size(p, stamps))  # the biggest first: workers end together
        scanned = workers.map(_scan_path, [(p, settings, known) for p in fresh], _scans_worth_a_pool(fresh, stamps))
        scans.update(zip(map(str, fresh), scanned))
        if cache:
            for path in fresh:
                cache.store_scan(str(path), stamps[str(path)], scans[str(path)])
        project_classes = _index(scans, settings, workers, cache, stamps)
        # Names the candidate files import from modules the index did not read (re-exports, files
        # skipped on their bytes, files outside the run): followed on disk.
        candidates = [(Path(name), scan) for name, scan in scans.items() if scan.needs_check]
        if cache:
            remembered_neighbours(cache.neighbours)
        indexed = frozenset(summary.qualified_name for scan in scans.values() for summary in scan.classes)
        read_already = frozenset(os.path.abspath(name) for name, scan in scans.items() if scan.mentions_torch)
        more, more_states = _neighbour_knowledge(candidates, settings, indexed, project_classes, read_already)
        known, known_states = known | (more - project_classes), {**known_states, **more_states}
        project_classes = project_classes | known
        class_states = {**known_states, **_class_states(scans, project_classes - known)}
        if cache and remembered_neighbours(cache.neighbours):
            cache.scans_changed = True
        key = index_key(project_classes, class_states, edits) if cache else ""
        outcomes: Dict[str, _Outcome] = {}
        tasks = []
        for name, scan in scans.items():
            if not (scan.needs_check or scan.problem is not None):
                continue
            cached = cache.result(name, stamps.get(name), key) if cache and not fix else None
            if cached is not None:
                outcomes[name] = _Outcome(Path(name), cached)
            else:
                tasks.append((Path(name), scan))
        knowledge = _CheckShares(settings, fix, project_classes, class_states, edits)
        for outcome in workers.map(_check_path, tasks, len(tasks) >= CHECKS_WORTH_A_POOL, knowledge):
            outcomes[str(outcome.path)] = outcome
            if cache and outcome.error is None and not fix:
                cache.store_result(str(outcome.path), stamps.get(str(outcome.path)), key, outcome.result)
    if cache and identity and all(outcome.error is None for outcome in outcomes.values()):
        cache.remember_run(RememberedRun(identity, key, tuple(outcomes), disk_answers()))
    return outcomes


def _run_identity(paths: Sequence[Path], stamps: Dict[str, Any], neighbours: bool, edits: bool) -> str:
    """What a check's results depend on, besides the settings and torchlint's code (which name the
    cache) and the modules its files import from outside the run (RememberedRun.disk_answers)."""
    return digest(repr((neighbours, edits, [(str(path), stamps[str(path)]) for path in paths])))


def _remembered_outcomes(cache: Cache, identity: str, stamps: Dict[str, Any]) -> Optional[Dict[str, _Outcome]]:
    """The last run's results, when it checked the same files, unchanged, the same way."""
    remembered = cache.run
    if remembered is None or remembered.identity != identity or not disk_answers_hold(remembered.disk_answers):
        return None
    outcomes: Dict[str, _Outcome] = {}
    for name in remembered.reported:
        result = cache.result(name, stamps.get(name), remembered.index_key)
        if result is None:
            return None
        outcomes[name] = _Outcome(Path(name), result)
    return outcomes


def _scans_worth_a_pool(paths: Sequence[Path], stamps: Dict[str, Any]) -> bool:
    return len(paths) >= SCANS_WORTH_A_POOL or sum(_size(p, stamps) for p in paths) >= BYTES_WORTH_A_POOL


def _size(path: Path, stamps: Dict[str, Any]) -> int:
    """The file's size as its stamp (modification time, size) says; 0 when it has none."""
    return (stamps.get(str(path)) or (0, 0))[1]


def _source(path: Path) -> SourceFile:
    name, package = module_name(path)
    data = read_regular_file(path)
    if path.suffix == NOTEBOOK_SUFFIX:  # the code cells, as one module (notebooks.py)
        from torchlint.notebooks import NotANotebook, read

        try:
            data = read(data).code.encode("utf-8")
        except NotANotebook as error:
            raise OSError(errno.EINVAL, str(error), str(path)) from error
    return SourceFile(data, str(path), name, package)


def read_regular_file(path: Path) -> bytes:
    """The file's bytes; a FIFO, device or socket named `*.py` is refused before it is read (reading a
    FIFO would wait forever; opening one does not, without blocking)."""
    import stat

    descriptor = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        mode = status.st_mode
        if not stat.S_ISREG(mode):
            raise IsADirectoryError(errno.EINVAL, "not a regular file", str(path)) if stat.S_ISDIR(mode) else OSError(
                errno.EINVAL, "not a regular file (a FIFO, device or socket?)", str(path)
            )
        chunks: List[bytes] = []
        while True:  # to its end, should it have grown since
            chunk = os.read(descriptor, status.st_size + 1)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(descriptor)


# Opening a FIFO waits for a writer unless it does not block; reading a regular file never blocks.
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _scan_path(task) -> Scan:
    path, settings, project_classes = task
    try:
        return scan_file(_source(path), settings, project_classes)
    except OSError as error:
        return Scan(mentions_torch=True, problem=f"cannot read: {error.strerror or error}")


def _index(scans: Dict[str, Scan], settings: Settings, workers: Workers, cache, stamps) -> FrozenSet[str]:
    """Every top-level class of the run that reaches a torch module class through its bases. Files
    skipped for not naming torch are scanned again when their class statements name such a class."""
    closure = ModuleClassClosure(settings.module_bases)
    closure.add(summary for scan in scans.values() for summary in scan.classes)
    project_classes: FrozenSet[str] = frozenset()
    for _ in range(_MAX_INDEX_ROUNDS):
        grown = frozenset(closure.found)
        if grown == project_classes:
            break
        names = simple_names(grown - project_classes)
        project_classes = grown
        again = [Path(p) for p, scan in scans.items() if not scan.mentions_torch and not names.isdisjoint(scan.base_words)]
        rescanned = workers.map(_scan_path, [(p, settings, project_classes) for p in again], _scans_worth_a_pool(again, stamps))
        grew = False
        for path, scan in zip(again, rescanned):
            if scan.mentions_torch:  # its scan on its bytes held no class: its classes are new
                scans[str(path)] = scan
                closure.add(scan.classes)
                grew = True
                if cache:
                    cache.store_scan(str(path), stamps[str(path)], scan)
        if not grew:
            break  # no scan changed: the closure would come out the same
    return project_classes


def _neighbour_knowledge(
    files: Sequence[Tuple[Path, Optional[Scan]]], settings: Settings, indexed: FrozenSet[str] = frozenset(),
    module_classes: FrozenSet[str] = frozenset(), read_already: FrozenSet[str] = frozenset(),
) -> Tuple[FrozenSet[str], Dict[str, State]]:
    """What the files import from project modules the run did not index (re-exports, files skipped on
    their bytes, files outside the run). A file's scan, when given, supplies its records."""
    from torchlint.analysis.imports import ImportMap
    from torchlint.neighbours import imported_knowledge
    from torchlint.byte_skip import has_class_with_bases
    from torchlint.scan import file_records

    classes: Set[str] = set()
    states: Dict[str, State] = {}
    lookups: Dict[Tuple[str, str], Optional[str]] = {}
    for path, scan in files:
        name, package = module_name(path)
        records = scan.records if scan is not None else None
        if records is None:
            try:
                data = read_regular_file(path)
            except OSError:
                continue
            if not has_class_with_bases(data):
                continue  # no module class: what it imports cannot matter
            records = file_records(data, name, package)
        if records is None:
            continue
        imports = ImportMap.build(records, name, package)
        more, more_states = imported_knowledge(path, imports, settings, indexed, module_classes, read_already, lookups)
        classes |= more
        states.update(more_states)
    return frozenset(classes), states


def _class_states(scans: Dict[str, Scan], module_classes: FrozenSet[str]) -> Dict[str, State]:
    """What an instance of each module class of the run owns, through its bases and the classes it builds."""
    from torchlint.analysis.class_state import resolve_states

    own = {summary.qualified_name: summary.state for scan in scans.values() for summary in scan.classes}
    resolved = resolve_states(own)
    return {name: resolved.get(name) for name in module_classes}


def _check_path(task) -> _Outcome:
    from torchlint.fixes.edits import FixError  # a run without candidates never imports the fixes

    path, scan = task
    settings, fix, project_classes, class_states, edits = shared()
    try:
        source = _source(path)
    except OSError as error:  # gone or changed since the scan
        location = Location(1, 1)
        diagnostic = Diagnostic(SYNTAX_ERROR_CODE, f"cannot read: {error.strerror or error}", str(path), location, location)
        return _Outcome(path, FileResult((diagnostic,) if settings.selects_in(SYNTAX_ERROR_CODE, str(path)) else ()))
    try:
        result = check_file(source, settings, fix, project_classes, scan, class_states, edits=edits)
    except FixError as error:
        return _Outcome(path, FileResult(()), source.data, f"{path}: {error}")
    if path.suffix == NOTEBOOK_SUFFIX:
        return _notebook_outcome(path, result, settings)
    return _Outcome(path, result, source.data)


def _notebook_outcome(path: Path, result: FileResult, settings: Settings) -> _Outcome:
    """Positions in cells, TL900 for the cells that do not parse, fixes written into cell sources."""
    from dataclasses import replace

    from torchlint.notebooks import in_cell, read, write_back

    data = read_regular_file(path)
    notebook = read(data)
    # Edits are positions in the joined code: the JSON shows the fix without them.
    diagnostics = [
        replace(in_cell(d, notebook.cells), fix=replace(d.fix, edits=()) if d.fix is not None else None)
        for d in result.diagnostics
    ]
    if settings.selects_in(SYNTAX_ERROR_CODE, str(path)):
        for cell in notebook.cells:
            if cell.problem is not None:
                row, column, reason = cell.problem
                message = f"cannot parse: {reason} at line {row}, column {column}"
                location = Location(row, column)
                diagnostics.append(Diagnostic(SYNTAX_ERROR_CODE, message, str(path), location, location, cell=cell.number))
    fixed = None
    error = None
    if result.fixed is not None:
        fixed = write_back(data, notebook, result.fixed.decode("utf-8"))
        if fixed is None:
            error = f"{path}: the notebook's JSON formatting cannot be kept, so its fixes were not written"
    return _Outcome(path, FileResult(tuple(diagnostics), fixed), data, error)


class FileChangedError(Exception):
    """The file is no longer what was read: someone else wrote it. Its edit is theirs to keep."""


def write_atomically(path: Path, data: bytes, expected: Optional[bytes] = None) -> None:
    """Write beside the file, then rename over it: an interrupted run never leaves half a file.

    A file with hard links is written in place instead: a rename would give this name a new inode and
    leave the other names with the old text. That write is not atomic; it is the rarer case, and the
    one where keeping the link matters more (as editors do).

    `expected`: the bytes the fix was computed from; if the file holds anything else now (an editor
    saved it, another run fixed it), it is left alone and FileChangedError raised."""
    path = path.resolve()
    if expected is not None and path.read_bytes() != expected:
        raise FileChangedError(str(path))
    status = path.stat()
    mode = status.st_mode
    if not mode & 0o222 or not os.access(path, os.W_OK):  # root may write anything: honour the mode bits
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    if status.st_nlink > 1:
        from torchlint.lifecycle import signals_deferred

        with signals_deferred(), open(path, "r+b") as stream:
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
        return
    if not path.parent.stat().st_mode & 0o222:  # a read-only folder: honour its mode bits too
        raise PermissionError(errno.EACCES, "the folder is read-only", str(path.parent))
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
