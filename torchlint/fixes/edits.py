"""Turn the rules' rewrites into text edits, and apply them: the only place code changes.

libcst reads only what a fix rewrites: the statement of each rewritten store (cut from the file by the
span the reader recorded) and, when a fix needs an import, the file's leading import block, which
libcst's AddImportsVisitor extends. Edits are applied to the file's own text, never to libcst's
re-rendering of it, so every byte outside the rewritten expressions (and an added import line) stays
as it was. Each piece of work is done once per file.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Dict, List, Sequence, Tuple

from torchlint.diagnostics import Edit, Fix, Location
from torchlint.fixes.replacements import StoreNodes

_NEWLINE = re.compile(r"\r\n|\r|\n")
_INDENTED = re.compile(r"^([ \t]+)\S", re.MULTILINE)


class FixError(Exception):
    """A rewrite produced code that does not parse: the file must be left untouched."""


class FileEditor:
    def __init__(self, text: str, header_end: int) -> None:
        self.text = text  # the file as decoded
        self.header_end = header_end  # the last line of the leading imports
        self.lines = _NEWLINE.split(text)
        newline = _NEWLINE.search(text)
        self.newline = newline.group() if newline else "\n"
        indented = _INDENTED.search(text)
        self.default_indent = indented.group(1) if indented else "    "
        self._statements: Dict[Tuple, Tuple[object, object, str]] = {}
        self._imports: Dict[Tuple, List[Edit]] = {}

    def describe(self, proposed) -> Fix:
        """ruff's JSON shape: the replacement edits, plus line edits for an import the fix adds."""
        edits = self._replacement_edits(proposed) + self._import_edits(proposed.imports)
        return Fix(proposed.applicability, proposed.title, tuple(sorted(edits, key=lambda e: e.location)))

    def apply(self, fixes: Sequence) -> str:
        edits = [edit for proposed in fixes for edit in self._replacement_edits(proposed)]
        edits += self._import_edits(tuple(n for proposed in fixes for n in proposed.imports))
        code = _apply_edits(self.text, edits)
        _check_parses(self.text, code)
        return code

    # --- rewrites ---------------------------------------------------------------------------------
    def _replacement_edits(self, proposed) -> List[Edit]:
        edits = []
        for rewrite in proposed.rewrites:
            span = rewrite.store.statement
            statement, positions, indent = self._statement(span)
            for old, new in rewrite.replace(StoreNodes.of(statement, rewrite.store)):
                first, last = _extent(old)
                start, end = positions[first].start, positions[last].end  # type: ignore[index]
                edits.append(Edit(self._render(new, indent), _in_file(span, start, indent), _in_file(span, end, indent)))
        return edits

    def _statement(self, span: Tuple[int, int, int, int]):
        """The statement at `span` as libcst reads it, parsed once: alone, inside a block indented like
        its line, so that its continuation lines keep their meaning."""
        import libcst as cst
        from libcst.metadata import MetadataWrapper, PositionProvider

        if span not in self._statements:
            line = self.lines[span[0] - 1]
            indent = line[: len(line) - len(line.lstrip(" \t"))] or self.default_indent
            module = cst.parse_module(f"if _:{self.newline}{indent}{self._cut(span)}{self.newline}")
            positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
            holder: Any = module.body[0]  # `if _:`, around the statement
            statement = holder.body.body[0].body[0]
            self._statements[span] = (statement, positions, indent)
        return self._statements[span]

    def _cut(self, span: Tuple[int, int, int, int]) -> str:
        first, column, last, end_column = span
        if first == last:
            return self.lines[first - 1][column:end_column]
        middle = self.lines[first: last - 1]
        return self.newline.join([self.lines[first - 1][column:], *middle, self.lines[last - 1][:end_column]])

    def _render(self, node, indent: str) -> str:
        """The code of a new node where it will stand: inside a block indented like the store's, so its
        continuation lines take that indentation (rendered with libcst's public API only)."""
        import libcst as cst

        line = cst.SimpleStatementLine([cst.Expr(node)])
        holder = cst.If(test=cst.Name("_"), body=cst.IndentedBlock([line], indent=indent or None))
        code = cst.Module([holder], default_indent=self.default_indent, default_newline=self.newline).code
        head = f"if _:{self.newline}{indent or self.default_indent}"
        return code[len(head): len(code) - len(self.newline)]

    # --- imports ----------------------------------------------------------------------------------
    def _import_edits(self, needed: Tuple) -> List[Edit]:
        """Line edits that add the imports, from libcst's AddImportsVisitor run on the file's leading
        import block: once per set of imports."""
        key = tuple(sorted(set(needed), key=lambda n: (n.module, n.name or "")))
        if not key:
            return []
        if key not in self._imports:
            import libcst as cst
            from libcst.codemod import CodemodContext
            from libcst.codemod.visitors import AddImportsVisitor

            header = "".join(self.text.splitlines(keepends=True)[: self.header_end])
            module = cst.parse_module(header)
            context = CodemodContext()
            for import_needed in key:
                AddImportsVisitor.add_needed_import(context, import_needed.module, import_needed.name)
            before = module.code.splitlines(keepends=True)
            after = AddImportsVisitor(context).transform_module(module).code.splitlines(keepends=True)
            if after and not after[-1].endswith(("\n", "\r")):  # the import block was the whole file
                after[-1] += self.newline
            edits = []
            matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
            for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
                if tag != "equal":
                    edits.append(Edit("".join(after[b_start:b_end]), Location(a_start + 1, 1), Location(a_end + 1, 1)))
            self._imports[key] = edits
        return self._imports[key]


def _extent(node) -> Tuple[object, object]:
    """The first and last nodes of an expression's text: its outer parentheses, when it has any."""
    lpar, rpar = getattr(node, "lpar", None), getattr(node, "rpar", None)
    return (lpar[0], rpar[-1]) if lpar and rpar else (node, node)


def _in_file(span: Tuple[int, int, int, int], position, indent: str) -> Location:
    """A position in a statement cut from the file (and put on line 2 after `indent`), in the file."""
    row = span[0] + position.line - 2
    column = position.column + (span[1] - len(indent) if position.line == 2 else 0)
    return Location(row, column + 1)


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


def _check_parses(original: str, code: str) -> None:
    try:
        compile(code, "<fixed>", "exec", dont_inherit=True)
        return
    except SyntaxError as error:
        problem: Exception = error
    try:  # CPython may be older than the syntax libcst reads: ask libcst, as for the original
        compile(original, "<original>", "exec", dont_inherit=True)
    except SyntaxError:
        import libcst as cst

        try:
            cst.parse_module(code)
            return
        except cst.ParserSyntaxError as error:
            problem = error
    raise FixError(f"a fix produced code that does not parse ({problem}); the file was left untouched")
