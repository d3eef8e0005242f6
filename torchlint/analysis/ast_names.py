"""Read names off CPython's `ast`: dotted names (module records in read_ast.py, and class_state.py),
and the classes that may derive from more than builtins (the proofs of the quick answer:
tests/test_quick_answer.py and scripts/corpus_check.py --check-quick-answer)."""
from __future__ import annotations

import ast
import builtins
from typing import List, Optional, Set


def dotted_name(node: ast.AST) -> Optional[str]:
    """`torch.nn.Linear` for that expression, `Base` for `Base[T]`; None for anything but names."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None


def classes_beyond_builtins(tree: ast.AST) -> List[ast.ClassDef]:
    """The classes of the tree that may derive from something but a builtin class: a base that is not
    a builtin class's plain name, a keyword (a metaclass), or a name the tree binds (or may bind, with a
    star import)."""
    bound = _bound_names(tree)
    return [
        node for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and (node.keywords or "*" in bound or not all(
            isinstance(base, ast.Name) and isinstance(getattr(builtins, base.id, None), type) and base.id not in bound
            for base in node.bases
        ))
    ]


def _bound_names(tree: ast.AST) -> Set[str]:
    """Every name the tree binds: assigned, deleted, imported (`*` for a star import), defined, a
    parameter, an exception or a match capture."""
    bound: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(getattr(node, "name", None), str):  # functions, classes, `except E as name`, match
            bound.add(node.name)  # type: ignore[attr-defined]
    return bound
