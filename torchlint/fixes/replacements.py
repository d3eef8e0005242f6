"""What a fix rewrites: the statement of a store, as libcst reads it, and the replacement nodes in it.

A rule says which stores to rewrite and how (a `Rewrite`); fixes/edits.py parses each statement with
libcst only when the fix text is wanted, and turns the replacements into text edits.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Tuple

from torchlint.analysis.class_facts import Store, StoreForm

if TYPE_CHECKING:
    import libcst as cst

    from torchlint.analysis.containers import ContainerAttribute

Replacement = Tuple["cst.CSTNode", "cst.CSTNode"]  # (old node, new node), both in the store's statement


@dataclass(frozen=True)
class StoreNodes:
    """A store's statement as libcst reads it: the statement (an assignment, or the setattr call), the
    stored value and its annotation."""

    statement: "cst.CSTNode"
    value: "cst.BaseExpression"
    annotation: "Optional[cst.BaseExpression]" = None

    @staticmethod
    def of(statement: Any, store: Store) -> "StoreNodes":
        """`statement`: the store's statement (or setattr expression statement) as libcst reads it."""
        import libcst as cst

        if store.form is StoreForm.SETATTR:
            call = statement.value
            return StoreNodes(call, call.args[2].value)
        if store.form is StoreForm.UNPACKED:
            return StoreNodes(statement, statement.value.elements[store.index].value)
        if isinstance(statement, cst.AnnAssign):
            return StoreNodes(statement, statement.value, statement.annotation.annotation)  # type: ignore[arg-type]
        return StoreNodes(statement, statement.value)


@dataclass(frozen=True)
class Rewrite:
    store: Store
    replace: Callable[[StoreNodes], List[Replacement]]


def reference_node(spelling: str) -> "cst.BaseExpression":
    """`a.b.C` as a node, without running the parser for a plain dotted name."""
    import libcst as cst

    if not all(part.isidentifier() for part in spelling.split(".")):
        return cst.parse_expression(spelling)
    head, *rest = spelling.split(".")
    node: cst.BaseExpression = cst.Name(head)
    for name in rest:
        node = cst.Attribute(value=node, attr=cst.Name(name))
    return node


def wrap_stores(container: "ContainerAttribute", reference: str) -> List[Rewrite]:
    """`self.x = [a, b]` -> `self.x = nn.ModuleList([a, b])`, for every store; annotations follow."""
    nested = container.contents.nested

    def wrap(nodes: StoreNodes) -> List[Replacement]:
        found: List[Replacement] = [(nodes.value, _wrap(nodes.value, reference_node(reference), nested))]
        if nodes.annotation is not None:
            found.append((nodes.annotation, reference_node(reference)))
        return found

    return [Rewrite(store, wrap) for store, _ in container.container_stores]


def _wrap(value: "cst.BaseExpression", reference: "cst.BaseExpression", nested: bool) -> "cst.BaseExpression":
    import libcst as cst

    if _is_empty(value):
        keep_parens = not isinstance(value, cst.Tuple)  # a tuple's parentheses are the tuple itself
        return cst.Call(func=reference.deep_clone(), lpar=value.lpar if keep_parens else [],
                        rpar=value.rpar if keep_parens else [])
    inner: cst.BaseExpression = value
    if isinstance(value, cst.Tuple):
        inner = cst.List(elements=[cst.Element(e.value, comma=e.comma) for e in value.elements])
        if not value.lpar:  # `self.x = a, b`: the new call brings its own brackets
            return cst.Call(func=reference.deep_clone(), args=[cst.Arg(inner)])
        inner = inner.with_changes(lbracket=cst.LeftSquareBracket(whitespace_after=value.lpar[0].whitespace_after),
                                   rbracket=cst.RightSquareBracket(whitespace_before=value.rpar[-1].whitespace_before))
        return cst.Call(func=reference.deep_clone(), args=[cst.Arg(inner)])
    if nested and isinstance(value, cst.List):
        inner = value.with_changes(
            elements=[
                element.with_changes(value=_wrap(element.value, reference, True))
                if isinstance(element.value, (cst.List, cst.ListComp))
                else element
                for element in value.elements
            ]
        )
    elif nested and isinstance(value, cst.ListComp) and isinstance(value.elt, (cst.List, cst.ListComp)):
        inner = value.with_changes(elt=_wrap(value.elt, reference, True))
    if isinstance(value, cst.Call) and _is_builtin_call(value, ("list", "tuple")) and len(value.args) == 1:  # list(gen) -> ModuleList(gen)
        return value.with_changes(func=reference.deep_clone())
    lpar, rpar = inner.lpar, inner.rpar
    return cst.Call(func=reference.deep_clone(), args=[cst.Arg(inner.with_changes(lpar=[], rpar=[]))], lpar=lpar, rpar=rpar)


def _is_empty(value: "cst.BaseExpression") -> bool:
    import libcst as cst

    if isinstance(value, (cst.List, cst.Dict, cst.Tuple)):
        return not value.elements
    return isinstance(value, cst.Call) and _is_builtin_call(value, ("list", "dict", "tuple")) and not value.args


def _is_builtin_call(value: "cst.BaseExpression", names: Tuple[str, ...]) -> bool:
    import libcst as cst

    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in names
