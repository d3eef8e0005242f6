"""Both readers, side by side: everything each one records about a file, as plain comparable data.

The `ast` reader is the fast path and the libcst reader the reference; tests/test_readers.py and
`scripts/corpus_check.py --compare-readers` assert that they record the same facts, spans included.
"""
from __future__ import annotations

import ast
import enum
from typing import Any, List, Optional

from torchlint.analysis.class_facts import ClassFacts, MethodFacts


def describe(file: Any) -> Any:
    """Everything `file` (an AstFile or a CstFile) records, with expressions tagged by their type."""
    shadowed: frozenset = frozenset()
    classes = file.classes()
    return {
        "records": file.records,
        "header_end": file.header_end(),
        "classes": [(c.name, _plain(c.bases), c.local_imports) for c in classes],
        "facts": [_facts(file.class_facts(c, shadowed)) for c in classes],
        "functions": [(_facts(facts), _method(facts, method)) for facts, method in file.function_facts(shadowed)],
    }


def differences(data: bytes) -> Optional[List[str]]:
    """Where the two readers disagree about `data` (empty: nowhere); None when `ast` cannot read it."""
    import libcst as cst

    from torchlint.analysis.read_ast import AstFile
    from torchlint.analysis.read_cst import CstFile

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    left = describe(AstFile(tree, data))
    right = describe(CstFile(cst.parse_module(data)))
    return [f"{key}: ast {left[key]!r}\n  libcst {right[key]!r}" for key in left if left[key] != right[key]]


def _facts(facts: ClassFacts) -> Any:
    return {
        "name": facts.name,
        "methods": {name: _method(facts, method) for name, method in facts.methods.items()},
        "stores": {a: [_record(s) for s in stores] for a, stores in facts.stores.items()},
        "fills": {a: [_record(f) for f in fills] for a, fills in facts.fills.items()},
        "uses": {a: [_record(u) for u in uses] for a, uses in facts.uses.items()},
        "escaped": sorted(facts.escaped),
        "calls": [_record(c) for c in facts.calls],
        "iterates_children": facts.iterates_children,
    }


def _method(facts: ClassFacts, method: MethodFacts) -> Any:
    return {
        "self": method.self_name,
        "parameters": method.parameters,
        "bindings": _plain(method.bindings),
        "iterated": _plain(method.iterated),
        "local_fills": {n: [_record(f) for f in fills] for n, fills in facts.local_fills.get(method, {}).items()},
        "escaped_locals": _plain(method.escaped_locals),
        "aliased_locals": sorted(method.aliased_locals),
        "returns": _plain(method.returns),
        "expressions": _plain(method.expressions),
    }


def _record(record: Any) -> Any:
    """A frozen dataclass of class_facts, its method named rather than expanded."""
    return {
        name: (value.name if isinstance(value, MethodFacts) else _plain(value))
        for name, value in vars(record).items()
    }


def _plain(value: Any) -> Any:
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return (type(value).__name__, *(_plain(v) for v in value))
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float) and value != value:
        return "nan"
    return value
