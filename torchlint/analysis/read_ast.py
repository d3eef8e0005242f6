"""Read a file with CPython's `ast` (the fast path): its module records, its classes, and the events
of each method, reported to the one FactCollector (analysis/class_facts.py).

analysis/read_cst.py reads the same things off libcst; tests/test_readers.py proves both equal.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Tuple

from torchlint.analysis import syntax as syn
from torchlint.analysis.ast_names import dotted_name
from torchlint.analysis.class_facts import (
    ClassFacts, ExpressionReader, FactCollector, MethodFacts, read_class, read_function,
)
from torchlint.analysis.imports import ClassRecord, ImportStatement, ModuleRecords
from torchlint.analysis.source_lines import lines_saying, says_within
from torchlint.analysis.storing_methods import FunctionNode, setattr_lines, storing_method_names
from torchlint.analysis.syntax import Expr, Span

_BINARY = {
    ast.Add: "Add", ast.Sub: "Subtract", ast.Mult: "Multiply", ast.MatMult: "MatrixMultiply", ast.Div: "Divide",
    ast.Mod: "Modulo", ast.Pow: "Power", ast.LShift: "LeftShift", ast.RShift: "RightShift", ast.BitOr: "BitOr",
    ast.BitXor: "BitXor", ast.BitAnd: "BitAnd", ast.FloorDiv: "FloorDivide",
}
_COMPARE = {
    ast.Eq: "Equal", ast.NotEq: "NotEqual", ast.Lt: "LessThan", ast.LtE: "LessThanEqual", ast.Gt: "GreaterThan",
    ast.GtE: "GreaterThanEqual", ast.Is: "Is", ast.IsNot: "IsNot", ast.In: "In", ast.NotIn: "NotIn",
}
_UNARY = {ast.USub: "Minus", ast.UAdd: "Plus", ast.Not: "Not", ast.Invert: "BitInvert"}
_BOOLEAN = {ast.And: "And", ast.Or: "Or"}
# The syntax nodes made most often are built as the tuples they are: a named tuple's own constructor
# (a Python function) costs as much again. Every field is given, in order.
_new = tuple.__new__
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NEWER_BLOCKS = tuple(getattr(ast, name) for name in ("Match", "TryStar") if hasattr(ast, name))  # 3.10, 3.11
_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, *_NEWER_BLOCKS)
_IMPORT_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith, *(b for b in _NEWER_BLOCKS if b.__name__ == "TryStar"))


@dataclass(frozen=True)
class ClassSyntax:
    """A class statement, nested ones included: its name, its bases, the imports of the functions it
    is defined in. `node` is the reader's own node, for `class_facts`."""

    name: str
    bases: Tuple[Expr, ...]
    local_imports: Tuple[ImportStatement, ...]
    node: Any = field(compare=False, repr=False)


@dataclass(frozen=True)
class SharedReading:
    """What AstFile reads off a file's bytes alone."""

    lines: Optional[List[bytes]]  # the file's lines where it is not ASCII (`ast` columns count bytes)
    class_lines: List[int]  # the lines that say `class`
    setattr_lines: List[int]  # the lines that may say `setattr` (storing_methods.setattr_lines)

    @classmethod
    def of(cls, data: bytes) -> "SharedReading":
        return cls(None if data.isascii() else data.splitlines(keepends=True), lines_saying(data, b"class"),
                   setattr_lines(data))


class AstFile:
    """A file as CPython's `ast` reads it."""

    def __init__(self, tree: ast.Module, data: bytes, header_end: Optional[int] = None,
                 shared: Optional["SharedReading"] = None) -> None:
        """`header_end`: known already when `tree` leaves out some of the file (analysis/check_scope.py).
        `shared`: what is read off `data` alone, when the caller has it (it reads the file in parts)."""
        self.tree = tree
        self.data = data
        self._header_end = header_end
        self._lines = shared.lines if shared else None if data.isascii() else data.splitlines(keepends=True)
        self._class_lines = shared.class_lines if shared else None  # read when classes are asked for
        self._setattr_lines = shared.setattr_lines if shared else None  # read when stores are asked for
        self.records, self.class_nodes = module_records(tree.body)
        self._classes: Optional[List[ClassSyntax]] = None
        self._facts: Dict[Tuple[int, FrozenSet[str]], ClassFacts] = {}

    def header_end(self) -> int:
        """The last line of the file's leading imports (or docstring): new imports go below it."""
        return header_end_of(self.tree.body) if self._header_end is None else self._header_end

    # --- positions --------------------------------------------------------------------------------
    def span(self, node: ast.AST) -> Span:
        return (node.lineno, self._column(node.lineno, node.col_offset),  # type: ignore[attr-defined]
                node.end_lineno, self._column(node.end_lineno, node.end_col_offset))  # type: ignore[attr-defined]

    def _column(self, line: int, offset: int) -> int:
        """`ast` counts UTF-8 bytes; findings count code points."""
        if self._lines is None or line > len(self._lines):
            return offset
        return len(self._lines[line - 1][:offset].decode("utf-8", errors="replace"))

    # --- classes and functions --------------------------------------------------------------------
    def classes(self) -> List[ClassSyntax]:
        if self._classes is None:
            self._classes = self._read_classes()
        return self._classes

    def _read_classes(self) -> List[ClassSyntax]:
        found: List[ClassSyntax] = []
        if self._class_lines is None:
            self._class_lines = lines_saying(self.data, b"class")
        class_lines = self._class_lines  # a block whose lines never say it holds no class
        pending: List[Tuple[ast.stmt, Tuple[ImportStatement, ...]]] = [(s, ()) for s in reversed(self.tree.body)]
        while pending:
            node, imports = pending.pop()
            if isinstance(node, ast.ClassDef):
                reader = _Reader(self)
                bases = tuple(reader.expression(base.value if isinstance(base, ast.Starred) else base) for base in node.bases)
                found.append(ClassSyntax(node.name, bases, imports, node))
            if not isinstance(node, (ast.ClassDef, *_FUNCTIONS, *_BLOCKS)) or not says_within(class_lines, node):
                continue
            if isinstance(node, _FUNCTIONS):
                imports = imports + tuple(import_record(s) for s in _local_imports(node.body))
            pending.extend((c, imports) for c in reversed(list(_nested_statements(node))))
        return found

    def class_facts(self, syntax: ClassSyntax, shadowed: FrozenSet[str]) -> ClassFacts:
        """Read once per class: the scan and the check of a file in one process share them."""
        key = (id(syntax.node), shadowed)
        if key not in self._facts:
            self._facts[key] = self._read_class_facts(syntax, shadowed)
        return self._facts[key]

    def _read_class_facts(self, syntax: ClassSyntax, shadowed: FrozenSet[str]) -> ClassFacts:
        methods = ((s.name, _parameters(s), s.body) for s in _instance_methods(syntax.node))
        return read_class(syntax.name, methods, _Reader(self).walk, self.span, shadowed)

    def storing_facts(self, syntax: ClassSyntax, shadowed: FrozenSet[str]) -> ClassFacts:
        """The facts of the class's methods that may store on self (analysis/storing_methods.py), the
        others left unread (`ClassFacts.unread`); the class's own facts when every method may store."""
        methods = _instance_methods(syntax.node)
        parameters = [_parameters(s) for s in methods]
        if self._setattr_lines is None:
            self._setattr_lines = setattr_lines(self.data)
        storing = storing_method_names(methods, parameters, self._setattr_lines)
        unread = frozenset(s.name for s, names in zip(methods, parameters) if names) - storing
        if not unread:
            return self.class_facts(syntax, shadowed)
        read = ((s.name, names, s.body) for s, names in zip(methods, parameters) if s.name in storing)
        facts = read_class(syntax.name, read, _Reader(self).walk, self.span, shadowed)
        facts.unread = unread
        return facts

    def with_unread_methods(self, facts: ClassFacts, syntax: ClassSyntax, shadowed: FrozenSet[str]) -> ClassFacts:
        """`facts` (`storing_facts`) with the methods they left unread read too: all the class's facts, in
        another order than `class_facts` gives them (methods read later, stores and fills listed later),
        which tells what the class holds but is no reading of the class to report on."""
        unread = [(s.name, _parameters(s), s.body) for s in _instance_methods(syntax.node) if s.name in facts.unread]
        read_class(syntax.name, unread, _Reader(self).walk, self.span, shadowed, facts)
        facts.unread = frozenset()
        return facts

    def function_facts(self, shadowed: FrozenSet[str]) -> List[Tuple[ClassFacts, MethodFacts]]:
        walk = _Reader(self).walk
        return [read_function((s.name, _parameters(s), s.body), walk, self.span, shadowed)
                for s in self.tree.body if isinstance(s, _FUNCTIONS)]


class _Reader(ExpressionReader):
    """Reads a method in one pass: each statement converts its expressions once, the conversion notes
    the events of the expressions (calls, attributes, operators...) in source order, and the statement
    reports its own event before theirs, the order of a pre-order walk (and of analysis/read_cst.py)."""

    def __init__(self, file: AstFile) -> None:
        super().__init__()
        self.file = file
        self.pending: List[Tuple[Callable[..., None], Tuple[Any, ...]]] = []  # noted, not yet reported

    def expression(self, node: Any) -> Expr:  # each node is converted once: no memo needed
        kind = type(node)
        if kind is ast.Name:  # a third of all expressions
            return _new(syn.Name, (node.id,))
        convert = _CONVERTERS.get(kind)
        return syn.Other() if convert is None else convert(self, node)

    def walk(self, body: List[ast.stmt], collector: FactCollector) -> None:
        for statement in body:
            read = _STATEMENTS.get(type(statement))
            if read is None:
                self._parts(statement, collector)
            else:
                read(self, statement, collector)

    def _report(self, collector: FactCollector) -> None:
        """The events noted while converting, after the statement's own."""
        events, self.pending = self.pending, []
        for event, args in events:
            event(collector, *args)

    def _forward(self, collector: FactCollector, *expressions: Optional[Expr]) -> None:
        """The outermost expressions of a statement (only `forward`'s are kept)."""
        if collector.method.name == "forward":
            for expression in expressions:
                if expression is not None:
                    collector.expression(expression)

    def _parts(self, node: ast.AST, collector: FactCollector) -> None:
        """Any other node: its statements read, its expressions converted for their events, in order."""
        for child in _children(node):
            if isinstance(child, ast.stmt):
                self.walk([child], collector)
            elif isinstance(child, ast.expr):
                self.expression(child)
                self._report(collector)
            else:
                self._parts(child, collector)

    # --- statements -------------------------------------------------------------------------------
    def on_assign(self, node: ast.Assign, collector: FactCollector) -> None:
        targets = [self.expression(t) for t in node.targets]
        value = self.expression(node.value)
        self._forward(collector, *targets, value)
        collector.assign(targets, value, node)
        self._report(collector)

    def on_annotated(self, node: ast.AnnAssign, collector: FactCollector) -> None:
        target, annotation = self.expression(node.target), self.expression(node.annotation)
        value = self.optional(node.value)
        self._forward(collector, target, annotation, value)
        if value is not None:
            collector.assign([target], value, node, annotation)
        self._report(collector)

    def on_augmented(self, node: ast.AugAssign, collector: FactCollector) -> None:
        target, value = self.expression(node.target), self.expression(node.value)
        self._forward(collector, target, value)
        collector.augmented(target, _BINARY[type(node.op)] + "Assign", value)
        self._report(collector)

    def on_for(self, node: ast.For, collector: FactCollector) -> None:
        target, iterated = self.expression(node.target), self.expression(node.iter)
        self._forward(collector, target, iterated)
        collector.loop(target, iterated)
        self._report(collector)
        self.walk(node.body, collector)
        self.walk(node.orelse, collector)

    def on_return(self, node: ast.Return, collector: FactCollector) -> None:
        value = self.optional(node.value)
        self._forward(collector, value)
        if value is not None:
            collector.returned(value)
        self._report(collector)

    def on_delete(self, node: ast.Delete, collector: FactCollector) -> None:
        targets: List[Expr] = []
        for target in node.targets:
            converted = self.expression(target)
            targets.extend(converted.elements if isinstance(target, ast.Tuple) else [converted])
        collector.deleted(targets)
        self._report(collector)

    def on_expression_statement(self, node: ast.Expr, collector: FactCollector) -> None:
        self._forward(collector, self.expression(node.value))
        self._report(collector)

    def on_test(self, node: Any, collector: FactCollector) -> None:  # if, while
        self._forward(collector, self.expression(node.test))
        self._report(collector)
        self.walk(node.body, collector)
        self.walk(node.orelse, collector)

    def on_with(self, node: Any, collector: FactCollector) -> None:
        parts = [self.optional(part) for item in node.items for part in (item.context_expr, item.optional_vars)]
        self._forward(collector, *parts)
        self._report(collector)
        self.walk(node.body, collector)


_STATEMENTS: Dict[type, Callable[[_Reader, Any, FactCollector], None]] = {
    ast.Assign: _Reader.on_assign, ast.AnnAssign: _Reader.on_annotated, ast.AugAssign: _Reader.on_augmented,
    ast.For: _Reader.on_for, ast.AsyncFor: _Reader.on_for, ast.Return: _Reader.on_return,
    ast.Delete: _Reader.on_delete, ast.Expr: _Reader.on_expression_statement, ast.If: _Reader.on_test,
    ast.While: _Reader.on_test, ast.With: _Reader.on_with, ast.AsyncWith: _Reader.on_with,
}


def _children(node: ast.AST) -> List[ast.AST]:
    """A node's children in the order libcst's fields give them: call arguments as written, dict keys
    beside their values, parameter defaults beside their parameters, a class's body before its bases."""
    if isinstance(node, ast.Call):
        return [node.func, *sorted([*node.args, *node.keywords], key=_position)]
    if isinstance(node, ast.Dict):
        return [part for key, value in zip(node.keys, node.values) for part in (key, value) if part is not None]
    if isinstance(node, ast.arguments):
        return _parameter_parts(node)
    found: List[ast.AST] = []
    for name in _FIELD_ORDER.get(type(node), node._fields):
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            found.append(value)
        elif isinstance(value, list):
            found.extend(item for item in value if isinstance(item, ast.AST))
    return found


_FIELD_ORDER = {
    ast.ClassDef: ("body", "bases", "keywords", "decorator_list"),
    ast.ExceptHandler: ("body", "type"),
}


def _parameter_parts(node: ast.arguments) -> List[ast.AST]:
    positional = [*node.posonlyargs, *node.args]
    defaults: List[Optional[ast.expr]] = [None] * (len(positional) - len(node.defaults)) + list(node.defaults)
    by_parameter = dict(zip(map(id, positional), defaults))
    parts: List[Optional[ast.AST]] = []
    for arg in node.args:
        parts += [arg.annotation, by_parameter[id(arg)]]
    if node.vararg is not None:
        parts.append(node.vararg.annotation)
    for arg, default in zip(node.kwonlyargs, node.kw_defaults):
        parts += [arg.annotation, default]
    if node.kwarg is not None:
        parts.append(node.kwarg.annotation)
    for arg in node.posonlyargs:
        parts += [arg.annotation, by_parameter[id(arg)]]
    return [part for part in parts if part is not None]


def _position(node: ast.AST) -> Tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


# --- expressions ------------------------------------------------------------------------------------
def _arguments(reader: _Reader, node: ast.Call) -> Tuple[syn.Arg, ...]:
    arguments = []
    # As written: `f(*a, k=1, *b)` mixes them; each kind alone is in order already.
    written = sorted([*node.args, *node.keywords], key=_position) if node.args and node.keywords else node.args or node.keywords
    for arg in written:
        if isinstance(arg, ast.keyword):
            arguments.append(_new(syn.Arg, (reader.expression(arg.value), arg.arg, "" if arg.arg else "**")))
        elif isinstance(arg, ast.Starred):
            arguments.append(_new(syn.Arg, (reader.expression(arg.value), None, "*")))
        else:
            arguments.append(_new(syn.Arg, (reader.expression(arg), None, "")))
    return tuple(arguments)


def _generators(reader: _Reader, generators: List[ast.comprehension]) -> Tuple[syn.CompFor, ...]:
    return tuple(
        syn.CompFor(reader.expression(g.target), reader.expression(g.iter), tuple(reader.expression(i) for i in g.ifs))
        for g in generators
    )


def _boolean(reader: _Reader, node: ast.BoolOp) -> Expr:
    operator = _BOOLEAN[type(node.op)]
    result = reader.expression(node.values[0])
    for value in node.values[1:]:
        result = syn.BooleanOperation(result, operator, reader.expression(value))
    return result


def _formatted(reader: _Reader, node: ast.JoinedStr) -> Expr:
    parts = []
    for value in node.values:
        if isinstance(value, ast.FormattedValue):
            parts.append(reader.expression(value.value))
            if value.format_spec is not None:  # `f"{x:{width}}"`: read for its events only
                reader.expression(value.format_spec)
    return syn.Other(tuple(parts))


def _lambda(reader: _Reader, node: ast.Lambda) -> Expr:
    for part in _parameter_parts(node.args):  # defaults: read for their events only
        reader.expression(part)
    return syn.Lambda(reader.expression(node.body))


# Expressions that are events too: noted before their parts (a pre-order walk's order), completed once
# converted.
_UNSET: Tuple[Callable[..., None], Tuple[Any, ...]] = (FactCollector.expression, ())


def _call(reader: _Reader, node: ast.Call) -> Expr:
    slot = len(reader.pending)
    reader.pending.append(_UNSET)
    call = _new(syn.Call, (reader.expression(node.func), _arguments(reader, node)))
    reader.pending[slot] = (FactCollector.call, (call, node))
    return call


def _attribute(reader: _Reader, node: ast.Attribute) -> Expr:
    if node.attr not in FactCollector.WATCHED_ATTRIBUTES:  # the event would change nothing
        return _new(syn.Attribute, (reader.expression(node.value), node.attr))
    slot = len(reader.pending)
    reader.pending.append(_UNSET)
    attribute = syn.Attribute(reader.expression(node.value), node.attr)
    reader.pending[slot] = (FactCollector.attribute, (attribute,))
    return attribute


def _binary(reader: _Reader, node: ast.BinOp) -> Expr:
    slot = len(reader.pending)
    reader.pending.append(_UNSET)
    binary = syn.BinaryOperation(reader.expression(node.left), _BINARY[type(node.op)], reader.expression(node.right))
    reader.pending[slot] = (FactCollector.binary, (binary,))
    return binary


def _compare(reader: _Reader, node: ast.Compare) -> Expr:
    slot = len(reader.pending)
    reader.pending.append(_UNSET)
    operands = (reader.expression(node.left), *(reader.expression(c) for c in node.comparators))
    reader.pending[slot] = (FactCollector.comparison, (operands, [_COMPARE[type(op)] for op in node.ops]))
    return syn.Other(operands)


def _named(reader: _Reader, node: ast.NamedExpr) -> Expr:
    slot = len(reader.pending)
    reader.pending.append(_UNSET)
    named = syn.NamedExpr(reader.expression(node.target), reader.expression(node.value))
    reader.pending[slot] = (FactCollector.named_expression, (named.target, named.value))
    return named


def _subscript(reader: _Reader, node: ast.Subscript) -> Expr:
    slot = len(reader.pending)
    reader.pending.append(_UNSET)
    index = node.slice
    parts = index.elts if isinstance(index, ast.Tuple) else [index]  # `x[a, b:c]` and `x[(a, b)]` alike
    subscript = syn.Subscript(reader.expression(node.value), tuple(reader.expression(part) for part in parts))
    reader.pending[slot] = (FactCollector.subscript, (subscript,))
    return subscript


_CONVERTERS: Dict[type, Callable[[_Reader, Any], Expr]] = {
    ast.Attribute: _attribute,
    ast.Call: _call,
    ast.Starred: lambda r, n: syn.Starred(r.expression(n.value)),
    ast.List: lambda r, n: syn.List(tuple(r.expression(e) for e in n.elts)),
    ast.Tuple: lambda r, n: syn.Tuple_(tuple(r.expression(e) for e in n.elts)),
    ast.Set: lambda r, n: syn.Set(tuple(r.expression(e) for e in n.elts)),
    ast.Dict: lambda r, n: syn.Dict(tuple(
        syn.DictItem(r.optional(k), r.expression(v)) for k, v in zip(n.keys, n.values)
    )),
    ast.ListComp: lambda r, n: syn.ListComp(r.expression(n.elt), _generators(r, n.generators)),
    ast.GeneratorExp: lambda r, n: syn.GeneratorExp(r.expression(n.elt), _generators(r, n.generators)),
    ast.SetComp: lambda r, n: syn.SetComp(r.expression(n.elt), _generators(r, n.generators)),
    ast.DictComp: lambda r, n: syn.DictComp(r.expression(n.key), r.expression(n.value), _generators(r, n.generators)),
    ast.IfExp: lambda r, n: syn.IfExp(r.expression(n.test), r.expression(n.body), r.expression(n.orelse)),
    ast.BinOp: _binary,
    ast.BoolOp: _boolean,
    ast.UnaryOp: lambda r, n: syn.UnaryOperation(_UNARY[type(n.op)], r.expression(n.operand)),
    ast.NamedExpr: _named,
    ast.Subscript: _subscript,
    ast.Slice: lambda r, n: syn.Slice(r.optional(n.lower), r.optional(n.upper), r.optional(n.step)),
    ast.Await: lambda r, n: syn.Await(r.expression(n.value)),
    ast.Lambda: _lambda,
    ast.Constant: lambda r, n: _new(syn.Constant, (n.value,)),
    ast.Compare: _compare,
    ast.JoinedStr: _formatted,
    ast.Yield: lambda r, n: syn.Other(() if n.value is None else (r.expression(n.value),)),
    ast.YieldFrom: lambda r, n: syn.Other((r.expression(n.value),)),
}
_Reader.converters = _CONVERTERS


def header_end_of(body: List[ast.stmt], end: int = 0, starts_file: bool = True) -> int:
    """The last line of the imports among top-level statements (and of the file's docstring), after
    `end`, the answer for the statements before them (`starts_file`: there are none)."""
    for position, statement in enumerate(body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            end = statement.end_lineno or end
        elif (position == 0 and starts_file and isinstance(statement, ast.Expr)
              and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)):  # a docstring
            end = statement.end_lineno or end
    return end


# --- module records -------------------------------------------------------------------------------
def module_records(body: List[ast.stmt]) -> Tuple[ModuleRecords, List[ast.ClassDef]]:
    """What the file binds at import time: its imports, classes, functions and assigned names."""
    imports: List[ImportStatement] = []
    classes: List[ClassRecord] = []
    class_nodes: List[ast.ClassDef] = []
    functions: List[str] = []
    assigned: List[str] = []
    for statement in _module_level_statements(body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            imports.append(import_record(statement))
        elif isinstance(statement, ast.ClassDef):
            classes.append(ClassRecord(statement.name, tuple(dotted_name(base) for base in statement.bases)))
            class_nodes.append(statement)
        elif isinstance(statement, _FUNCTIONS):
            functions.append(statement.name)
        elif isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            assigned.extend(name for target in targets for name in _names_in(target))
    return ModuleRecords(tuple(imports), tuple(classes), tuple(functions), tuple(assigned)), class_nodes


def _names_in(node: ast.AST) -> Iterator[str]:
    """The names in an assignment target, in source order (`a.b` counts `a`)."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.Name):
            yield current.id
        else:
            pending.extend(reversed(list(ast.iter_child_nodes(current))))


def import_record(statement: ast.stmt) -> ImportStatement:
    if isinstance(statement, ast.Import):
        return ImportStatement(tuple((alias.name, alias.asname) for alias in statement.names))
    assert isinstance(statement, ast.ImportFrom)
    names = tuple((alias.name, alias.asname) for alias in statement.names)
    return ImportStatement(names, statement.module, statement.level or 0)


def _module_level_statements(body: List[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at import time: the module body and the blocks of if/try/with in it."""
    for statement in body:
        if isinstance(statement, _IMPORT_BLOCKS):
            for block in _blocks(statement):
                yield from _module_level_statements(block)
        else:
            yield statement


def _blocks(statement: ast.stmt) -> Iterator[List[ast.stmt]]:
    """The blocks of an if/try/with statement, in source order."""
    yield statement.body  # type: ignore[attr-defined]
    for handler in getattr(statement, "handlers", ()):
        yield handler.body
    for name in ("orelse", "finalbody"):
        block = getattr(statement, name, None)
        if block:
            yield block


def _local_imports(body: List[ast.stmt]) -> Iterator[ast.stmt]:
    """The import statements directly in a function's body (and its if/try/with blocks)."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
        elif isinstance(statement, _IMPORT_BLOCKS):
            for block in _blocks(statement):
                yield from _local_imports(block)


def _nested_statements(node: ast.AST) -> Iterator[ast.stmt]:
    for name in ("body", "orelse", "finalbody"):
        yield from getattr(node, name, None) or ()
    for handler in getattr(node, "handlers", ()):
        yield from handler.body
    for case in getattr(node, "cases", ()):
        yield from case.body


def _instance_methods(node: ast.ClassDef) -> List[FunctionNode]:
    return [s for s in node.body if isinstance(s, _FUNCTIONS) and not _is_static_or_class_method(s)]


def _is_static_or_class_method(function: ast.AST) -> bool:
    return any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
               for d in function.decorator_list)  # type: ignore[attr-defined]


def _parameters(function: ast.AST) -> Tuple[str, ...]:
    arguments = function.args  # type: ignore[attr-defined]
    return tuple(a.arg for a in (*arguments.posonlyargs, *arguments.args))
