"""Turn the rules' replacement nodes into text edits, and apply them: the only place code changes.

Edits are applied to the file's own text, never to libcst's re-rendering of it, so every byte outside
the rewritten expressions (and an added import line) stays as it was. Each piece of work is done once
per file: one split into lines, one import computation per distinct set of imports, one pass to
apply every edit.
"""
from __future__ import annotations

import difflib
import re
from typing import Dict, List, Sequence, Tuple

from torchlint.diagnostics import Edit, Fix, Location

_NEWLINE = re.compile(r"\r\n|\r|\n")

Positions = Dict[int, Tuple[Location, Location]]


class FixError(Exception):
    """A rewrite produced code that does not parse: the file must be left untouched."""


def extent(node) -> Tuple[object, object]:
    """The first and last nodes of an expression's text: its outer parentheses, when it has any."""
    lpar, rpar = getattr(node, "lpar", None), getattr(node, "rpar", None)
    return (lpar[0], rpar[-1]) if lpar and rpar else (node, node)


class FileEditor:
    def __init__(self, module, text: str, positions: Positions) -> None:
        self.module = module
        self.text = text  # the file as decoded, which libcst's `module.code` may not reproduce exactly
        self.positions = positions
        self.lines = _NEWLINE.split(module.code)
        self._imports: Dict[Tuple, List[Edit]] = {}

    def describe(self, proposed) -> Fix:
        """ruff's JSON shape: the replacement edits, plus line edits for an import the fix adds."""
        edits = self._replacement_edits(proposed) + self._import_edits(proposed.imports)
        return Fix(proposed.applicability, proposed.title, tuple(sorted(edits, key=lambda e: e.location)))

    def apply(self, fixes: Sequence) -> bytes:
        edits = [edit for proposed in fixes for edit in self._replacement_edits(proposed)]
        edits += self._import_edits(tuple(n for proposed in fixes for n in proposed.imports))
        code = _apply_edits(self.text, edits)
        _check_parses(self.module, code)
        return code.encode(self.module.encoding)

    def _replacement_edits(self, proposed) -> List[Edit]:
        edits = []
        for old, new, statement in proposed.replacements:
            first, last = extent(old)
            line = self.lines[self.positions[id(statement)][0].row - 1]
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            edits.append(Edit(_render(self.module, new, indent), self.positions[id(first)][0], self.positions[id(last)][1]))
        return edits

    def _import_edits(self, needed: Tuple) -> List[Edit]:
        """Line edits that add the imports, from libcst's AddImportsVisitor: once per set of imports."""
        key = tuple(sorted(set(needed), key=lambda n: (n.module, n.name or "")))
        if not key:
            return []
        if key not in self._imports:
            from libcst.codemod import CodemodContext
            from libcst.codemod.visitors import AddImportsVisitor

            context = CodemodContext()
            for import_needed in key:
                AddImportsVisitor.add_needed_import(context, import_needed.module, import_needed.name)
            before = self.module.code.splitlines(keepends=True)
            after = AddImportsVisitor(context).transform_module(self.module).code.splitlines(keepends=True)
            edits = []
            matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
            for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
                if tag != "equal":
                    edits.append(Edit("".join(after[b_start:b_end]), Location(a_start + 1, 1), Location(a_end + 1, 1)))
            self._imports[key] = edits
        return self._imports[key]


def _render(module, node, indent: str) -> str:
    """The code of a new node where it will stand: inside a block indented like the store's, so its
    continuation lines take that indentation (rendered with libcst's public API only)."""
    import libcst as cst

    line = cst.SimpleStatementLine([cst.Expr(node)])
    holder = cst.If(test=cst.Name("_"), body=cst.IndentedBlock([line], indent=indent or None))
    code = cst.Module([holder], default_indent=module.default_indent, default_newline=module.default_newline).code
    head = f"if _:{module.default_newline}{indent or module.default_indent}"
    return code[len(head): len(code) - len(module.default_newline)]


def _apply_edits(code: str, edits: Sequence[Edit]) -> str:
    """Every edit in one pass over the text (edits never overlap: each replaces its own expression)."""
    starts = [0]
    for match in _NEWLINE.finditer(code):
        starts.append(match.end())

    def offset(location: Location) -> int:
        if location.row > len(starts):
            return len(code)
        return starts[location.row - 1] + location.column - 1

    pieces: List[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.location, e.end_location)):
        start = offset(edit.location)
        pieces.append(code[position:start])
        pieces.append(edit.content)
        position = max(position, offset(edit.end_location))
    pieces.append(code[position:])
    return "".join(pieces)


def _check_parses(module, code: str) -> None:
    try:
        compile(code, "<fixed>", "exec", dont_inherit=True)
        return
    except SyntaxError as error:
        problem: Exception = error
    try:  # CPython may be older than the syntax libcst reads: ask libcst, as for the original
        compile(module.code, "<original>", "exec", dont_inherit=True)
    except SyntaxError:
        import libcst as cst

        try:
            cst.parse_module(code)
            return
        except cst.ParserSyntaxError as error:
            problem = error
    raise FixError(f"a fix produced code that does not parse ({problem}); the file was left untouched")
