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
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Tuple

from torchlint.analysis.ast_names import dotted_name
from torchlint.analysis.class_state import own_state
from torchlint.analysis.tensors_table import TENSOR_FACTORIES
from torchlint.analysis.imports import ClassRecord, ImportMap, ImportStatement, ModuleRecords
from torchlint.settings import Settings, stateless_modules_selected, tensor_rules_selected
from torchlint.torch_knowledge import (
    EXTRA_MODULE_BASES,
    MODULE_RETURNING_METHODS,
    PARAMETER_CLASSES,
    STATELESS_MODULE_CLASSES,
    is_unweighted_loss,
    torch_nn_class_name,
)

_ALWAYS = (b"torch", b"lightning")
_IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_CLASS_BASES = re.compile(rb"\bclass\s+\w+\s*\(([^)]*)\)")
_FILLS = frozenset(("append", "extend", "insert", "update", "setdefault"))
_CONTAINER_CALLS = frozenset(("list", "dict", "tuple", "map", "zip"))
_MAX_DEPTH = 6


@dataclass(frozen=True)
class Prescan:
    """What the cheap stages learnt: whether libcst must look, and the file's imports and classes
    (None where `ast` could not read the file: libcst will, or will say why not)."""

    candidates: bool
    records: Optional[ModuleRecords] = None
    # Set when CPython itself cannot compile the file for its depth: libcst's native parser would
    # overflow its stack on such input (it crashes the process), so it must never see it.
    too_deep: bool = False


def mentions_torch(data: bytes, settings: Settings, project_classes: FrozenSet[str] = frozenset()) -> bool:
    """Stage 1, on the bytes alone."""
    if b"class" not in data:
        return False
    if any(needle in data for needle in _needles(settings)):
        return True
    return bool(project_classes) and not simple_names(project_classes).isdisjoint(_IDENTIFIER.findall(data))


def class_base_words(data: bytes) -> FrozenSet[bytes]:
    """The identifiers in the base lists of `class X(...)` statements, read off the bytes."""
    return frozenset(word for bases in _CLASS_BASES.findall(data) for word in _IDENTIFIER.findall(bases))


def prescan(
    data: bytes, settings: Settings, module_name: str = "__main__", package: str = "", tree: Optional[ast.Module] = None
) -> Prescan:
    """Stage 2, with CPython's parser (or the tree flake8 already made)."""
    if tree is None:
        try:
            tree = ast.parse(data)
        except (RecursionError, MemoryError):
            return Prescan(candidates=False, too_deep=True)
        except (SyntaxError, ValueError):
            return Prescan(candidates=True)  # libcst may read newer syntax, or say what is wrong
    records, class_nodes = _module_records(tree.body)
    import_map = ImportMap.build(records, module_name, package)
    records = replace(
        records,
        classes=tuple(replace(r, state=own_state(n, import_map)) for r, n in zip(records.classes, class_nodes)),
    )
    candidates = any(
        node.bases and _class_has_candidate(node, import_map.extended(local_imports), settings)
        for node, local_imports in _classes(tree.body)
    )
    return Prescan(candidates, records)


def _needles(settings: Settings) -> Iterable[bytes]:
    yield from _ALWAYS
    for qualified in (*settings.module_bases, *settings.module_factories):
        yield qualified.rsplit(".", 1)[-1].encode("utf-8")


@lru_cache(maxsize=8)
def simple_names(qualified_names: FrozenSet[str]) -> FrozenSet[bytes]:
    return frozenset(name.rsplit(".", 1)[-1].encode("utf-8") for name in qualified_names)


def _module_records(body: List[ast.stmt]) -> Tuple[ModuleRecords, List[ast.ClassDef]]:
    imports: List[ImportStatement] = []
    classes: List[ClassRecord] = []
    class_nodes: List[ast.ClassDef] = []
    functions: List[str] = []
    assigned: List[str] = []
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.append(_import_record(statement))
        elif isinstance(statement, ast.ClassDef):
            classes.append(ClassRecord(statement.name, tuple(dotted_name(base) for base in statement.bases)))
            class_nodes.append(statement)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            assigned.extend(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(statement, (ast.If, ast.Try, ast.With)):
            blocks = [statement.body, getattr(statement, "orelse", []), getattr(statement, "finalbody", [])]
            blocks.extend(handler.body for handler in getattr(statement, "handlers", ()))
            for block in reversed(blocks):
                pending.extend(reversed(block))
    return ModuleRecords(tuple(imports), tuple(classes), tuple(functions), tuple(assigned)), class_nodes


def _statements(body: List[ast.stmt], enter_functions: bool = True) -> Iterator[ast.stmt]:
    """Every statement, nested blocks included; expressions are not entered (that is the saving)."""
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        yield statement
        if not enter_functions and isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            block = getattr(statement, field, None)
            if isinstance(block, list):
                pending.extend(reversed(block))
        for handler in getattr(statement, "handlers", ()):
            pending.extend(reversed(handler.body))
        for case in getattr(statement, "cases", ()):
            pending.extend(reversed(case.body))


def _classes(body: List[ast.stmt]) -> Iterator[Tuple[ast.ClassDef, Tuple[ImportStatement, ...]]]:
    """Every class statement, with the import statements of the functions it is defined in."""
    pending: List[Tuple[List[ast.stmt], Tuple[ImportStatement, ...]]] = [(body, ())]
    while pending:
        block, imports = pending.pop()
        for statement in _statements(block, enter_functions=False):
            if isinstance(statement, ast.ClassDef):
                yield statement, imports
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                local = tuple(_import_record(s) for s in _statements(statement.body, enter_functions=False)
                              if isinstance(s, (ast.Import, ast.ImportFrom)))
                pending.append((statement.body, imports + local))
            elif isinstance(statement, ast.ClassDef):
                pending.append((statement.body, imports))


def _import_record(statement: ast.AST) -> ImportStatement:
    if isinstance(statement, ast.Import):
        return ImportStatement(tuple((a.name, a.asname) for a in statement.names))
    assert isinstance(statement, ast.ImportFrom)
    return ImportStatement(tuple((a.name, a.asname) for a in statement.names), statement.module, statement.level or 0)


class _Evidence:
    """Could this store put a module or a parameter on self, as libcst's analysis would see it?

    The same shapes as analysis/containers.py, read off `ast`, with one difference that keeps it
    conservative: any name resolved outside torch counts, since it may be a module class of another
    file of the run. Builtins, locals and attributes of values resolve to nothing and never count.
    """

    def __init__(self, imports: ImportMap, settings: Settings, methods: Dict[str, "_Method"]) -> None:
        self.imports = imports
        self.factories = frozenset(settings.module_factories)
        self.methods = methods
        self.stateless_count = stateless_modules_selected(settings)
        self.trainable_count, self.plain_tensors_count = tensor_rules_selected(settings)

    def container(self, value: ast.AST, method: "_Method", depth: int = 0) -> bool:
        if depth > _MAX_DEPTH:
            return True
        if isinstance(value, (ast.List, ast.Tuple)):
            return any(self.element(e, method, depth) for e in value.elts if not isinstance(e, ast.Starred))
        if isinstance(value, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return self.element(value.elt, method, depth)
        if isinstance(value, ast.Dict):
            return any(self.element(v, method, depth) for k, v in zip(value.keys, value.values) if k is not None)
        if isinstance(value, ast.DictComp):
            return self.element(value.value, method, depth)
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Mult):
            return any(self.container(side, method, depth + 1) for side in (value.left, value.right)
                       if isinstance(side, ast.List))
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            return any(self.container(side, method, depth + 1) for side in (value.left, value.right))
        if isinstance(value, ast.IfExp):
            return any(self.container(side, method, depth + 1) for side in (value.body, value.orelse))
        if isinstance(value, ast.NamedExpr):
            return self.container(value.value, method, depth + 1)
        if isinstance(value, ast.Starred):
            return self.container(value.value, method, depth + 1)
        if isinstance(value, ast.Call):
            if _container_call(value.func):  # list(...), dict(zip(...)), OrderedDict(...), map(...), dict.fromkeys
                return any(
                    self.container(arg, method, depth + 1) or self.element(arg, method, depth + 1)
                    for arg in (*value.args, *(k.value for k in value.keywords))
                )
            helper = self.methods.get(method.attribute(value.func) or "")
            return helper is not None and any(self.container(r, helper, depth + 1) for r in helper.returns)
        if isinstance(value, ast.Name):
            return any(
                self.container(bound, method, depth + 1) for bound in method.bindings.get(value.id, ())
            ) or any(self.fill(fill, method, depth + 1) for fill in method.local_fills.get(value.id, ()))
        return False

    def element(self, value: ast.AST, method: "_Method", depth: int) -> bool:
        if depth > _MAX_DEPTH:
            return True
        if isinstance(value, (ast.List, ast.ListComp, ast.Starred)):
            return self.container(value, method, depth + 1)
        if isinstance(value, ast.IfExp):
            return any(self.element(side, method, depth + 1) for side in (value.body, value.orelse))
        if isinstance(value, ast.NamedExpr):
            return self.element(value.value, method, depth + 1)
        if isinstance(value, ast.Lambda):  # `map(lambda d: nn.Linear(d, d), dims)`
            return self.element(value.body, method, depth + 1)
        if isinstance(value, ast.Name) and value.id in method.bindings:
            return any(self.element(bound, method, depth + 1) for bound in method.bindings.get(value.id, ()))
        if isinstance(value, (ast.Name, ast.Attribute)):  # a class handed to map() or bound to a local
            return self._counts(value, None)
        if not isinstance(value, ast.Call):
            return False
        if _makes_trainable_tensor(value):
            return True  # a trainable tensor: nn.ParameterList / ParameterDict would register it
        func = value.func
        if isinstance(func, ast.Name) and func.id in method.bindings:  # `cls = nn.LSTM if c else nn.GRU; cls(...)`
            return self.element(func, method, depth + 1)
        helper = self.methods.get(method.attribute(func) or "")
        if helper is not None and helper is not method:  # `self._make_layer(...)`: what it returns
            return any(self.element(r, helper, depth + 1) for r in helper.returns)
        if isinstance(func, ast.Attribute) and func.attr in MODULE_RETURNING_METHODS:
            if self.element(func.value, method, depth + 1):
                return True
        qualified = self.imports.qualify_dotted(dotted_name(func))
        if qualified == "copy.deepcopy":
            return bool(value.args) and self.element(value.args[0], method, depth + 1)
        return self._counts(func, value)

    def _counts(self, func: ast.AST, value: Optional[ast.Call]) -> bool:
        """Could calling `func` make a module or parameter that some selected rule reports?"""
        qualified = self.imports.qualify_dotted(dotted_name(func))
        if qualified is None:
            return False
        if qualified in self.factories or qualified in PARAMETER_CLASSES or qualified in EXTRA_MODULE_BASES:
            return True
        if not qualified.startswith("torch."):
            return True
        name = torch_nn_class_name(qualified)
        if name is None:  # torch's functions make no modules; its classes may be module classes of the run
            return qualified.rsplit(".", 1)[-1][:1].isupper()
        if self.stateless_count:
            return True
        if name in STATELESS_MODULE_CLASSES:
            return False
        if value is None:
            return True
        return not is_unweighted_loss(
            name,
            positional=sum(1 for arg in value.args if not isinstance(arg, ast.Starred)),
            keywords=frozenset(k.arg for k in value.keywords if k.arg),
            unpacks=any(isinstance(arg, ast.Starred) for arg in value.args) or any(k.arg is None for k in value.keywords),
        )

    def tensor(self, value: ast.AST, method: "_Method", depth: int = 0) -> bool:
        """Could this store put a torch tensor on self (TL006, TL007)? A torch factory call, perhaps
        through tensor methods or a local, or anything with `requires_grad`."""
        if depth > _MAX_DEPTH:
            return True
        if isinstance(value, ast.Name):
            return any(self.tensor(bound, method, depth + 1) for bound in method.bindings.get(value.id, ()))
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        qualified = self.imports.qualify_dotted(dotted_name(func)) or ""
        if _makes_trainable_tensor(value) and qualified not in PARAMETER_CLASSES:
            return self.trainable_count
        if qualified.startswith("torch.") and qualified.count(".") == 1 and qualified[6:] in TENSOR_FACTORIES:
            return self.plain_tensors_count
        return isinstance(func, ast.Attribute) and self.tensor(func.value, method, depth + 1)

    def fill(self, fill: Tuple[str, ast.AST], method: "_Method", depth: int) -> bool:
        how, value = fill
        return self.container(value, method, depth) if how == "many" else self.element(value, method, depth)


class _Method:
    """What one method binds, stores on self, fills and returns (statements only, not expressions)."""

    def __init__(self, function: ast.AST, self_name: str) -> None:
        self.self_name = self_name
        self.bindings: Dict[str, List[ast.AST]] = {}
        self.stores: List[Tuple[str, ast.AST]] = []
        self.fills: Dict[str, List[Tuple[str, ast.AST]]] = {}  # attribute -> ("one"|"many", value)
        self.local_fills: Dict[str, List[Tuple[str, ast.AST]]] = {}
        self.returns: List[ast.AST] = []
        for statement in _statements(function.body):
            if isinstance(statement, ast.Assign):
                for target in statement.targets:
                    self._bind(target, statement.value)
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                self._bind(statement.target, statement.value)
            elif isinstance(statement, ast.AugAssign):
                self._fill(statement.target, "many", statement.value)
            elif isinstance(statement, ast.Return) and statement.value is not None:
                self.returns.append(statement.value)
            elif isinstance(statement, ast.Expr):
                self._setattr_in(statement.value)
            for field in ("value", "test", "iter"):  # `_ = [self.x.append(m) ...]`, `if self.x.append(m): ...`
                expression = getattr(statement, field, None)
                if isinstance(expression, ast.AST):
                    self._fills_in(expression)

    def _fills_in(self, expression: ast.AST) -> None:
        """`self.x.append(m)`, also inside a comprehension run for its side effect."""
        for node in ast.walk(expression):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _FILLS:
                many = node.func.attr in ("extend", "update")
                for value in node.args[1:] if node.func.attr in ("insert", "setdefault") else node.args:
                    self._fill(node.func.value, "many" if many else "one", value)
                for keyword in node.keywords:
                    self._fill(node.func.value, "one", keyword.value)

    def _setattr_in(self, expression: ast.AST) -> None:
        """`setattr(self, "layers", [...])`: a store with a literal name."""
        if (
            isinstance(expression, ast.Call) and isinstance(expression.func, ast.Name)
            and expression.func.id == "setattr" and len(expression.args) == 3
            and isinstance(expression.args[1], ast.Constant) and isinstance(expression.args[1].value, str)
            and isinstance(expression.args[0], ast.Name) and expression.args[0].id == self.self_name
        ):
            self.stores.append((expression.args[1].value, expression.args[2]))

    def _fill(self, target: ast.AST, how: str, value: ast.AST) -> None:
        if isinstance(target, ast.Subscript):  # `self.d[k].append(m)`: a list inside the dict
            target = target.value
        attribute = self.attribute(target)
        if attribute:
            self.fills.setdefault(attribute, []).append((how, value))
        elif isinstance(target, ast.Name):
            self.local_fills.setdefault(target.id, []).append((how, value))

    def attribute(self, node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            return node.attr
        return None

    def _bind(self, target: ast.AST, value: ast.AST) -> None:
        attribute = self.attribute(target)
        if isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)):
            for each_target, each_value in zip(target.elts, value.elts):  # `self.a, self.b = [..], [..]`
                self._bind(each_target, each_value)
        elif attribute:
            self.stores.append((attribute, value))
        elif isinstance(target, ast.Name):
            self.bindings.setdefault(target.id, []).append(value)
        elif isinstance(target, ast.Subscript):
            self._fill(target.value, "one", value)


def _makes_trainable_tensor(call: ast.Call) -> bool:
    """`f(..., requires_grad=True)` or `t.requires_grad_()` / `t.requires_grad_(True)`."""
    if any(k.arg == "requires_grad" and isinstance(k.value, ast.Constant) and k.value.value is True
           for k in call.keywords):
        return True
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "requires_grad_" and (
        not call.args or (isinstance(call.args[0], ast.Constant) and call.args[0].value is True)
    )


def _container_call(func: ast.AST) -> bool:
    dotted = dotted_name(func) or ""
    return dotted in _CONTAINER_CALLS or dotted.rsplit(".", 1)[-1] in ("OrderedDict", "fromkeys", "defaultdict")


def _class_has_candidate(node: ast.ClassDef, imports: ImportMap, settings: Settings) -> bool:
    methods: Dict[str, _Method] = {}
    for function in node.body:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            params = [*function.args.posonlyargs, *function.args.args]
            if params:
                methods[function.name] = _Method(function, params[0].arg)
    evidence = _Evidence(imports, settings, methods)
    for method in methods.values():
        for attribute, value in method.stores:
            if evidence.tensor(value, method):
                return True
            if evidence.container(value, method) or (
                _container_like(value, method, methods)
                and any(evidence.fill(fill, other, 0) for other in methods.values() for fill in other.fills.get(attribute, ()))
            ):
                return True
    return False


def _container_like(value: ast.AST, method: _Method, methods: Dict[str, _Method], depth: int = 0) -> bool:
    """Could libcst's analysis take this value for a plain container (even an empty one)?"""
    if isinstance(value, (ast.List, ast.Tuple, ast.ListComp, ast.GeneratorExp, ast.Dict, ast.DictComp)):
        return True
    if isinstance(value, ast.BinOp):
        return isinstance(value.op, (ast.Mult, ast.Add))
    if isinstance(value, (ast.IfExp, ast.NamedExpr)):
        return True
    if isinstance(value, ast.Name):
        return depth < _MAX_DEPTH and any(
            _container_like(bound, method, methods, depth + 1) for bound in method.bindings.get(value.id, ())
        )
    if isinstance(value, ast.Call):
        if _container_call(value.func):
            return True
        if isinstance(value.func, ast.Name):
            return False
        helper = methods.get(method.attribute(value.func) or "")
        return helper is not None and depth < _MAX_DEPTH and any(
            _container_like(r, helper, methods, depth + 1) for r in helper.returns
        )
    return False
