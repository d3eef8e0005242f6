"""Read names, imports and classes off a libcst tree (for files that `ast` could not read)."""
from __future__ import annotations

from typing import Iterator, List, Optional, Tuple, Union

import libcst as cst

from torchlint.analysis.imports import ClassRecord, ImportStatement, ModuleRecords


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """`torch.nn.Linear` for the expression `torch.nn.Linear`; None for anything but names."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def module_records(module: cst.Module) -> ModuleRecords:
    imports: List[ImportStatement] = []
    classes: List[ClassRecord] = []
    functions: List[str] = []
    assigned: List[str] = []
    for statement in _module_level_statements(module.body):
        if isinstance(statement, (cst.Import, cst.ImportFrom)):
            imports.append(import_statement(statement))
        elif isinstance(statement, cst.ClassDef):
            bases = tuple(dotted_name(_unsubscripted(arg.value)) for arg in statement.bases if arg.keyword is None)
            classes.append(ClassRecord(statement.name.value, bases))
        elif isinstance(statement, cst.FunctionDef):
            functions.append(statement.name.value)
        elif isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
            assigned.extend(t.value for t in targets if isinstance(t, cst.Name))
    return ModuleRecords(tuple(imports), tuple(classes), tuple(functions), tuple(assigned))


def import_statement(statement: Union[cst.Import, cst.ImportFrom]) -> ImportStatement:
    if isinstance(statement, cst.Import):
        return ImportStatement(tuple((dotted_name(a.name) or "", _alias(a)) for a in statement.names))
    if isinstance(statement.names, cst.ImportStar):
        names: Tuple[Tuple[str, Optional[str]], ...] = (("*", None),)
    else:
        names = tuple((dotted_name(a.name) or "", _alias(a)) for a in statement.names)
    module_name = dotted_name(statement.module) if statement.module is not None else None
    return ImportStatement(names, module_name, len(statement.relative))


def _unsubscripted(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.value if isinstance(node, cst.Subscript) else node


def _alias(alias: cst.ImportAlias) -> Optional[str]:
    return dotted_name(alias.asname.name) if alias.asname is not None else None  # type: ignore[arg-type]


def _module_level_statements(body) -> Iterator[cst.CSTNode]:
    """Statements run at import time: the module body and the blocks of if/try/with in it."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            yield statement
        elif isinstance(statement, (cst.If, cst.Try, cst.With)):
            yield from _module_level_statements(_blocks_of(statement))


def _blocks_of(statement: Union[cst.If, cst.Try, cst.With]) -> Iterator[cst.BaseStatement]:
    pending: list = [statement]
    while pending:
        node = pending.pop()
        body = getattr(node, "body", None)
        if isinstance(body, cst.IndentedBlock):
            yield from body.body
        for attr in ("orelse", "handlers", "finalbody"):
            child = getattr(node, attr, None)
            if child is not None:
                pending.extend(child if isinstance(child, (list, tuple)) else [child])
