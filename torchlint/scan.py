"""The cheap look at a file, before anything is judged: enough to skip it, and to index its classes.

1. bytes (byte_skip.py): a module class needs a `class` statement with a base list and a name that
   mentions torch (or lightning, a configured base, or a module class of another file of the run).
2. CPython's `ast`: the file's imports and classes (with what each class owns), and the first step of
   the analysis itself: which classes with a base store a plain container on self (or a tensor a
   tensor rule judges)? Only files with such a class are checked once the run knows its module
   classes, and a check in another process reads only what those classes need
   (analysis/check_scope.py). A file of a megabyte or more is read a part at a time
   (scan_in_parts.py), so that its whole `ast` is never held at once.
"""
from __future__ import annotations

import ast
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from torchlint.analysis.imports import ClassSummary, ImportMap, ModuleRecords, summarise_classes
from torchlint.byte_skip import UTF16_MARKS, class_base_words, may_hold_module_classes
from torchlint.garbage import paused_collections
from torchlint.settings import Settings, tensor_rules_selected

TYPE_CHECKING = False
if TYPE_CHECKING:
    from torchlint.analysis.read_ast import AstFile, ClassSyntax

TOO_DEEP = "cannot parse: the code nests too deeply for Python to compile"
# Files from this size are scanned a part at a time (scan_in_parts.py): the `ast` of a whole file takes
# about 70 bytes per byte of source, and parts bound that.
CUT_FROM = 1_000_000


@dataclass(frozen=True)
class Scan:
    mentions_torch: bool
    # The file's imports and classes as `ast` read them, for the check: None where it could not (libcst
    # will try), and for a file that needs no check (the run, its workers and the cache carry less).
    records: Optional[ModuleRecords] = None
    candidates: bool = False  # some class may hold a finding (or `ast` could not tell)
    classes: Tuple[ClassSummary, ...] = ()
    problem: Optional[str] = None  # the file cannot be read as text, or parsed at all
    # For a file skipped on its bytes: the words in its class statements' base lists. If one names a
    # module class of the run, the file is scanned again, since its own classes may be modules too.
    base_words: FrozenSet[bytes] = frozenset()
    # For a check in another process (analysis/check_scope.py): the lines of the top-level classes and
    # functions it can do without, where the leading imports end, and the CRC-32 of the bytes scanned.
    skippable: Tuple[Tuple[int, int], ...] = ()
    header_end: int = 0
    crc: int = 0
    # For the run, once it knows its module classes: the file's class statements (`AstFile.classes()`,
    # without their nodes) and the positions of those that may hold a finding. When none of these is a
    # module class, a check would find nothing. Empty where the scan cannot say (`ast` could not read it).
    class_statements: Tuple[ClassSyntax, ...] = ()
    holding: Tuple[int, ...] = ()
    # A candidate's file as `ast` read it (with the facts the scan read), for a check in this process.
    # Never pickled: a worker or the cache would pay more to copy it than to read the file again.
    read: Any = field(default=None, compare=False, repr=False)

    def __getstate__(self) -> Dict[str, Any]:
        return {**self.__dict__, "read": None}

    @property
    def needs_check(self) -> bool:
        return self.mentions_torch and self.problem is None and self.candidates


@paused_collections
def scan_source(
    data: bytes, settings: Settings, module_name: str, package: str, project_classes: FrozenSet[str] = frozenset(),
    tree: Optional[ast.Module] = None,
) -> Scan:
    """`tree`: an `ast` tree of the source, when the caller has one (flake8 does)."""
    if data.startswith(UTF16_MARKS):
        text = data.decode("utf-16", errors="replace")
        if "class" in text and ("torch" in text or "lightning" in text):
            return Scan(mentions_torch=True, problem="cannot read: the file is UTF-16; Python source must be UTF-8")
    if not may_hold_module_classes(data, settings, project_classes):
        return Scan(mentions_torch=False, base_words=class_base_words(data))
    problem = undecodable(data)
    if problem is not None:
        return Scan(mentions_torch=True, problem=problem)
    trainable, plain_tensors = tensor_rules_selected(settings)
    if tree is None and len(data) >= CUT_FROM:
        from torchlint.scan_in_parts import scan_in_parts

        in_parts = scan_in_parts(data, (trainable, plain_tensors), module_name, package)
        if in_parts is not None:
            return in_parts
    try:
        file = read_with_ast(data, tree)
    except RecursionError:
        # libcst's native parser would overflow its stack on such input (it crashes the process), so
        # it must never see it.
        return Scan(mentions_torch=True, problem=TOO_DEEP)
    if file is None:
        return Scan(mentions_torch=True, candidates=True)  # libcst may read newer syntax, or say what is wrong
    from torchlint.analysis.module_file import classes_that_may_hold_findings

    imports = ImportMap.build(file.records, module_name, package)
    records = with_states(file, imports)
    classes = summarise_classes(records.classes, imports)
    try:
        holding = classes_that_may_hold_findings(file, imports, trainable, plain_tensors)
    except RecursionError:  # the check says why it cannot analyse the file
        return Scan(mentions_torch=True, records=records, candidates=True, classes=classes, read=file)
    if not holding:
        return Scan(mentions_torch=True, candidates=False, classes=classes)
    from torchlint.analysis.check_scope import definitions, lines_to_skip

    statements, positions = holding_statements(file, holding)
    return Scan(mentions_torch=True, records=records, candidates=True, classes=classes,
                skippable=lines_to_skip(definitions(file.tree.body), data, [c.node.lineno for c in holding]),
                header_end=file.header_end(), crc=zlib.crc32(data), class_statements=statements, holding=positions,
                read=file)


def holding_statements(file: AstFile, holding: List[ClassSyntax]) -> Tuple[Tuple[ClassSyntax, ...], Tuple[int, ...]]:
    """The file's class statements without their nodes (Scan.class_statements), and the positions of
    `holding` (classes of the file that may hold a finding) among them."""
    statements, holding_ids = file.classes(), {id(c) for c in holding}
    return (tuple(replace(c, node=None) for c in statements),
            tuple(position for position, c in enumerate(statements) if id(c) in holding_ids))


def read_with_ast(data: bytes, tree: Optional[ast.Module] = None):
    """The file as analysis/read_ast.py reads it; None when CPython cannot parse it. Raises
    RecursionError when CPython cannot compile it for its depth."""
    from torchlint.analysis.read_ast import AstFile

    tree = tree if tree is not None else _parse(data)
    return None if tree is None else AstFile(tree, data)


def read_for_check(data: bytes, scan: Scan, tree: Optional[ast.Module] = None):
    """The file as its check reads it: the scan's own read in the process that scanned it; elsewhere
    the file without what the check can do without (analysis/check_scope.py), if the bytes are still
    those scanned; else the whole file. Raises RecursionError as `read_with_ast` does."""
    if scan.read is not None and scan.read.data == data:
        return scan.read
    if scan.skippable and tree is None and zlib.crc32(data) == scan.crc:
        from torchlint.analysis.check_scope import without_lines
        from torchlint.analysis.read_ast import AstFile

        partial = _parse(without_lines(data, scan.skippable))
        if partial is not None:  # never expected to fail: if it did, the whole file says what is wrong
            return AstFile(partial, data, scan.header_end)
    return read_with_ast(data, tree)


def _parse(data: bytes) -> Optional[ast.Module]:
    """CPython's `ast` of the bytes; None when it cannot parse them, RecursionError when too deep."""
    try:
        return ast.parse(data)
    except MemoryError as error:
        raise RecursionError from error
    except (SyntaxError, ValueError):
        return None


def with_states(file, imports: ImportMap, training_lines: Optional[List[int]] = None) -> ModuleRecords:
    """The module records, each top-level class with what it owns (analysis/class_state.py).
    `training_lines`: `training_lines_of(file.data)`, when the caller has it."""
    from torchlint.analysis.class_state import own_state, training_lines_of

    records = file.records
    if training_lines is None:
        training_lines = training_lines_of(file.data)  # `x.training` needs the word on a line of the method
    classes = tuple(
        replace(r, state=own_state(n, imports, training_lines)) for r, n in zip(records.classes, file.class_nodes)
    )
    return replace(records, classes=classes)


@paused_collections
def file_records(data: bytes, module_name: str, package: str, tree: Optional[ast.Module] = None) -> Optional[ModuleRecords]:
    """A file's imports and classes (with their states), for the files a file imports."""
    if tree is None and len(data) >= CUT_FROM:
        from torchlint.scan_in_parts import records_in_parts

        in_parts = records_in_parts(data, module_name, package)
        if in_parts is not None:
            return in_parts
    try:
        file = read_with_ast(data, tree)
    except RecursionError:
        return None
    if file is None:
        return None
    return with_states(file, ImportMap.build(file.records, module_name, package))


def source_encoding(data: bytes) -> str:
    """The encoding Python reads the file in (PEP 263); raises SyntaxError for a bad declaration."""
    if b"coding" not in b"\n".join(data.split(b"\n", 2)[:2]) and not data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"  # no declaration (it can only sit on the first two lines), no BOM
    import io
    import tokenize

    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def undecodable(data: bytes) -> Optional[str]:
    try:
        data.decode(source_encoding(data))
    except (SyntaxError, LookupError) as error:
        return f"cannot read: {error}"
    except UnicodeDecodeError as error:
        return f"cannot read: not valid {error.encoding} (byte {error.start})"
    if b"\x00" in data:
        return "cannot read: the file holds NUL bytes (a binary file?)"
    return None
