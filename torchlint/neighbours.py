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
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

from torchlint.analysis.class_state import resolve_states
from torchlint.analysis.imports import ClassSummary, ImportMap, ModuleRecords
from torchlint.cache import Stamp, stamp
from torchlint.settings import Settings
from torchlint.torch_knowledge import EXTRA_MODULE_BASES, State, torch_nn_class_name

_MAX_FILES = 64  # how many modules one file's imports may pull in
_SCANS: Dict[str, Tuple[Optional[Stamp], Tuple[ClassSummary, ...], Tuple[str, ...]]] = {}


def module_class_closure(summaries: Iterable[ClassSummary], roots: Iterable[str]) -> FrozenSet[str]:
    """Every class whose bases reach a torch module class (or one of `roots`) through other classes."""
    subclasses: Dict[str, List[str]] = {}
    pending: List[str] = []
    roots = set(roots) | set(EXTRA_MODULE_BASES)
    for summary in summaries:
        for base in summary.bases:
            subclasses.setdefault(base, []).append(summary.qualified_name)
            if torch_nn_class_name(base) or base in roots:
                pending.append(summary.qualified_name)
    known: Set[str] = set()
    while pending:
        name = pending.pop()
        if name not in known:
            known.add(name)
            pending.extend(subclasses.get(name, ()))
    return frozenset(known)


def imported_knowledge(
    path: Path, records: Optional[ModuleRecords], imports: Optional[ImportMap], settings: Settings
) -> Tuple[FrozenSet[str], Dict[str, State]]:
    """(module classes, their states) among what `path` imports from the project on disk."""
    if records is None or imports is None:
        return frozenset(), {}
    summaries: Dict[str, ClassSummary] = {}
    pending = [name for name in imports.names.values() if not name.startswith(imports.module_name + ".")]
    visited: Set[str] = set()
    while pending and len(visited) < _MAX_FILES:
        qualified = pending.pop()
        found = _module_file(qualified, path)
        if found is None or str(found) in visited:
            continue
        visited.add(str(found))
        classes, imported = _scan(found, settings)
        for summary in classes:
            summaries[summary.qualified_name] = summary
            pending.extend(summary.bases)
            pending.extend(summary.state.depends_on)
        pending.extend(imported)
    module_classes = module_class_closure(summaries.values(), settings.module_bases)
    states = resolve_states({name: s.state for name, s in summaries.items()})
    return module_classes, {name: states.get(name) for name in module_classes}


def forget(path: str) -> None:
    """The language server calls this when another file changes under it."""
    _SCANS.pop(os.path.abspath(path), None)


def _scan(path: Path, settings: Settings) -> Tuple[Tuple[ClassSummary, ...], Tuple[str, ...]]:
    """The module's classes, and the qualified names it imports (to follow bases defined further away)."""
    from torchlint.engine import SourceFile
    from torchlint.files import module_name
    from torchlint.prefilter import prescan
    from torchlint.runner import read_regular_file

    key = os.path.abspath(path)
    current = stamp(path)
    cached = _SCANS.get(key)
    if cached is not None and cached[0] == current and current is not None:
        return cached[1], cached[2]
    try:
        name, package = module_name(path)
        source = SourceFile(read_regular_file(path), str(path), name, package)
    except OSError:
        return (), ()
    found = prescan(source.data, settings, name, package)
    if found.records is None:
        result: Tuple[Tuple[ClassSummary, ...], Tuple[str, ...]] = ((), ())
    else:
        from torchlint.analysis.imports import summarise_classes

        imports = ImportMap.build(found.records, name, package)
        result = (summarise_classes(found.records.classes, imports), tuple(imports.names.values()))
    _SCANS[key] = (current, *result)
    return result


def _module_file(qualified: str, importer: Path) -> Optional[Path]:
    """The project file that defines `qualified` (a module, or a name in a module), searched from the
    importing file's package root and every folder above the importing file."""
    parts = qualified.split(".")
    for root in _roots(importer):
        for end in range(len(parts), 0, -1):
            base = root.joinpath(*parts[:end])
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if candidate.is_file():
                    return candidate
    return None


def _roots(importer: Path) -> List[Path]:
    folder = Path(os.path.abspath(importer)).parent
    package_root = folder
    while (package_root / "__init__.py").exists() and package_root.parent != package_root:
        package_root = package_root.parent
    roots = [package_root]
    for parent in (folder, *folder.parents):
        if parent not in roots:
            roots.append(parent)
        if (parent / ".git").exists() or (parent / "pyproject.toml").exists():
            break
    return roots


def check_single_file(source, settings: Settings, tree=None, fix: bool = False):
    """One file, as flake8 and the language server see it, knowing the module classes it imports from
    the project's other files on disk."""
    from torchlint.engine import check_file, scan_file
    from torchlint.prefilter import prescan

    path = Path(source.filename)
    project_classes: FrozenSet[str] = frozenset()
    states: Dict[str, State] = {}
    if b"class" in source.data and path.exists():
        found = prescan(source.data, settings, source.module_name, source.package, tree)
        if found.records is not None:
            imports = ImportMap.build(found.records, source.module_name, source.package)
            project_classes, states = imported_knowledge(path, found.records, imports, settings)
    scan = scan_file(source, settings, project_classes, tree)
    return check_file(source, settings, fix, project_classes=project_classes, scan=scan, class_states=states)
