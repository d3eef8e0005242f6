"""A read-only walk over a libcst tree.

libcst's visitor machinery rebuilds every node it passes (`_visit_and_replace_children`), which
costs more than parsing. Reading the dataclass fields of each node directly is several times
cheaper, and analysis never needs to replace anything.
"""
from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, Tuple

import libcst as cst

# Fields that only hold punctuation and whitespace: nothing the analysis looks at.
_SKIPPED_FIELDS = frozenset(
    (
        "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "header", "footer",
        "lbracket", "rbracket", "lbrace", "rbrace", "colon", "equal", "dot", "star_tok", "whitespace",
        "operator",
    )
)
# Nodes whose fields are declared in another order than the source's (`case p if guard: body`).
_FIELDS: Dict[type, Tuple[str, ...]] = {cst.MatchCase: ("pattern", "guard", "body")}


def _fields_of(kind: type) -> Tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(
            f.name for f in dataclasses.fields(kind) if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
        )
        _FIELDS[kind] = names
    return names


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    for name in _fields_of(type(node)):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    yield item

