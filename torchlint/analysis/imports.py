"""Resolve the names a file uses to qualified names, from its own import statements.

Cheaper than libcst's QualifiedNameProvider (no scope analysis, no metadata pass) and enough for
what torchlint asks: is this base class or callable torch's, or a class of this project? The
statements come from whichever parser read the file (`ast`, or libcst where `ast` cannot), as
plain records, so one piece of code resolves them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Mapping, Optional, Tuple

from torchlint.torch_knowledge import TORCH_NN_MODULE_CLASSES


@dataclass(frozen=True)
class ImportStatement:
    """`import a.b as c` (from_module None) or `from ..a import b as c` (level 2, from_module "a")."""

    names: Tuple[Tuple[str, Optional[str]], ...]  # (dotted name, alias); ("*", None) for a star
    from_module: Optional[str] = None
    level: int = 0

    @property
    def is_from(self) -> bool:
        return self.from_module is not None or self.level > 0


@dataclass(frozen=True)
class OwnState:
    """What a class's `__init__` creates that torch registers (parameters, buffers, mode; None: not
    known), and the qualified names of the classes whose state adds to it (bases, instances it makes)."""

    owns: Optional[FrozenSet[str]] = None
    depends_on: Tuple[str, ...] = ()


@dataclass(frozen=True)
class ClassRecord:
    """A module-level class and its bases, as dotted names (None where a base is not a name)."""

    name: str
    bases: Tuple[Optional[str], ...]
    state: OwnState = OwnState()


@dataclass(frozen=True)
class ModuleRecords:
    """What a module binds at import time, read by whichever parser read the file."""

    imports: Tuple[ImportStatement, ...] = ()
    classes: Tuple[ClassRecord, ...] = ()
    functions: Tuple[str, ...] = ()  # names of module-level functions (module factories, maybe)
    assigned: Tuple[str, ...] = ()  # names a module-level assignment binds (`nn = None`)


@dataclass(frozen=True)
class ImportMap:
    """Local name -> qualified name, for the names a module binds by import or class definition."""

    names: Mapping[str, str]
    module_name: str
    star_imports_torch_nn: bool = False
    rebound: FrozenSet[str] = frozenset()  # names also bound by a module-level assignment
    package: str = ""
    imported_from: FrozenSet[str] = frozenset()  # local names bound by `from ... import name`

    @classmethod
    def build(cls, records: ModuleRecords, module_name: str, package: str) -> "ImportMap":
        names: Dict[str, str] = {}
        from_names = set()
        star = False
        for statement in records.imports:
            if not statement.is_from:
                for dotted, alias in statement.names:
                    top = dotted.split(".", 1)[0]
                    names[alias or top] = dotted if alias else top
                continue
            base = _import_from_base(statement, package)
            if base is None:
                continue
            for dotted, alias in statement.names:
                if dotted == "*":
                    star = star or base == "torch.nn"
                else:
                    names[alias or dotted] = f"{base}.{dotted}" if base else dotted
                    from_names.add(alias or dotted)
        for name in (*records.functions, *(record.name for record in records.classes)):
            names[name] = f"{module_name}.{name}"
        return cls(names=names, module_name=module_name, star_imports_torch_nn=star,
                   rebound=frozenset(records.assigned), package=package, imported_from=frozenset(from_names))

    def extended(self, statements: Tuple[ImportStatement, ...]) -> "ImportMap":
        """The names seen inside a function that imports more (`def make(): from torch import nn`)."""
        if not statements:
            return self
        local = ImportMap.build(ModuleRecords(imports=statements), self.module_name, self.package)
        return ImportMap({**self.names, **local.names}, self.module_name,
                         self.star_imports_torch_nn or local.star_imports_torch_nn, self.rebound, self.package,
                         self.imported_from | local.imported_from)

    def qualify_dotted(self, dotted: Optional[str]) -> Optional[str]:
        """`nn.Linear` -> `torch.nn.Linear` when `nn` is imported from torch; None when unknown."""
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        found = self.names.get(head)
        if found is None and self.star_imports_torch_nn and head in TORCH_NN_MODULE_CLASSES:
            found = f"torch.nn.{head}"
        if found is None:
            return None
        return f"{found}.{rest}" if rest else found

    def binds(self, name: str) -> bool:
        return name in self.names


@dataclass(frozen=True)
class ClassSummary:
    """A top-level class as other files see it: for the project-wide index of module classes."""

    qualified_name: str
    bases: Tuple[str, ...]
    state: OwnState = OwnState()
    reexport: bool = False  # a name the module imports from elsewhere: it stands for its one base


def summarise_classes(classes: Iterable[ClassRecord], imports: ImportMap) -> Tuple[ClassSummary, ...]:
    """The module's classes, and each name it imports with `from ... import` as a stand-in for what it
    names (`pkg.blocks.Block` for `from .layers import Block` in pkg/blocks.py): re-exports resolve."""
    defined = tuple(
        ClassSummary(
            f"{imports.module_name}.{record.name}",
            tuple(filter(None, map(imports.qualify_dotted, record.bases))),
            record.state,
        )
        for record in classes
    )
    reexported = tuple(
        ClassSummary(f"{imports.module_name}.{local}", (target,), OwnState(frozenset(), (target,)), reexport=True)
        for local, target in sorted(imports.names.items())
        if local in imports.imported_from and local[:1].isupper() and not target.startswith("torch.")
    )
    return defined + reexported


def _import_from_base(statement: ImportStatement, package: str) -> Optional[str]:
    module = statement.from_module or ""
    if statement.level == 0:
        return module
    parts = package.split(".") if package else []
    if statement.level - 1 > len(parts):
        return None
    anchor = parts[: len(parts) - (statement.level - 1)]
    return ".".join(anchor + ([module] if module else []))
