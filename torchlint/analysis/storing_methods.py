"""Which methods of a class may store on self, read off CPython's `ast` statements alone.

The scan asks every class with a base whether it may hold a finding (module_file.py), and most classes
with a base do not. Every finding starts at a store on self (`self.x = ...`, `setattr(self, "x", ...)`),
so the facts of the methods that may store, with those of the methods they call, can tell that a class
holds nothing a rule judges (class_facts.ClassFacts.unread): the expressions of the other methods, most
of a class, need not be read for it.
"""
from __future__ import annotations

import ast
from typing import Dict, FrozenSet, List, Sequence, Tuple, Union

from torchlint.analysis.source_lines import lines_naming, says_within

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
# Statements whose blocks hold other statements: the fields that hold them. An `except` clause and a
# `case` are no statements; their bodies are read as blocks.
_BLOCKS: Dict[type, Tuple[str, ...]] = {
    ast.If: ("body", "orelse"), ast.For: ("body", "orelse"), ast.AsyncFor: ("body", "orelse"),
    ast.While: ("body", "orelse"), ast.With: ("body",), ast.AsyncWith: ("body",),
    ast.Try: ("body", "handlers", "orelse", "finalbody"),
    ast.FunctionDef: ("body",), ast.AsyncFunctionDef: ("body",), ast.ClassDef: ("body",),
    **{getattr(ast, name): fields for name, fields in (("TryStar", ("body", "handlers", "orelse", "finalbody")),
                                                       ("Match", ("cases",))) if hasattr(ast, name)},
}
# Statements that can neither store on self nor hold a statement that does. Any other statement (one a
# newer Python adds) counts as a store.
_NO_STORE = frozenset(
    getattr(ast, name) for name in ("Expr", "Return", "AugAssign", "Delete", "Pass", "Break", "Continue", "Raise",
                                    "Assert", "Import", "ImportFrom", "Global", "Nonlocal", "TypeAlias")
    if hasattr(ast, name)
)


def setattr_lines(data: bytes) -> List[int]:
    """The lines that may say `setattr` (a store when its arguments are self and a literal name)."""
    return lines_naming(data, b"setattr")


def storing_method_names(methods: Sequence[FunctionNode], parameters: Sequence[Tuple[str, ...]],
                         says_setattr: List[int]) -> FrozenSet[str]:
    """The names of `methods` (a class's instance methods, each with its positional `parameters`) that
    may store on self, in their own statements or in those of the functions and classes they define.
    `says_setattr`: `setattr_lines` of the file."""
    return frozenset(
        method.name for method, names in zip(methods, parameters)
        if names and (says_within(says_setattr, method) or _may_store(method, names[0]))
    )


def _may_store(function: FunctionNode, self_name: str) -> bool:
    pending: List[ast.AST] = list(function.body)
    while pending:
        statement = pending.pop()
        kind = type(statement)
        if kind is ast.Assign:
            if any(_names_self_attribute(target, self_name) for target in statement.targets):  # type: ignore[attr-defined]
                return True
        elif kind is ast.AnnAssign:
            if _names_self_attribute(statement.target, self_name):  # type: ignore[attr-defined]
                return True
        elif kind in _BLOCKS:
            for name in _BLOCKS[kind]:
                for child in getattr(statement, name):
                    pending.extend(child.body if name in ("handlers", "cases") else (child,))
        elif kind not in _NO_STORE:
            return True
    return False


def _names_self_attribute(target: ast.AST, self_name: str) -> bool:
    """`self.x`, or a tuple or list target with one (`self.a, (b, *self.c) = ...`)."""
    kind = type(target)
    if kind is ast.Attribute:
        value = target.value  # type: ignore[attr-defined]
        return type(value) is ast.Name and value.id == self_name
    if kind is ast.Tuple or kind is ast.List:
        return any(_names_self_attribute(element, self_name) for element in target.elts)  # type: ignore[attr-defined]
    if kind is ast.Starred:
        return _names_self_attribute(target.value, self_name)  # type: ignore[attr-defined]
    return False
