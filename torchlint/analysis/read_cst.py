"""Read a file with libcst: the same records as analysis/read_ast.py, for files CPython's `ast` cannot
read (syntax newer than the running Python) and as the reference the `ast` reader is tested against.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Callable, Dict, FrozenSet, Iterator, List, Optional, Tuple, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from torchlint.analysis import syntax as syn
from torchlint.analysis.class_facts import (
    ClassFacts, ExpressionReader, FactCollector, MethodFacts, read_class, read_function,
)
from torchlint.analysis.imports import ClassRecord, ImportStatement, ModuleRecords
from torchlint.analysis.read_ast import ClassSyntax
from torchlint.analysis.syntax import Expr, Span
from torchlint.analysis.walk import children

_CONSTANT_NAMES = {"True": True, "False": False, "None": None}


def _identifier(name: str) -> str:
    """Python reads identifiers NFKC-normalised (`ĳ` is `ij`), as `ast` reports them."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


class CstFile:
    """A file as libcst reads it."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._positions: Optional[Any] = None
        self.records = module_records(module)

    def span(self, node: cst.CSTNode) -> Span:
        if self._positions is None:
            self._positions = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(PositionProvider)
        found = self._positions[node]
        return found.start.line, found.start.column, found.end.line, found.end.column

    def header_end(self) -> int:
        """The last line of the file's leading imports (or docstring): new imports go below it."""
        end = 0
        for position, statement in enumerate(self.module.body):
            if isinstance(statement, cst.SimpleStatementLine) and (
                any(isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)
                or (position == 0 and isinstance(statement.body[0], cst.Expr)
                    and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
                    and isinstance(statement.body[0].value.evaluated_value, str))  # a docstring
            ):
                end = self.span(statement)[2]
        return end

    def classes(self) -> List[ClassSyntax]:
        found: List[ClassSyntax] = []
        pending: List[Tuple[cst.CSTNode, Tuple[ImportStatement, ...]]] = [(n, ()) for n in reversed(self.module.body)]
        while pending:
            node, imports = pending.pop()
            if isinstance(node, cst.ClassDef):
                reader = _Reader(self)
                bases = tuple(reader.expression(arg.value) for arg in node.bases if arg.keyword is None)
                found.append(ClassSyntax(_identifier(node.name.value), bases, imports, node))
            if isinstance(node, cst.FunctionDef):
                imports = imports + tuple(import_record(s) for s in _local_imports(node.body))
            if isinstance(node, _BLOCK_NODES):
                pending.extend((c, imports) for c in reversed([c for c in children(node) if isinstance(c, _BLOCK_NODES)]))
        return found

    def class_facts(self, syntax: ClassSyntax, shadowed: FrozenSet[str]) -> ClassFacts:
        methods = (
            (_identifier(s.name.value), _parameters(s), s.body) for s in syntax.node.body.body
            if isinstance(s, cst.FunctionDef) and not _is_static_or_class_method(s)
        )
        return read_class(syntax.name, methods, _Reader(self).walk, self.span, shadowed)

    def function_facts(self, shadowed: FrozenSet[str]) -> List[Tuple[ClassFacts, MethodFacts]]:
        walk = _Reader(self).walk
        return [read_function((_identifier(s.name.value), _parameters(s), s.body), walk, self.span, shadowed)
                for s in self.module.body if isinstance(s, cst.FunctionDef)]


class _Reader(ExpressionReader):
    def __init__(self, file: CstFile) -> None:
        super().__init__()
        self.file = file

    def walk(self, root: cst.CSTNode, collector: FactCollector) -> None:
        pending: List[cst.CSTNode] = [root]
        while pending:
            node = pending.pop()
            if isinstance(node, _IMPORTS):  # dotted module paths, not attributes read (as in `ast`)
                continue
            handler = _HANDLERS.get(type(node))
            if handler is not None:
                handler(self, node, collector)
            pending.extend(reversed(list(children(node))))

    # --- statements -------------------------------------------------------------------------------
    def on_assign(self, node: cst.Assign, collector: FactCollector) -> None:
        self.outermost(collector, *(t.target for t in node.targets), node.value)
        collector.assign([self.expression(t.target) for t in node.targets], self.expression(node.value), node)

    def on_annotated(self, node: cst.AnnAssign, collector: FactCollector) -> None:
        self.outermost(collector, node.target, node.annotation.annotation, node.value)
        if node.value is not None:
            collector.assign([self.expression(node.target)], self.expression(node.value), node,
                             self.expression(node.annotation.annotation))

    def on_augmented(self, node: cst.AugAssign, collector: FactCollector) -> None:
        self.outermost(collector, node.target, node.value)
        collector.augmented(self.expression(node.target), type(node.operator).__name__, self.expression(node.value))

    def on_for(self, node: cst.For, collector: FactCollector) -> None:
        self.outermost(collector, node.target, node.iter)
        collector.loop(self.expression(node.target), self.expression(node.iter))

    def on_return(self, node: cst.Return, collector: FactCollector) -> None:
        self.outermost(collector, node.value)
        if node.value is not None:
            collector.returned(self.expression(node.value))

    def on_delete(self, node: cst.Del, collector: FactCollector) -> None:
        target = node.target
        targets = [e.value for e in target.elements] if isinstance(target, cst.Tuple) else [target]
        collector.deleted([self.expression(t) for t in targets])

    def on_expression_statement(self, node: cst.Expr, collector: FactCollector) -> None:
        self.outermost(collector, node.value)

    def on_test(self, node: Union[cst.If, cst.While], collector: FactCollector) -> None:
        self.outermost(collector, node.test)

    def on_with(self, node: cst.With, collector: FactCollector) -> None:
        parts = [part for item in node.items for part in (item.item, item.asname.name if item.asname else None)]
        self.outermost(collector, *parts)

    # --- expressions ------------------------------------------------------------------------------
    def on_call(self, node: cst.Call, collector: FactCollector) -> None:
        collector.call(self.expression(node), node)  # type: ignore[arg-type]

    def on_named(self, node: cst.NamedExpr, collector: FactCollector) -> None:
        collector.named_expression(self.expression(node.target), self.expression(node.value))

    def on_attribute(self, node: cst.Attribute, collector: FactCollector) -> None:
        collector.attribute(self.expression(node))  # type: ignore[arg-type]

    def on_binary(self, node: cst.BinaryOperation, collector: FactCollector) -> None:
        collector.binary(self.expression(node))  # type: ignore[arg-type]

    def on_compare(self, node: cst.Comparison, collector: FactCollector) -> None:
        operands = [self.expression(node.left)] + [self.expression(c.comparator) for c in node.comparisons]
        collector.comparison(operands, [type(c.operator).__name__ for c in node.comparisons])

    def on_subscript(self, node: cst.Subscript, collector: FactCollector) -> None:
        collector.subscript(self.expression(node))  # type: ignore[arg-type]


_IMPORTS = (cst.Import, cst.ImportFrom)
_HANDLERS: Dict[type, Callable[[_Reader, Any, FactCollector], None]] = {
    cst.Assign: _Reader.on_assign, cst.AnnAssign: _Reader.on_annotated, cst.AugAssign: _Reader.on_augmented,
    cst.For: _Reader.on_for, cst.Return: _Reader.on_return, cst.Del: _Reader.on_delete,
    cst.Expr: _Reader.on_expression_statement, cst.If: _Reader.on_test, cst.While: _Reader.on_test,
    cst.With: _Reader.on_with, cst.Call: _Reader.on_call, cst.NamedExpr: _Reader.on_named,
    cst.Attribute: _Reader.on_attribute, cst.BinaryOperation: _Reader.on_binary, cst.Comparison: _Reader.on_compare,
    cst.Subscript: _Reader.on_subscript,
}


# --- expressions ------------------------------------------------------------------------------------
def _name(reader: _Reader, node: cst.Name) -> Expr:
    if node.value in _CONSTANT_NAMES:
        return syn.Constant(_CONSTANT_NAMES[node.value])
    return syn.Name(_identifier(node.value))


def _elements(reader: _Reader, elements) -> Tuple[Expr, ...]:
    return tuple(
        syn.Starred(reader.expression(e.value)) if isinstance(e, cst.StarredElement) else reader.expression(e.value)
        for e in elements
    )


def _generators(reader: _Reader, comp: Optional[cst.CompFor]) -> Tuple[syn.CompFor, ...]:
    found = []
    while comp is not None:
        found.append(syn.CompFor(reader.expression(comp.target), reader.expression(comp.iter),
                                 tuple(reader.expression(c.test) for c in comp.ifs)))
        comp = comp.inner_for_in
    return tuple(found)


def _dict(reader: _Reader, node: cst.Dict) -> Expr:
    return syn.Dict(tuple(
        syn.DictItem(reader.expression(e.key), reader.expression(e.value)) if isinstance(e, cst.DictElement)
        else syn.DictItem(None, reader.expression(e.value))
        for e in node.elements
    ))


def _subscript(reader: _Reader, node: cst.Subscript) -> Expr:
    elements: List[Expr] = []
    only = node.slice[0].slice if len(node.slice) == 1 else None
    if isinstance(only, cst.Index) and not only.star and isinstance(only.value, cst.Tuple):
        # `x[(a, b)]` is `x[a, b]`, as `ast` reads it
        return syn.Subscript(reader.expression(node.value), _elements(reader, only.value.elements))
    for element in node.slice:
        part = element.slice
        if isinstance(part, cst.Index):
            value = reader.expression(part.value)
            elements.append(syn.Starred(value) if part.star else value)  # `x[..., *rest]`
        elif isinstance(part, cst.Slice):
            elements.append(syn.Slice(reader.optional(part.lower), reader.optional(part.upper),
                                      reader.optional(part.step)))
    return syn.Subscript(reader.expression(node.value), tuple(elements))


def _string(reader: _Reader, node: Union[cst.SimpleString, cst.ConcatenatedString]) -> Expr:
    value = node.evaluated_value
    if value is not None:
        return syn.Constant(value)
    parts: List[Expr] = []  # `f"{a}" "b"`: one formatted string, as `ast` reads it
    pending: List[cst.CSTNode] = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.ConcatenatedString):
            pending.extend((current.right, current.left))
        elif isinstance(current, cst.FormattedString):
            parts.extend(_formatted(reader, current).parts)  # type: ignore[union-attr]
    return syn.Other(tuple(parts))


def _formatted(reader: _Reader, node: cst.FormattedString) -> Expr:
    return syn.Other(tuple(
        reader.expression(part.expression) for part in node.parts if isinstance(part, cst.FormattedStringExpression)
    ))


def _yield(reader: _Reader, node: cst.Yield) -> Expr:
    value = node.value
    if isinstance(value, cst.From):
        return syn.Other((reader.expression(value.item),))
    return syn.Other(() if value is None else (reader.expression(value),))


_CONVERTERS: Dict[type, Callable[[_Reader, Any], Expr]] = {
    cst.Name: _name,
    cst.Attribute: lambda r, n: syn.Attribute(r.expression(n.value), _identifier(n.attr.value)),
    cst.Call: lambda r, n: syn.Call(r.expression(n.func), tuple(
        syn.Arg(r.expression(a.value), _identifier(a.keyword.value) if a.keyword is not None else None, a.star) for a in n.args
    )),
    cst.List: lambda r, n: syn.List(_elements(r, n.elements)),
    cst.Tuple: lambda r, n: syn.Tuple_(_elements(r, n.elements)),
    cst.Set: lambda r, n: syn.Set(_elements(r, n.elements)),
    cst.Dict: _dict,
    cst.ListComp: lambda r, n: syn.ListComp(r.expression(n.elt), _generators(r, n.for_in)),
    cst.GeneratorExp: lambda r, n: syn.GeneratorExp(r.expression(n.elt), _generators(r, n.for_in)),
    cst.SetComp: lambda r, n: syn.SetComp(r.expression(n.elt), _generators(r, n.for_in)),
    cst.DictComp: lambda r, n: syn.DictComp(r.expression(n.key), r.expression(n.value), _generators(r, n.for_in)),
    cst.IfExp: lambda r, n: syn.IfExp(r.expression(n.test), r.expression(n.body), r.expression(n.orelse)),
    cst.BinaryOperation: lambda r, n: syn.BinaryOperation(
        r.expression(n.left), type(n.operator).__name__, r.expression(n.right)
    ),
    cst.BooleanOperation: lambda r, n: syn.BooleanOperation(
        r.expression(n.left), type(n.operator).__name__, r.expression(n.right)
    ),
    cst.UnaryOperation: lambda r, n: syn.UnaryOperation(type(n.operator).__name__, r.expression(n.expression)),
    cst.NamedExpr: lambda r, n: syn.NamedExpr(r.expression(n.target), r.expression(n.value)),
    cst.Subscript: _subscript,
    cst.Await: lambda r, n: syn.Await(r.expression(n.expression)),
    cst.Lambda: lambda r, n: syn.Lambda(r.expression(n.body)),
    cst.SimpleString: _string,
    cst.ConcatenatedString: _string,
    cst.Integer: lambda r, n: syn.Constant(n.evaluated_value),
    cst.Float: lambda r, n: syn.Constant(n.evaluated_value),
    cst.Imaginary: lambda r, n: syn.Constant(n.evaluated_value),
    cst.Ellipsis: lambda r, n: syn.Constant(Ellipsis),
    cst.Comparison: lambda r, n: syn.Other((r.expression(n.left), *(r.expression(c.comparator) for c in n.comparisons))),
    cst.FormattedString: _formatted,
    cst.Yield: _yield,
}
_Reader.converters = _CONVERTERS


# --- module records -------------------------------------------------------------------------------
def module_records(module: cst.Module) -> ModuleRecords:
    imports: List[ImportStatement] = []
    classes: List[ClassRecord] = []
    functions: List[str] = []
    assigned: List[str] = []
    for statement in _module_level_statements(module.body):
        if isinstance(statement, (cst.Import, cst.ImportFrom)):
            imports.append(import_record(statement))
        elif isinstance(statement, cst.ClassDef):
            bases = tuple(_dotted(_unsubscripted(arg.value)) for arg in statement.bases if arg.keyword is None)
            classes.append(ClassRecord(statement.name.value, bases))
        elif isinstance(statement, cst.FunctionDef):
            functions.append(statement.name.value)
        elif isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            targets = [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
            assigned.extend(n.value for t in targets for n in _names(t))
    return ModuleRecords(tuple(imports), tuple(classes), tuple(functions), tuple(assigned))


def _names(node: cst.CSTNode) -> Iterator[cst.Name]:
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.Name):
            yield current
        elif isinstance(current, cst.Attribute):  # `a.b`: `b` is an attribute, not a name
            pending.append(current.value)
        else:
            pending.extend(reversed(list(children(current))))


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def import_record(statement: Union[cst.Import, cst.ImportFrom]) -> ImportStatement:
    if isinstance(statement, cst.Import):
        return ImportStatement(tuple((_dotted(a.name) or "", _alias(a)) for a in statement.names))
    if isinstance(statement.names, cst.ImportStar):
        names: Tuple[Tuple[str, Optional[str]], ...] = (("*", None),)
    else:
        names = tuple((_dotted(a.name) or "", _alias(a)) for a in statement.names)
    module_name = _dotted(statement.module) if statement.module is not None else None
    return ImportStatement(names, module_name, len(statement.relative))


def _unsubscripted(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.value if isinstance(node, cst.Subscript) else node


def _alias(alias: cst.ImportAlias) -> Optional[str]:
    return _dotted(alias.asname.name) if alias.asname is not None else None  # type: ignore[arg-type]


def _module_level_statements(body) -> Iterator[cst.CSTNode]:
    """Statements run at import time: the module body and the blocks of if/try/with in it."""
    for statement in body:
        if isinstance(statement, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            yield from statement.body
        elif isinstance(statement, (cst.ClassDef, cst.FunctionDef)):
            yield statement
        elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With)):
            yield from _module_level_statements(_blocks_of(statement))


def _blocks_of(statement: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The statements of an if/try/with and of its elif/except/else/finally blocks, in source order
    (a one-line block is yielded whole)."""
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        yield from body.body
    elif isinstance(body, cst.SimpleStatementSuite):
        yield body
    for attr in ("handlers", "orelse", "finalbody"):
        child = getattr(statement, attr, None)
        for part in child if isinstance(child, (list, tuple)) else [child] if child is not None else []:
            yield from _blocks_of(part)


def _local_imports(block: cst.BaseSuite) -> List[Union[cst.Import, cst.ImportFrom]]:
    """The import statements directly in a function's body (and its if/try/with blocks)."""
    found: List[Union[cst.Import, cst.ImportFrom]] = []
    pending: List[cst.CSTNode] = [block]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            found.append(node)
        elif isinstance(node, (cst.IndentedBlock, cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.If, cst.Try,
                               cst.With, cst.Else, cst.Finally, cst.ExceptHandler)):
            pending.extend(reversed(list(children(node))))
    return found


_BLOCK_NODES = (cst.BaseCompoundStatement, cst.IndentedBlock, cst.Else, cst.Finally, cst.ExceptHandler,
                cst.ExceptStarHandler, cst.MatchCase)


def _is_static_or_class_method(function: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value in ("staticmethod", "classmethod")
               for d in function.decorators)


def _parameters(function: cst.FunctionDef) -> Tuple[str, ...]:
    return tuple(_identifier(p.name.value) for p in (*function.params.posonly_params, *function.params.params))
