"""What the check of a file must read again, once the scan has read it whole.

A finding sits in a class the scan found may hold one (analysis/module_file.py). The check of the file
reads, besides those classes, everything their analysis may consult: every top-level statement that
is not a class or a function (imports, assignments, blocks that may define classes), and the top-level
functions their code names (factories), and the functions those name. Which other top-level classes
are module classes the check learns from the run's index, not from their code. The rest, usually most
of a model file, is left out: the check parses the file with those lines blank, so every position is
where it was.
"""
from __future__ import annotations

import ast
from typing import Iterable, List, Sequence, Set, Tuple

from torchlint.analysis.source_lines import statement_lines
from torchlint.byte_skip import IDENTIFIER

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
    skipped = [d for d in defined if not any(d[0] <= line <= d[1] for line in needed)]
    if not data.isascii():  # a name may be spelt with other characters: keep every function
        skipped = [d for d in skipped if d[2]]
    else:
        skipped = _without_named_functions(skipped, data)
    return tuple((first, last) for first, last, _, _ in skipped)


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


def _without_named_functions(skipped: List[Definition], data: bytes) -> List[Definition]:
    """Keep (out of `skipped`) each function whose name the kept text says, until no more is named."""
    lines = data.splitlines(keepends=True)
    dropped = {index for first, last, _, _ in skipped for index in range(first - 1, last)}
    named: Set[bytes] = set(IDENTIFIER.findall(b"".join(line for i, line in enumerate(lines) if i not in dropped)))
    remaining = list(skipped)
    changed = True
    while changed:
        changed = False
        for entry in list(remaining):
            first, last, is_class, name = entry
            if not is_class and name.encode() in named:
                remaining.remove(entry)
                named.update(IDENTIFIER.findall(b"".join(lines[first - 1: last])))
                changed = True
    return remaining
