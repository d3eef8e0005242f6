"""What the check of a file must read again, once the scan has read it whole.

A finding sits in a class the scan found may hold one (analysis/module_file.py). The check of the file
reads, besides those classes, everything their analysis may consult: every top-level statement that
is not a class or a function (imports, assignments, blocks that may define classes), and the top-level
functions those classes name (factories), and the functions those name: what module-level code calls
does not matter, the analysis asks only whether what a class calls makes a module. Which other
top-level classes are module classes the check learns from the run's index, not from their code. The
rest, usually most of a model file, is left out: the check parses the file with those lines blank, so
every position is where it was.
"""
from __future__ import annotations

import ast
from typing import Iterable, List, Optional, Sequence, Set, Tuple

from torchlint.analysis.source_lines import spelt_names, statement_lines

LineRange = Tuple[int, int]  # first and last line, 1-based

_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


# A top-level class or function: its first line (decorators included), its last, whether it is a
# class, its name.
Definition = Tuple[int, int, bool, str]


def definitions(body: Iterable[ast.stmt]) -> List[Definition]:
    """The classes and functions among top-level statements."""
    return [(*statement_lines(s), isinstance(s, ast.ClassDef), s.name) for s in body if isinstance(s, _DEFINITIONS)]  # type: ignore[union-attr]


def lines_to_skip(defined: Sequence[Definition], data: bytes, needed_lines: Iterable[int]) -> Tuple[LineRange, ...]:
    """The line ranges of the top-level classes and functions the check of the file can do without.
    `needed_lines`: where the classes (nested ones included) that may hold a finding start."""
    needed = list(needed_lines)
    holding = [d for d in defined if any(d[0] <= line <= d[1] for line in needed)]
    skipped = [d for d in defined if d not in holding]
    if not _names_readable(data):  # keep every function
        return tuple((first, last) for first, last, is_class, _ in skipped if is_class)
    # Classes in top-level blocks (`if`, `try`): their lines are no definition's, so all kept text names.
    in_definitions = all(any(d[0] <= line <= d[1] for d in holding) for line in needed)
    kept = _without_named_functions(skipped, data, holding if in_definitions else None)
    return tuple((first, last) for first, last, _, _ in kept)


def _names_readable(data: bytes) -> bool:
    """Whether `spelt_names` reads the file's names: it is ASCII, or UTF-8 as Python reads it."""
    if data.isascii():
        return True
    from torchlint.scan import source_encoding

    try:
        return source_encoding(data) in ("utf-8", "utf-8-sig")
    except (SyntaxError, LookupError):
        return False


def without_lines(data: bytes, ranges: Sequence[LineRange]) -> bytes:
    """The source with the lines of `ranges` blank. Each keeps its own line ending (\\n, \\r\\n or \\r):
    a \\n after a line that ends in a lone \\r would join the two."""
    if not ranges:
        return data
    lines = data.splitlines(keepends=True)
    for first, last in ranges:
        for index in range(first - 1, last):
            line = lines[index]
            lines[index] = line[len(line.rstrip(b"\r\n")):]
    return b"".join(lines)


def _without_named_functions(skipped: List[Definition], data: bytes, naming: Optional[List[Definition]]) -> List[Definition]:
    """Keep (out of `skipped`) each function whose name the text of `naming` says (None: all the text
    that is kept), or the text of a function kept, until no more is named."""
    lines = data.splitlines(keepends=True)
    if naming is None:
        dropped = {index for first, last, _, _ in skipped for index in range(first - 1, last)}
        named: Set[str] = set(spelt_names(b"".join(line for i, line in enumerate(lines) if i not in dropped)))
    else:
        named = {name for first, last, _, _ in naming for name in spelt_names(b"".join(lines[first - 1:last]))}
    remaining = list(skipped)
    changed = True
    while changed:
        changed = False
        for entry in list(remaining):
            first, last, is_class, name = entry
            if not is_class and name in named:
                remaining.remove(entry)
                named.update(spelt_names(b"".join(lines[first - 1: last])))
                changed = True
    return remaining
