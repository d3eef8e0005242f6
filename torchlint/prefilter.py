"""Skip files that cannot hold a finding, before paying for libcst.

Two cheap stages, each conservative (it may let through a file without findings, never the reverse):
1. bytes: a module class needs a `class` statement and a name that mentions torch (or lightning, a
   configured base, or a module class of another file of the run);
2. CPython's `ast` (about 10x cheaper than libcst): some class with a base must put on `self` a
   container that could hold a module or parameter: one holding a call, a local name, a helper's
   result, or one filled later (`.append`, `[k] = v`, `+=`).
tests/test_prefilter.py checks that findings are identical with and without it; the bench does the
same on real corpora.
"""
from __future__ import annotations

import ast
from typing import Dict, FrozenSet, Iterable, Iterator, List, Set

from torchlint.settings import Settings

_ALWAYS = (b"torch", b"lightning")
_FILLS = frozenset(("append", "extend", "insert", "update", "setdefault"))
_CONTAINER_CALLS = frozenset(("list", "dict", "tuple"))


def may_contain_findings(data: bytes, settings: Settings, project_classes: FrozenSet[str] = frozenset()) -> bool:
    if b"class" not in data or not any(needle in data for needle in _needles(settings, project_classes)):
        return False
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # libcst will report why it cannot parse it
    return any(node.bases and _class_has_candidate(node) for node in _classes(tree.body))


def _needles(settings: Settings, project_classes: Iterable[str]) -> Iterable[bytes]:
    yield from _ALWAYS
    for qualified in (*settings.module_bases, *settings.module_factories, *project_classes):
        yield qualified.rsplit(".", 1)[-1].encode("utf-8")


def _statements(body: List[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested blocks included; expressions are not entered (that is the saving)."""
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        yield statement
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list):
                pending.extend(reversed(block))
        for handler in getattr(statement, "handlers", ()):
            pending.extend(reversed(handler.body))
        for case in getattr(statement, "cases", ()):
            pending.extend(reversed(case.body))


def _classes(body: List[ast.stmt]) -> Iterator[ast.ClassDef]:
    return (statement for statement in _statements(body) if isinstance(statement, ast.ClassDef))


class _Method:
    def __init__(self, function: ast.AST, self_name: str) -> None:
        self.self_name = self_name
        self.bindings: Dict[str, List[ast.AST]] = {}
        self.stores: List[tuple] = []
        self.filled: Set[str] = set()
        for statement in _statements(function.body):
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    self._bind(target, statement.value)
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                self._bind(statement.target, statement.value)
            elif isinstance(statement, ast.AugAssign):
                attribute = self.attribute(statement.target)
                if attribute:
                    self.filled.add(attribute)
            elif isinstance(statement, ast.Expr):
                self._fills_in(statement.value)

    def _fills_in(self, expression: ast.AST) -> None:
        """`self.x.append(m)`, also inside a comprehension run for its side effect."""
        for node in ast.walk(expression):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FILLS:
                attribute = self.attribute(node.func.value)
                if attribute:
                    self.filled.add(attribute)

    def attribute(self, node: ast.AST):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            return node.attr
        return None

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        attribute = self.attribute(target)
        if attribute:
            self.stores.append((attribute, value))
        elif isinstance(target, ast.Name):
            self.bindings.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Subscript):
            attribute = self.attribute(target.value)
            if attribute:
                self.filled.add(attribute)


def _class_has_candidate(node: ast.ClassDef) -> bool:
    functions = [f for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    method_names = {f.name for f in functions}
    methods = []
    for function in functions:
        params = [*function.args.posonlyargs, *function.args.args]
        if params:
            methods.append(_Method(function, params[0].arg))
    filled = set().union(*(m.filled for m in methods)) if methods else set()
    for method in methods:
        for attribute, value in method.stores:
            if _container_like(value, method, method_names) and (
                attribute in filled or _may_hold_modules(value, method)
            ):
                return True
    return False


def _container_like(value: ast.AST, method: _Method, method_names: Set[str]) -> bool:
    if isinstance(value, (ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp, ast.Dict, ast.DictComp)):
        return True
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
        return True
    if isinstance(value, ast.Name):
        return value.id in method.bindings
    if isinstance(value, ast.Call):
        func = value.func
        if isinstance(func, ast.Name):
            return func.id in _CONTAINER_CALLS
        return method.attribute(func) in method_names
    return False


def _may_hold_modules(value: ast.AST, method: _Method) -> bool:
    if isinstance(value, ast.Name) or (isinstance(value, ast.Call) and not isinstance(value.func, ast.Name)):
        return True  # a local container or a helper's result: libcst follows them
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and node is not value:
            return True
        if isinstance(node, ast.Name) and any(
            isinstance(bound, (ast.Call, ast.Name)) for bound in method.bindings.get(node.id, ())
        ):
            return True
    return isinstance(value, ast.Call) and bool(value.args or value.keywords)
