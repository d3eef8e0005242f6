"""Parser-neutral expressions: what the analysis reads of an expression, whichever parser read it.

Two readers build these: analysis/read_ast.py from CPython's `ast` (the fast path) and
analysis/read_cst.py from libcst (the reference, tested equal on every fixture and fuzz program).
Each node is an immutable named tuple; a node the analysis never looks into is `Other`.
"""
from __future__ import annotations

from typing import Any, Iterator, NamedTuple, Optional, Tuple

# Any of the node classes below. Spelt as `Any` for the type checker: the recursive union of these named
# tuples makes mypy's inference explode (a minute for this file alone).
Expr = Any
# (line, column, end line, end column): lines from 1, columns in code points from 0, as libcst counts.
Span = Tuple[int, int, int, int]


class Name(NamedTuple):
    value: str


class Attribute(NamedTuple):
    value: Expr
    attr: str


class Arg(NamedTuple):
    value: Expr
    keyword: Optional[str] = None
    star: str = ""  # "", "*" or "**"


class Call(NamedTuple):
    func: Expr
    args: Tuple[Arg, ...]


class Starred(NamedTuple):
    value: Expr


class List(NamedTuple):
    elements: Tuple[Expr, ...]  # a `Starred` for `*xs`


class Tuple_(NamedTuple):
    elements: Tuple[Expr, ...]


class Set(NamedTuple):
    elements: Tuple[Expr, ...]


class DictItem(NamedTuple):
    key: Optional[Expr]  # None for `**other`
    value: Expr


class Dict(NamedTuple):
    elements: Tuple[DictItem, ...]


class CompFor(NamedTuple):
    target: Expr
    iter: Expr
    ifs: Tuple[Expr, ...] = ()


class ListComp(NamedTuple):
    elt: Expr
    generators: Tuple[CompFor, ...]


class GeneratorExp(NamedTuple):
    elt: Expr
    generators: Tuple[CompFor, ...]


class SetComp(NamedTuple):
    elt: Expr
    generators: Tuple[CompFor, ...]


class DictComp(NamedTuple):
    key: Expr
    value: Expr
    generators: Tuple[CompFor, ...]


class IfExp(NamedTuple):
    test: Expr
    body: Expr
    orelse: Expr


class BinaryOperation(NamedTuple):
    left: Expr
    operator: str  # libcst's operator class name: "Add", "Multiply", "MatrixMultiply"...
    right: Expr


class BooleanOperation(NamedTuple):
    left: Expr
    operator: str  # "And" or "Or"
    right: Expr


class UnaryOperation(NamedTuple):
    operator: str  # "Minus", "Plus", "Not", "BitInvert"
    expression: Expr


class NamedExpr(NamedTuple):
    target: Expr
    value: Expr


class Slice(NamedTuple):
    lower: Optional[Expr]
    upper: Optional[Expr]
    step: Optional[Expr]


class Subscript(NamedTuple):
    value: Expr
    elements: Tuple[Expr, ...]  # a `Slice` for `a:b`

    @property
    def single_index(self) -> Optional[Expr]:
        """The one plain index (`x[k]`); None for a slice or several indices."""
        if len(self.elements) == 1 and not isinstance(self.elements[0], Slice):
            return self.elements[0]
        return None

    @property
    def sliced(self) -> bool:
        return any(isinstance(element, Slice) for element in self.elements)


class Await(NamedTuple):
    value: Expr


class Lambda(NamedTuple):
    body: Expr


class Constant(NamedTuple):
    """A literal: str, bytes, int, float, complex, True, False, None or Ellipsis."""

    value: object


class Other(NamedTuple):
    """Anything the analysis does not look into (f-strings, comparisons, yields...), with the
    names and self attributes read inside it (`walk` still sees them)."""

    parts: Tuple[Expr, ...] = ()


COMPREHENSIONS = (ListComp, GeneratorExp, SetComp, DictComp)


def dotted_name(node: Optional[Expr]) -> Optional[str]:
    """`torch.nn.Linear` for that expression; None for anything but names."""
    if isinstance(node, Name):
        return node.value
    if isinstance(node, Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def children(node: Expr) -> Iterator[Expr]:
    if isinstance(node, _LEAVES):
        return
    for value in node:
        if type(value) is tuple:
            for item in value:
                yield from _expressions(item)
        elif isinstance(value, tuple):
            yield from _expressions(value)


_LEAVES = (Name, Constant)
_HOLDERS = (Arg, DictItem, CompFor)


def _expressions(item) -> Iterator[Expr]:
    if isinstance(item, _HOLDERS):
        for value in item:
            if isinstance(value, tuple):
                yield value
    elif isinstance(item, tuple):
        yield item


def walk(node: Expr) -> Iterator[Expr]:
    """Every expression below `node` (itself included), parents first, in source order."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(reversed(list(children(current))))
