"""One file in, findings and fixes out. Every door (CLI, flake8, codemod) goes through here.

    bytes -> scan (text, then `ast`; prefilter.py) -> parse once (libcst) -> analyse -> rules
          -> findings -> fixes: replacement nodes turned into text edits, applied here only
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, List, Mapping, Optional, Sequence, Tuple, Union

from torchlint.analysis.imports import ClassSummary, ImportMap, summarise_classes
from torchlint.diagnostics import Diagnostic, Location
from torchlint.fixes.edits import FileEditor, Positions, extent
from torchlint.noqa import is_suppressed
from torchlint.prefilter import Prescan, class_base_words, mentions_torch, prescan
from torchlint.settings import Settings
from torchlint.torch_knowledge import State

SYNTAX_ERROR_CODE = "TL900"
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SourceFile:
    """A file as the engine sees it: its bytes, and where it sits among the run's packages."""

    data: bytes
    filename: str
    module_name: str = "__main__"
    package: str = ""


@dataclass(frozen=True)
class Scan:
    """The cheap look at a file, before libcst: enough to skip it, and to index its classes."""

    mentions_torch: bool
    prescan: Optional[Prescan] = None
    classes: Tuple[ClassSummary, ...] = ()
    problem: Optional[str] = None  # the file cannot be read as text
    # For a file skipped on its bytes: the words in its class statements' base lists. If one names a
    # module class of the run, the file is scanned again, since its own classes may be modules too.
    base_words: FrozenSet[bytes] = frozenset()

    @property
    def needs_libcst(self) -> bool:
        return self.mentions_torch and self.problem is None and self.prescan is not None and self.prescan.candidates


@dataclass(frozen=True)
class FileResult:
    diagnostics: Tuple[Diagnostic, ...]
    # The file's bytes after applying the fixes allowed by the settings (None: nothing to change).
    fixed: Optional[bytes] = None


def lint_source(source: Union[str, bytes], filename: str = "<string>", settings: Optional[Settings] = None) -> List[Diagnostic]:
    """The public API: findings for one file's source."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    return list(check_file(SourceFile(data, filename), settings or Settings()).diagnostics)


def fix_source(source: Union[str, bytes], filename: str = "<string>", settings: Optional[Settings] = None) -> str:
    """The public API: the source with every allowed fix applied (unsafe ones with unsafe_fixes)."""
    data = source.encode("utf-8") if isinstance(source, str) else source
    result = check_file(SourceFile(data, filename), settings or Settings(), fix=True)
    fixed = result.fixed if result.fixed is not None else data
    return fixed.decode("utf-8") if isinstance(source, str) else fixed  # type: ignore[return-value]


def scan_file(
    source: SourceFile, settings: Settings, project_classes: FrozenSet[str] = frozenset(), tree=None
) -> Scan:
    """`tree`: an `ast` tree of the source, when the caller has one (flake8 does)."""
    if source.data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: Python reads no such source
        text = source.data.decode("utf-16", errors="replace")
        if "class" in text and ("torch" in text or "lightning" in text):
            return Scan(mentions_torch=True, problem="cannot read: the file is UTF-16; Python source must be UTF-8")
    if not mentions_torch(source.data, settings, project_classes):
        return Scan(mentions_torch=False, base_words=class_base_words(source.data))
    problem = _undecodable(source.data)
    if problem is not None:
        return Scan(mentions_torch=True, problem=problem)
    found = prescan(source.data, settings, source.module_name, source.package, tree)
    if found.too_deep:
        return Scan(mentions_torch=True, problem="cannot parse: the code nests too deeply for Python to compile")
    classes: Tuple[ClassSummary, ...] = ()
    if found.records is not None:
        imports = ImportMap.build(found.records, source.module_name, source.package)
        classes = summarise_classes(found.records.classes, imports)
    return Scan(mentions_torch=True, prescan=found, classes=classes)


def check_file(
    source: SourceFile,
    settings: Settings,
    fix: bool = False,
    project_classes: FrozenSet[str] = frozenset(),
    scan: Optional[Scan] = None,
    class_states: Optional[Mapping[str, State]] = None,
) -> FileResult:
    scan = scan or scan_file(source, settings, project_classes)
    if scan.problem is not None:
        selected = settings.selects_in(SYNTAX_ERROR_CODE, source.filename)
        return FileResult((_tl900(source.filename, 1, 1, scan.problem),) if selected else ())
    if not scan.needs_libcst:
        return FileResult(())
    return _check_with_libcst(source, settings, fix, settings.knowledge(project_classes, class_states), scan.prescan)


def _check_with_libcst(source: SourceFile, settings: Settings, fix: bool, knowledge, found) -> FileResult:
    import libcst as cst  # deferred: a run that parses nothing never pays for importing libcst

    from torchlint.analysis.cst_names import module_records
    from torchlint.analysis.module_file import analyse_module

    try:
        module = cst.parse_module(source.data)
    except cst.ParserSyntaxError as error:
        if not settings.selects_in(SYNTAX_ERROR_CODE, source.filename):
            return FileResult(())
        row, column, reason = _syntax_error(source.data, error)
        message = f"cannot parse: {reason} at line {row}, column {column}"
        return FileResult((_tl900(source.filename, row, column, message),))
    except RecursionError:
        return FileResult((_tl900(source.filename, 1, 1, "cannot parse: the code nests too deeply"),))
    records = found.records if found.records is not None else module_records(module)
    imports = ImportMap.build(records, source.module_name, source.package)
    containers = analyse_module(module, imports, knowledge, records.classes)
    findings = [f for f in _findings(containers, settings) if settings.selects_in(f.code, source.filename)]
    if not findings:
        return FileResult(())
    replaced = [
        node for f in findings if f.fix is not None for old, _, statement in f.fix.replacements
        for node in (*extent(old), statement)
    ]
    positions = _positions(module, [f.node for f in findings] + replaced)
    lines = _NEWLINE.split(module.code)
    editor = FileEditor(module, source.data.decode(module.encoding), positions)
    kept = [
        f for f in findings
        if not (settings.honour_noqa and is_suppressed(f.code, positions[id(f.node)][0].row, lines))
    ]
    diagnostics = tuple(
        Diagnostic(
            code=f.code,
            message=f.message,
            filename=source.filename,
            location=positions[id(f.node)][0],
            end_location=positions[id(f.node)][1],
            fix=editor.describe(f.fix) if f.fix is not None else None,
            fix_note=f.fix_note,
        )
        for f in kept
    )
    allowed = [
        f.fix for f, d in zip(kept, diagnostics) if fix and d.fix is not None and d.fix.applies(settings.unsafe_fixes)
    ]
    if not allowed:
        return FileResult(diagnostics)
    return FileResult(diagnostics, editor.apply(allowed))


def _findings(containers, settings: Settings) -> list:
    from torchlint.rules import all_rules

    rules = [rule() for rule in all_rules() if settings.selects(rule.code)]
    findings = []
    for container in containers:
        for rule in rules:
            finding = rule.check(container)
            if finding is not None:
                findings.append(finding)
                break
    return findings


def _undecodable(data: bytes) -> Optional[str]:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
    except (SyntaxError, LookupError) as error:
        return f"cannot read: {error}"
    except UnicodeDecodeError as error:
        return f"cannot read: not valid {error.encoding} (byte {error.start})"
    if b"\x00" in data:
        return "cannot read: the file holds NUL bytes (a binary file?)"
    return None


def _syntax_error(data: bytes, error) -> Tuple[int, int, str]:
    """CPython's account of a syntax error where it has one: it points at the cause, not the symptom."""
    try:
        compile(data, "<checked>", "exec", dont_inherit=True)
    except SyntaxError as python_error:
        if python_error.lineno:
            return python_error.lineno, python_error.offset or 1, str(python_error.msg)
    except (ValueError, RecursionError, MemoryError):
        pass
    return error.raw_line, error.raw_column + 1, error.message.rstrip(".")


def _tl900(filename: str, row: int, column: int, message: str) -> Diagnostic:
    location = Location(max(row, 1), max(column, 1))
    return Diagnostic(SYNTAX_ERROR_CODE, message, filename, location, location)


def _positions(module, nodes: Sequence) -> "Positions":
    """Positions for the reported and replaced nodes only: one metadata pass, paid by files with findings."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return {
        id(node): (
            Location(ranges[node].start.line, ranges[node].start.column + 1),
            Location(ranges[node].end.line, ranges[node].end.column + 1),
        )
        for node in nodes
    }
