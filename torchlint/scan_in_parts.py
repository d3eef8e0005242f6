"""A big file read a part at a time, so that the `ast` of the whole file is never held at once.

CPython's `ast` takes about 70 bytes per byte of source (310 MB for a 4.3 MB model file). A big file is
cut before top-level `class`, `def` and decorator lines into parts of about PART_BYTES; each part is
parsed alone (behind blank lines, so every position is the file's), read as scan.py reads a whole file,
and dropped. The answer is the whole file's (tests/test_scan_in_parts.py, and `scripts/corpus_check.py
--compare-parts` on every file of a corpus):
- a cut that is no statement boundary (in a string, between a decorator and its class) leaves a part
  that does not parse alone: the part is made longer, up to a few cuts; then the file is read whole,
  as is a file a part of which is too deep to read;
- a part is read with the names the whole file binds (imports, definitions, assignments), guessed
  before any part is parsed: every statement but classes and functions, parsed alone, and the names of
  those. The parts then say what the file binds; a part that names a word the guess binds otherwise
  is read again.
"""
from __future__ import annotations

import ast
import re
import unicodedata
import zlib
from dataclasses import dataclass
from typing import FrozenSet, Iterator, List, Optional, Tuple

from torchlint.analysis.check_scope import Definition, definitions, lines_to_skip
from torchlint.analysis.class_state import training_lines_of
from torchlint.analysis.imports import ClassRecord, ImportMap, ModuleRecords, summarise_classes
from torchlint.analysis.module_file import classes_that_may_hold_findings, shadowed_builtins
from torchlint.analysis.read_ast import AstFile, ClassSyntax, SharedReading, header_end_of, module_records
from torchlint.analysis.source_lines import NAME_PATTERN, spelt_names
from torchlint.scan import Scan, holding_statements, source_encoding, with_states

PART_BYTES = 256 * 1024
_CUT = re.compile(rb"^(?:class\s|def\s|async\s+def\s|@)", re.MULTILINE)
_LONGER_PARTS_TRIED = 4
# A line at column 0 that goes on the statement above it.
_GOES_ON = re.compile(rb"(?:else|elif|except|finally)\b")
# A line that starts a top-level statement, or may: not blank, not a comment, not closing a bracket.
_TOP_LEVEL_LINE = re.compile(rb"^[^\s#)\]}]", re.MULTILINE)
_DEFINED = re.compile(rf"(async\s+def|def|class)\s+({NAME_PATTERN})")

TensorRules = Tuple[bool, bool]  # whether the tensor rules are selected (settings.tensor_rules_selected)


@dataclass(frozen=True)
class _Part:
    start: int
    end: int
    first_line: int


@dataclass(frozen=True)
class _PartRead:
    records: ModuleRecords  # its top-level classes with their states
    holding: Tuple[int, ...]  # the first lines of its classes that may hold a finding
    statements: Tuple[ClassSyntax, ...] = ()  # its class statements (Scan.class_statements)
    holding_positions: Tuple[int, ...] = ()  # the positions of those that may hold a finding among them


@dataclass(frozen=True)
class _FileRead:
    records: ModuleRecords  # with the states of the classes
    names: ImportMap
    holding: Tuple[int, ...]
    defined: Tuple[Definition, ...]
    header_end: int
    statements: Tuple[ClassSyntax, ...]
    holding_positions: Tuple[int, ...]


def scan_in_parts(data: bytes, tensor_rules: TensorRules, module_name: str, package: str,
                  part_bytes: Optional[int] = None) -> Optional[Scan]:
    """scan.py's answer for a file that may hold module classes; None when it is to be read whole."""
    read = _read_in_parts(data, module_name, package, tensor_rules, part_bytes or PART_BYTES)
    if read is None:
        return None
    classes = summarise_classes(read.records.classes, read.names)
    if not read.holding:
        return Scan(mentions_torch=True, candidates=False, classes=classes)
    return Scan(mentions_torch=True, records=read.records, candidates=True, classes=classes,
                skippable=lines_to_skip(read.defined, data, read.holding), header_end=read.header_end,
                crc=zlib.crc32(data), class_statements=read.statements, holding=read.holding_positions)


def records_in_parts(data: bytes, module_name: str, package: str, part_bytes: Optional[int] = None) -> Optional[ModuleRecords]:
    """scan.file_records's answer; None when the file is to be read whole."""
    read = _read_in_parts(data, module_name, package, None, part_bytes or PART_BYTES)
    return None if read is None else read.records


def _read_in_parts(data: bytes, module_name: str, package: str, tensor_rules: Optional[TensorRules],
                   part_bytes: int) -> Optional[_FileRead]:
    """`tensor_rules`: None when the classes that may hold a finding are not wanted."""
    if not _may_cut(data, part_bytes):
        return None
    shared, training_lines = SharedReading.of(data), training_lines_of(data)
    guess = _guessed_names(data, module_name, package)
    parts: List[_Part] = []
    reads: List[_PartRead] = []
    records = ModuleRecords()
    defined: List[Definition] = []
    header, statements_seen = 0, False
    try:
        for part, tree in _parsed_parts(data, part_bytes):
            if tree is None:
                return None
            header = header_end_of(tree.body, header, starts_file=not statements_seen)
            statements_seen = statements_seen or bool(tree.body)
            defined.extend(definitions(tree.body))
            file = AstFile(tree, data, shared=shared)
            records = _joined(records, file.records)
            parts.append(part)
            reads.append(_read_part(file, guess, training_lines, tensor_rules))
            tree = file = None  # type: ignore[assignment]  # before the next part is parsed
        names = ImportMap.build(records, module_name, package)
        for index, part in enumerate(parts):
            if guess != names and not _same_meaning(guess, names, spelt_names(data[part.start:part.end])):
                tree = _parse(data, part.start, part.end, part.first_line)
                assert tree is not None  # it parsed a moment ago
                reads[index] = _read_part(AstFile(tree, data, shared=shared), names, training_lines, tensor_rules)
    except RecursionError:  # the whole file's reading says what it can
        return None
    classes = tuple(c for read in reads for c in read.records.classes)
    statements: List[ClassSyntax] = []
    positions: List[int] = []
    for read in reads:
        positions.extend(len(statements) + position for position in read.holding_positions)
        statements.extend(read.statements)
    return _FileRead(ModuleRecords(records.imports, classes, records.functions, records.assigned), names,
                     tuple(line for read in reads for line in read.holding), tuple(defined), header, tuple(statements),
                     tuple(positions))


def _may_cut(data: bytes, part_bytes: int) -> bool:
    """Whether line numbers and the text the parser reads are the same in a part as in the whole: no
    line ends in a lone \\r, the file is UTF-8 without a BOM (a cut, before an ASCII word, splits no
    character), no future import changes the grammar. And whether the file is big enough to cut."""
    if len(data) < 2 * part_bytes or data.count(b"\r") != data.count(b"\r\n") or b"barry_as_FLUFL" in data:
        return False
    try:
        return source_encoding(data) == "utf-8"
    except (SyntaxError, LookupError):
        return False


def _guessed_names(data: bytes, module_name: str, package: str) -> ImportMap:
    """What the whole file binds, guessed without parsing its classes and functions: each run of other
    top-level statements (from a line that starts at column 0 up to the next class, function or
    decorator line there) parsed alone, and the names on the `class` and `def` lines. A line at column 0
    inside a string may spoil the guess, and the scan compares it with what the parts say."""
    found = ModuleRecords()
    classes: List[ClassRecord] = []
    functions: List[str] = []
    run: List[int] = []  # where the lines of the current run start
    for position in [match.start() for match in _TOP_LEVEL_LINE.finditer(data)] + [len(data)]:
        definition = _CUT.match(data, position) is not None
        if run and (definition or position == len(data)):
            found = _joined(found, _run_records(data, run, position))
            run = []
        if definition:
            end = data.find(b"\n", position)
            named = _DEFINED.match(data[position:end if end >= 0 else len(data)].decode("utf-8", errors="replace"))
            if named is not None and named.group(1) == "class":
                classes.append(ClassRecord(unicodedata.normalize("NFKC", named.group(2)), ()))
            elif named is not None:
                functions.append(unicodedata.normalize("NFKC", named.group(2)))
        elif position < len(data):
            run.append(position)
    return ImportMap.build(_joined(found, ModuleRecords(classes=tuple(classes), functions=tuple(functions))),
                           module_name, package)


def _run_records(data: bytes, starts: List[int], end: int) -> ModuleRecords:
    """What a run of top-level statements binds; when it does not parse alone (a line of a string at
    column 0 began it), what each of its statements that parses alone binds."""
    parsed = _records_of(data[starts[0]:end])
    if parsed is not None:
        return parsed
    statements = [start for start in starts if _GOES_ON.match(data, start) is None] + [end]
    records = ModuleRecords()
    for start, stop in zip(statements, statements[1:]):
        records = _joined(records, _records_of(data[start:stop]) or ModuleRecords())
    return records


def _records_of(text: bytes) -> Optional[ModuleRecords]:
    try:
        return module_records(ast.parse(text).body)[0]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _parsed_parts(data: bytes, part_bytes: int) -> Iterator[Tuple[_Part, Optional[ast.Module]]]:
    """Each part with its `ast`; a part that does not parse is made longer, up to the next cuts; (part,
    None) when none of them parses. Raises RecursionError as `_parse` does."""
    start, line = 0, 1
    while start < len(data):
        end = _next_cut(data, start + part_bytes)
        for _ in range(_LONGER_PARTS_TRIED):
            tree = _parse(data, start, end, line)
            if tree is not None or end == len(data):
                break
            end = _next_cut(data, end + 1)
        yield _Part(start, end, line), tree
        tree = None  # before the next part is parsed
        start, line = end, line + data.count(b"\n", start, end)


def _next_cut(data: bytes, position: int) -> int:
    cut = _CUT.search(data, position)
    return len(data) if cut is None else cut.start()


def _parse(data: bytes, start: int, end: int, first_line: int) -> Optional[ast.Module]:
    """The `ast` of `data[start:end]`, behind blank lines so that it starts on `first_line`."""
    try:
        return ast.parse(b"\n" * (first_line - 1) + data[start:end])
    except MemoryError as error:
        raise RecursionError from error
    except (SyntaxError, ValueError):
        return None


def _joined(first: ModuleRecords, then: ModuleRecords) -> ModuleRecords:
    return ModuleRecords(first.imports + then.imports, first.classes + then.classes, first.functions + then.functions,
                         first.assigned + then.assigned)


def _read_part(file: AstFile, names: ImportMap, training_lines: Optional[List[int]],
               tensor_rules: Optional[TensorRules]) -> _PartRead:
    records = with_states(file, names, training_lines)
    if tensor_rules is None:
        return _PartRead(records, ())
    holding = classes_that_may_hold_findings(file, names, *tensor_rules)
    return _PartRead(records, tuple(c.node.lineno for c in holding), *holding_statements(file, holding))


def _same_meaning(used: ImportMap, whole: ImportMap, words: FrozenSet[str]) -> bool:
    """Whether each word means to `used` what it means to `whole` (the analysis asks an ImportMap only
    about names its code uses, and which builtins the module shadows)."""
    if used.star_imports_torch_nn != whole.star_imports_torch_nn or shadowed_builtins(used) != shadowed_builtins(whole):
        return False
    return all(
        used.names.get(word) == whole.names.get(word) and (word in used.rebound) == (word in whole.rebound)
        and (word in used.imported_from) == (word in whole.imported_from)
        for word in words
    )


def differences_from_whole(data: bytes, settings, module_name: str, package: str, part_bytes: int) -> Optional[List[str]]:
    """For the tests and `scripts/corpus_check.py --compare-parts`: the fields in which the scan in parts
    of `part_bytes` differs from the scan of the whole file; None when the whole file is not analysed (it
    does not parse, cannot hold a module class) or not cut."""
    from torchlint.scan import file_records, scan_source
    from torchlint.settings import tensor_rules_selected

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    whole = scan_source(data, settings, module_name, package, tree=tree)
    if not whole.mentions_torch or whole.problem is not None:
        return None
    in_parts = scan_in_parts(data, tensor_rules_selected(settings), module_name, package, part_bytes)
    if in_parts is None:
        return None
    found = [f"{name}: {getattr(in_parts, name)!r:.300} != {getattr(whole, name)!r:.300}"
             for name in in_parts.__dataclass_fields__ if name != "read" and getattr(in_parts, name) != getattr(whole, name)]
    records, whole_records = records_in_parts(data, module_name, package, part_bytes), file_records(data, module_name, package, tree)
    return found + ([] if records == whole_records else [f"file records: {records!r:.300} != {whole_records!r:.300}"])
