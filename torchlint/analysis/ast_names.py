"""Read dotted names off CPython's `ast` (module records in read_ast.py, and class_state.py)."""
from __future__ import annotations

import ast
from typing import Optional


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
