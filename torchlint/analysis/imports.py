"""Resolve the names a file uses to qualified names, from its own import statements.

This is cheaper than libcst's QualifiedNameProvider (no scope analysis, no metadata pass) and is
enough for what torchlint asks: is this base class or callable torch's, or a class of this project?
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, Mapping, Optional, Union

import libcst as cst

from torchlint.torch_knowledge import TORCH_NN_MODULE_CLASSES



@dataclass(frozen=True)
class ImportMap:
    """Local name -> qualified name, for the names a module binds by import or class definition."""

    names: Mapping[str, str]
    module_name: str
    star_imports_torch_nn: bool = False

    @classmethod
    def from_module(cls, module: cst.Module, module_name: str, package: str) -> "ImportMap":
        names: Dict[str, str] = {}
        star = False
        for statement in _module_level_statements(module.body):
            if isinstance(statement, cst.Import):
                for alias in statement.names:
                    dotted = _dotted(alias.name)
                    if alias.asname is not None:
                        names[_asname(alias)] = dotted
                    else:
                        top = dotted.split(".", 1)[0]
                        names[top] = top
            elif isinstance(statement, cst.ImportFrom):
                base = _import_from_base(statement, package)
                if base is None:
                    continue
                if isinstance(statement.names, cst.ImportStar):
                    star = star or base == "torch.nn"
                    continue
                for alias in statement.names:
                    local = _asname(alias) if alias.asname is not None else _dotted(alias.name)
                    names[local] = f"{base}.{_dotted(alias.name)}" if base else _dotted(alias.name)
            elif isinstance(statement, cst.ClassDef):
                names[statement.name.value] = f"{module_name}.{statement.name.value}"
        return cls(names=names, module_name=module_name, star_imports_torch_nn=star)

    def qualify(self, expr: cst.BaseExpression) -> Optional[str]:
        """`nn.Linear` -> `torch.nn.Linear` when `nn` is imported from torch; None when unknown."""
        if isinstance(expr, cst.Name):
            found = self.names.get(expr.value)
            if found is None and self.star_imports_torch_nn and expr.value in TORCH_NN_MODULE_CLASSES:
                return f"torch.nn.{expr.value}"
            return found
        if isinstance(expr, cst.Attribute):
            base = self.qualify(expr.value)
            return None if base is None else f"{base}.{expr.attr.value}"
        return None

    def binds(self, name: str) -> bool:
        return name in self.names


def _module_level_statements(body) -> Iterator[cst.CSTNode]:
    """Statements run at import time: the module body and the blocks of if/try/with in it."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, cst.ClassDef):
            yield statement
        elif isinstance(statement, (cst.If, cst.Try, cst.With)):
            yield from _module_level_statements(_blocks_of(statement))


def _blocks_of(statement: Union[cst.If, cst.Try, cst.With]) -> Iterator[cst.BaseStatement]:
    pending = [statement]
    while pending:
        node = pending.pop()
        body = getattr(node, "body", None)
        if isinstance(body, cst.IndentedBlock):
            yield from body.body
        for attr in ("orelse", "handlers", "finalbody"):
            child = getattr(node, attr, None)
            if child is None:
                continue
            pending.extend(child if isinstance(child, (list, tuple)) else [child])


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    raise TypeError(f"not a dotted name: {node!r}")


def _asname(alias: cst.ImportAlias) -> str:
    assert alias.asname is not None
    return _dotted(alias.asname.name)  # type: ignore[arg-type]


def _import_from_base(statement: cst.ImportFrom, package: str) -> Optional[str]:
    level = len(statement.relative)
    module = _dotted(statement.module) if statement.module is not None else ""
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    anchor = parts[: len(parts) - (level - 1)]
    return ".".join(anchor + ([module] if module else []))
