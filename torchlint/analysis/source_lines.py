"""Which lines of a file say a word, read off its bytes: a method or block whose lines never say it
cannot hold what the word spells, so the readers need not walk it."""
from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Any, AnyStr, FrozenSet, List, Sequence, Tuple

from torchlint.byte_skip import IDENTIFIER

# CPython reads a name as a run of ASCII letters, digits and underscores and of any other character,
# then NFKC-normalises it.
NAME_PATTERN = r"[A-Za-z_\u0080-\U0010ffff][A-Za-z0-9_\u0080-\U0010ffff]*"
_NAME = re.compile(NAME_PATTERN)


def lines_saying(data: bytes, word: bytes) -> List[int]:
    """The lines (1-based, as `ast` counts them) on which `word` occurs, in order, once per occurrence."""
    positions: List[int] = []
    position = data.find(word)
    while position >= 0:
        positions.append(position)
        position = data.find(word, position + 1)
    return _lines_at(data, positions)


def lines_naming(data: bytes, word: bytes) -> List[int]:
    """The lines on which a name may read as `word` (ASCII), in order: those that say it, and in a file
    that is not ASCII, those whose NFKC form says it (CPython normalises names so: `ｓｅｔａｔｔｒ` is
    `setattr`). Every line of a file whose encoding cannot be read."""
    lines = lines_saying(data, word)
    if data.isascii():
        return lines
    from torchlint.scan import source_encoding

    try:
        text = data.decode(source_encoding(data), errors="replace")
    except (SyntaxError, LookupError):
        return list(range(1, data.count(b"\n") + data.count(b"\r") + 2))
    # A name's NFKC form stands in that of its line, and of the text: a name starts with no mark that
    # could join what precedes it, and ends before what cannot join it.
    wanted = word.decode()
    if wanted not in unicodedata.normalize("NFKC", text):
        return lines
    spelt: List[int] = []  # where the lines that are not ASCII and say it start
    line_end = 0
    for match in _OTHER_CHARACTERS.finditer(text):
        if match.start() < line_end:
            continue  # on a line read already
        line_start = max(text.rfind("\n", 0, match.start()), text.rfind("\r", 0, match.start())) + 1
        found_end = _LINE_END.search(text, match.end())
        line_end = len(text) if found_end is None else found_end.start()
        if wanted in unicodedata.normalize("NFKC", text[line_start:line_end]):
            spelt.append(line_start)
    return sorted(lines + _lines_at(text, spelt)) if spelt else lines


_OTHER_CHARACTERS = re.compile("[\u0080-\U0010ffff]")
_LINE_END = re.compile("[\r\n]")


def _lines_at(text: AnyStr, positions: List[int]) -> List[int]:
    """The line of each of `positions` (in order) in `text` (bytes or str), as `ast` counts lines: a line
    ends at \n, \r\n or a lone \r. Each position is the first character of a word, never inside a \r\n."""
    newline, carriage = ("\n", "\r") if isinstance(text, str) else (b"\n", b"\r")
    both = carriage + newline
    only_newlines = carriage not in text  # most files: then a line ends at \n alone
    lines: List[int] = []
    line, start = 1, 0
    for position in positions:
        line += text.count(newline, start, position) if only_newlines else (
            text.count(newline, start, position) + text.count(carriage, start, position)
            - text.count(both, start, position)
        )
        lines.append(line)
        start = position
    return lines


def statement_lines(statement: Any) -> Tuple[int, int]:
    """The first and last line of an `ast` statement, its decorators included."""
    decorators = getattr(statement, "decorator_list", ())
    return min([statement.lineno, *(d.lineno for d in decorators)]), statement.end_lineno or statement.lineno


def says_within(lines: Sequence[int], statement: Any) -> bool:
    """Whether one of `lines` lies within the statement (`statement_lines`)."""
    first, last = statement_lines(statement)
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last


def spelt_names(text: bytes) -> FrozenSet[str]:
    """Every name the code of UTF-8 `text` may use, as the parser spells it (with the words of its
    comments and strings)."""
    if text.isascii():
        return frozenset(word.decode() for word in IDENTIFIER.findall(text))
    return frozenset(w if w.isascii() else unicodedata.normalize("NFKC", w) for w in _NAME.findall(text.decode("utf-8")))
