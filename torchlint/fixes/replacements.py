"""The replacement nodes of a fix: each store of the attribute, wrapped in the torch container."""
from __future__ import annotations

from typing import List, Tuple

import libcst as cst

from torchlint.analysis.containers import ContainerAttribute

# (old node, new node, the statement holding it: its indentation is the new node's context)
Replacement = Tuple[cst.CSTNode, cst.CSTNode, cst.CSTNode]


def wrap_stores(container: ContainerAttribute, reference: cst.BaseExpression) -> List[Replacement]:
    """`self.x = [a, b]` -> `self.x = nn.ModuleList([a, b])`, for every store; annotations follow."""
    replacements: List[Replacement] = []
    nested = container.contents.nested
    for store, _ in container.container_stores:
        replacements.append((store.value, _wrap(store.value, reference, nested), store.statement))
        if store.annotation is not None:
            replacements.append((store.annotation.annotation, reference.deep_clone(), store.statement))
    return replacements


def _wrap(value: cst.BaseExpression, reference: cst.BaseExpression, nested: bool) -> cst.BaseExpression:
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
    if _is_builtin_call(value, ("list", "tuple")) and len(value.args) == 1:  # list(gen) -> ModuleList(gen)
        return value.with_changes(func=reference.deep_clone())
    lpar, rpar = inner.lpar, inner.rpar
    return cst.Call(func=reference.deep_clone(), args=[cst.Arg(inner.with_changes(lpar=[], rpar=[]))], lpar=lpar, rpar=rpar)


def _is_empty(value: cst.BaseExpression) -> bool:
    if isinstance(value, (cst.List, cst.Dict, cst.Tuple)):
        return not value.elements
    return _is_builtin_call(value, ("list", "dict", "tuple")) and not value.args


def _is_builtin_call(value: cst.BaseExpression, names: Tuple[str, ...]) -> bool:
    return isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value in names
