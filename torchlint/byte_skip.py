"""What a file's bytes say before it is parsed: whether it may hold a module class at all.

A module class needs a `class` statement with a base list, and a base that reaches torch: a name that
mentions torch or lightning, a configured base, or a module class of another file of the run. Both
tests here are trivially conservative (they answer "maybe" whenever the bytes leave room for doubt),
and this module imports no more than `re` does, so the CLI can ask before it imports the analysis.
"""
from __future__ import annotations

import builtins
import re
from functools import lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import FrozenSet, Iterable, Iterator

    from torchlint.settings import Settings

# An ASCII identifier in a file's bytes (a file that is not ASCII needs more care from its caller).
IDENTIFIER = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")

_ALWAYS = (b"torch", b"lightning")
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")  # Python reads no such source: a run reports it (TL900)
# Both start where a word starts (see _at_word_starts), which they leave out: a pattern that starts with a
# literal lets the regex engine jump from one `class` to the next (a `\b` before it made it try every byte).
_CLASS_BASES = re.compile(rb"class\s+\w+\s*\(([^)]*)\)")
# `class <name>(` or `class <name>[` (type parameters, then maybe bases), lines continued by backslashes
# included; a name is anything up to what ends one.
_CLASS_WITH_BASES = re.compile(rb"class[\s\\]+[^\s\\(:\[]+[\s\\]*[(\[]")
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")  # what `\w` matches
_STAR_IMPORT = re.compile(rb"\bimport[\s\\]*\*")
_NOT_PLAIN_NAMES = re.compile(rb"[^\sA-Za-z0-9_,\\]")  # anything but names, commas, blanks, continuations
_ONLY_AST = 0x400  # ast.PyCF_ONLY_AST, without importing `ast`
_BUILTIN_CLASSES = frozenset(name.encode() for name, value in vars(builtins).items() if isinstance(value, type))


def may_hold_module_classes(data: bytes, settings: Settings, project_classes: FrozenSet[str] = frozenset()) -> bool:
    if not has_class_with_bases(data):
        return False
    if any(needle in data for needle in _needles(settings)):
        return True
    return bool(project_classes) and not simple_names(project_classes).isdisjoint(IDENTIFIER.findall(data))


def has_class_with_bases(data: bytes) -> bool:
    """Whether the bytes may hold a class statement with a base list: no module class without one."""
    return next(_at_word_starts(_CLASS_WITH_BASES, data), None) is not None


def holds_no_module_class(data: bytes) -> bool:
    """True when no class of the file can be a module class, whatever the other files of a project
    hold: the file is not UTF-16, and it has no class statement with a base list, or (in ASCII source
    that parses) each base list is plain names of builtin classes (`dict`, `Exception`, `object`), names
    the file uses nowhere else (so nothing rebinds them) and takes from no star import."""
    if data.startswith(UTF16_MARKS):  # its classes are invisible to the bytes test below
        return False
    if not has_class_with_bases(data):
        return True
    if not data.isascii() or _STAR_IMPORT.search(data):  # NFKC folds other spellings onto `dict`
        return False
    named_in_bases = []
    for statement in _at_word_starts(_CLASS_WITH_BASES, data):
        if statement.group().endswith(b"["):
            return False
        end = data.find(b")", statement.end())
        if end < 0 or _NOT_PLAIN_NAMES.search(data, statement.end(), end):
            return False  # a call, a string, a comment (whose `)` may end no list): not plain names
        words = IDENTIFIER.findall(data, statement.end(), end)
        if not words or not _BUILTIN_CLASSES.issuperset(words):
            return False
        named_in_bases.extend(words)
    named_anywhere = IDENTIFIER.findall(data)
    if any(named_anywhere.count(word) != named_in_bases.count(word) for word in set(named_in_bases)):
        return False
    try:  # what `ast.parse` does: a file the scan could not parse is reported (TL900), not skipped
        compile(data, "<bytes>", "exec", flags=_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def class_base_words(data: bytes) -> FrozenSet[bytes]:
    """The identifiers in the base lists of `class X(...)` statements, read off the bytes."""
    return frozenset(
        word for statement in _at_word_starts(_CLASS_BASES, data) for word in IDENTIFIER.findall(statement.group(1))
    )


def _at_word_starts(pattern: re.Pattern[bytes], data: bytes) -> Iterator[re.Match[bytes]]:
    """The matches `\\b` + `pattern` would find, one after another (`finditer`)."""
    match = pattern.search(data)
    while match is not None:
        start = match.start()
        if start and data[start - 1] in _WORD_BYTES:  # inside a word (`subclass`): not this one
            match = pattern.search(data, start + 1)
        else:
            yield match
            match = pattern.search(data, match.end())


def _needles(settings: Settings) -> Iterable[bytes]:
    yield from _ALWAYS
    for qualified in (*settings.module_bases, *settings.module_factories):
        yield qualified.rsplit(".", 1)[-1].encode("utf-8")


@lru_cache(maxsize=8)
def simple_names(qualified_names: FrozenSet[str]) -> FrozenSet[bytes]:
    return frozenset(name.rsplit(".", 1)[-1].encode("utf-8") for name in qualified_names)
