"""What the files a file imports say about module classes, read from disk: for the doors that see one
file at a time (flake8, the language server, the CLI or pre-commit given single files).

Imported names are followed to the project's own modules (relative imports, and absolute imports of
packages found from the file's folder upward, as `files.module_name` names modules), which are read
with the cheap `ast` stage only, then their own bases in turn. Scans are cached for the life of the
process by path, size and modification time, so a second file importing the same module costs
nothing.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from torchlint.analysis.class_state import resolve_states
from torchlint.analysis.imports import ClassSummary, ImportMap
from torchlint.cache import Stamp, stamp
from torchlint.settings import Settings
from torchlint.torch_knowledge import EXTRA_MODULE_BASES, State, torch_nn_class_name

_MAX_FILES = 64  # how many modules one file's imports may pull in
_SCANS: Dict[str, Tuple[Optional[Stamp], Tuple[ClassSummary, ...]]] = {}
# What lookups asked the file system in this process, and its answers: ("file", path) -> is it a file,
# ("exists", path) -> does it exist, ("stamp", path) -> the stamp of a module read. A run remembers
# them with what it derived from them (runner.py), which holds while every answer is the same.
_ANSWERS: Dict[Tuple[str, str], object] = {}


def module_class_closure(
    summaries: Iterable[ClassSummary], roots: Iterable[str], known_modules: FrozenSet[str] = frozenset()
) -> FrozenSet[str]:
    """Every class whose bases reach a torch module class (or one of `roots`, or a class already known
    to be a module) through other classes."""
    closure = ModuleClassClosure(roots, known_modules)
    closure.add(summaries)
    return frozenset(closure.found)


class ModuleClassClosure:
    """`module_class_closure` of classes given a few at a time (a run's files scanned again add theirs):
    a class added later extends what was found, which stays found."""

    def __init__(self, roots: Iterable[str], known_modules: FrozenSet[str] = frozenset()) -> None:
        self._roots = set(roots) | set(EXTRA_MODULE_BASES)
        self._known_modules = known_modules
        self._subclasses: Dict[str, List[str]] = {}
        self.found: Set[str] = set()

    def add(self, summaries: Iterable[ClassSummary]) -> None:
        pending: List[str] = []
        for summary in summaries:
            for base in summary.bases:
                self._subclasses.setdefault(base, []).append(summary.qualified_name)
                if base in self.found or torch_nn_class_name(base) or base in self._roots or base in self._known_modules:
                    pending.append(summary.qualified_name)
        while pending:
            name = pending.pop()
            if name not in self.found:
                self.found.add(name)
                pending.extend(self._subclasses.get(name, ()))


def imported_knowledge(
    path: Path, imports: ImportMap, settings: Settings,
    known: FrozenSet[str] = frozenset(), known_modules: FrozenSet[str] = frozenset(),
    read_already: FrozenSet[str] = frozenset(), lookups: Optional[Dict[Tuple[str, str], Optional[str]]] = None,
) -> Tuple[FrozenSet[str], Dict[str, State]]:
    """(module classes, their states) among the classes `path` imports from the project on disk.
    Only class-like names (capitalised) are followed, and of each module read only what is asked
    for: its classes' bases, or the one name it re-exports. `known`: names the caller has already
    indexed (the classes of the other files of a run), not looked up again; `known_modules`: those of
    them that are module classes; `read_already`: files (absolute paths) whose classes and re-exports
    are all in `known`, so a name of theirs not in it is no class; `lookups`: where names were found
    from which folders, shared by the calls of one run (the files of a folder import alike)."""
    lookups = {} if lookups is None else lookups
    summaries: Dict[str, ClassSummary] = {}
    wanted = [
        qualified for local, qualified in imports.names.items()
        if local[:1].isupper() and qualified not in known and not qualified.startswith(("torch.", imports.module_name + "."))
    ]
    asked: Set[str] = set()
    files: Set[str] = set()
    while wanted and len(files) <= _MAX_FILES:
        qualified = wanted.pop()
        if qualified in asked or qualified in known:
            continue
        asked.add(qualified)
        folder = os.path.dirname(os.path.abspath(path))
        if (qualified, folder) not in lookups:
            lookups[qualified, folder] = _module_file(qualified, folder)
        found = lookups[qualified, folder]
        if found is None or os.path.abspath(found) in read_already:
            continue
        files.add(found)
        for summary in _scan(Path(found), settings):
            if summary.qualified_name == qualified or not summary.reexport:
                summaries[summary.qualified_name] = summary
                if summary.qualified_name == qualified or summary.bases:
                    wanted.extend(b for b in (*summary.bases, *summary.state.depends_on) if not b.startswith("torch."))
    if not summaries:
        return frozenset(), {}
    module_classes = module_class_closure(summaries.values(), settings.module_bases, known_modules) - known_modules
    states = resolve_states({name: s.state for name, s in summaries.items()})
    return module_classes, {name: states.get(name) for name in module_classes}


def remembered_neighbours(store: Dict[str, Tuple[Optional[Stamp], Tuple[ClassSummary, ...]]]) -> bool:
    """Share the scans of neighbour files with a run's cache, both ways: what the cache holds is taken,
    what this process read is put in it. True when the cache gained an entry."""
    for path, entry in store.items():
        _SCANS.setdefault(path, entry)
    added = False
    for path, entry in _SCANS.items():
        if store.get(path) != entry:
            store[path] = entry
            added = True
    return added


def forget(path: str) -> None:
    """The language server calls this when another file changes under it."""
    _SCANS.pop(os.path.abspath(path), None)
    if os.path.basename(path) == "__init__.py":  # a folder may have become a package, or stopped being one
        from torchlint.files import forget_packages

        forget_packages()
        _roots_of.cache_clear()


def _scan(path: Path, settings: Settings) -> Tuple[ClassSummary, ...]:
    """The module's classes and re-exported names, read with the `ast` stage."""
    from torchlint.engine import SourceFile
    from torchlint.files import module_name
    from torchlint.runner import read_regular_file
    from torchlint.scan import file_records

    key = os.path.abspath(path)
    current = _ANSWERS["stamp", key] = stamp(path)
    cached = _SCANS.get(key)
    if cached is not None and cached[0] == current and current is not None:
        return cached[1]
    try:
        name, package = module_name(path)
        source = SourceFile(read_regular_file(path), str(path), name, package)
    except OSError:
        return ()
    records = file_records(source.data, name, package)
    result: Tuple[ClassSummary, ...] = ()
    if records is not None:
        from torchlint.analysis.imports import summarise_classes

        result = summarise_classes(records.classes, ImportMap.build(records, name, package))
    _SCANS[key] = (current, result)
    return result


def _module_file(qualified: str, folder: str) -> Optional[str]:
    """The project file that defines `qualified` (a module, or a name in a module), searched from the
    importing file's package root and every folder above the importing file (in `folder`)."""
    parts = qualified.split(".")
    for root in _roots_of(folder):
        for end in range(len(parts), 0, -1):
            base = os.path.join(root, *parts[:end])
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if _asked("file", candidate):
                    return candidate
    return None


@lru_cache(maxsize=1024)
def _roots_of(folder: str) -> List[str]:
    package_root = folder
    while _asked("exists", os.path.join(package_root, "__init__.py")) and os.path.dirname(package_root) != package_root:
        package_root = os.path.dirname(package_root)
    roots = [package_root]
    parent = folder
    while True:
        if parent not in roots:
            roots.append(parent)
        if _asked("exists", os.path.join(parent, ".git")) or _asked("exists", os.path.join(parent, "pyproject.toml")):
            break
        if os.path.dirname(parent) == parent:
            break
        parent = os.path.dirname(parent)
    return roots


def _asked(kind: str, path: str) -> bool:
    answer = _ANSWERS[kind, path] = os.path.isfile(path) if kind == "file" else os.path.exists(path)
    return answer


def disk_answers() -> Tuple[Tuple[str, str, object], ...]:
    """What the lookups of this process asked the file system, with its answers."""
    return tuple((kind, path, answer) for (kind, path), answer in _ANSWERS.items())


def disk_answers_hold(answers: Iterable[Tuple[str, str, object]]) -> bool:
    """Whether the file system would answer every question the same way now."""
    ask: Dict[str, Callable[[str], object]] = {
        "file": os.path.isfile, "exists": os.path.exists, "stamp": lambda path: stamp(Path(path)),
    }
    return all(ask[kind](path) == answer for kind, path, answer in answers)


def check_single_file(source, settings: Settings, tree=None, fix: bool = False, edits: bool = True):
    """One file, as flake8 and the language server see it, knowing the module classes it imports from
    the project's other files on disk. `edits`: as for `engine.check_file`."""
    from torchlint.engine import FileResult, check_file, scan_file
    from torchlint.byte_skip import has_class_with_bases
    from torchlint.scan import file_records

    scan = scan_file(source, settings, frozenset(), tree)
    if scan.mentions_torch and scan.problem is None and not scan.needs_check:
        return FileResult(())  # no class may hold a finding, whichever of its bases are module classes
    path = Path(source.filename)
    project_classes: FrozenSet[str] = frozenset()
    states: Dict[str, State] = {}
    if has_class_with_bases(source.data) and path.exists():
        records = scan.records if scan.records is not None else file_records(source.data, source.module_name, source.package, tree)
        if records is not None:
            imports = ImportMap.build(records, source.module_name, source.package)
            project_classes, states = imported_knowledge(path, imports, settings)
    if not scan.mentions_torch:  # a base it imports may be a module class
        scan = scan_file(source, settings, project_classes, tree)
    return check_file(source, settings, fix, project_classes=project_classes, scan=scan, class_states=states, tree=tree,
                      edits=edits)
