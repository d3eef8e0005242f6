"""One file in, findings and fixes out. Every door (CLI, flake8, codemod, server) goes through here.

    bytes -> scan (scan.py: bytes, then `ast`) -> read (analysis/read_ast.py; libcst only where
          `ast` cannot) -> analyse -> rules -> findings -> fixes (fixes/edits.py: libcst reads only the
          statements a fix rewrites)
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import FrozenSet, List, Mapping, Optional, Tuple, Union

from torchlint.analysis.imports import ImportMap
from torchlint.diagnostics import Diagnostic, Fix, Location
from torchlint.garbage import paused_collections
from torchlint.noqa import is_suppressed
from torchlint.scan import TOO_DEEP, Scan, read_for_check, scan_source, source_encoding
from torchlint.settings import ProjectKnowledge, Settings
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


def scan_file(source: SourceFile, settings: Settings, project_classes: FrozenSet[str] = frozenset(), tree=None) -> Scan:
    return scan_source(source.data, settings, source.module_name, source.package, project_classes, tree)


@paused_collections
def check_file(
    source: SourceFile,
    settings: Settings,
    fix: bool = False,
    project_classes: FrozenSet[str] = frozenset(),
    scan: Optional[Scan] = None,
    class_states: Optional[Mapping[str, State]] = None,
    tree=None,
    edits: bool = True,
) -> FileResult:
    """`edits`: describe each fix's text edits (libcst renders them); without, a fix has its title and
    applicability only, all that flake8 and the text formats show."""
    scan = scan or scan_file(source, settings, project_classes, tree)
    if scan.needs_check and scan.read is None:
        # The check reads only the classes that may hold a finding (a big file read in parts, a scan
        # from another process): which of the file's other classes are module classes, a run's index
        # says; without one, the scan's summaries of the file's classes do.
        from torchlint.neighbours import module_class_closure

        project_classes = project_classes | module_class_closure(scan.classes, settings.module_bases, project_classes)
    if scan.problem is not None:
        return _tl900_result(source, settings, 1, 1, scan.problem)
    if not scan.needs_check:
        return FileResult(())
    knowledge = settings.knowledge(project_classes, class_states)
    if _holds_no_module_class(source, scan, knowledge):
        return FileResult(())
    return _check(source, settings, fix, knowledge, scan, tree, edits)


def _holds_no_module_class(source: SourceFile, scan: Scan, knowledge: ProjectKnowledge) -> bool:
    """Whether, now that the module classes are known, none of the classes that may hold a finding is
    one: the analysis judges module classes alone, so it would find nothing. Decided as the analysis
    decides it, on the scan's class statements, when the file's bytes are still those scanned."""
    if not scan.holding or scan.records is None or zlib.crc32(source.data) != scan.crc:
        return False
    from torchlint.analysis.module_file import module_class_positions

    imports = ImportMap.build(scan.records, source.module_name, source.package)
    return module_class_positions(scan.class_statements, imports, knowledge).isdisjoint(scan.holding)


def _check(source: SourceFile, settings: Settings, fix: bool, knowledge, scan: Scan, tree, edits: bool) -> FileResult:
    from torchlint.analysis.module_file import analyse_module

    text = source.data.decode(source_encoding(source.data))
    try:
        read = read_for_check(source.data, scan, tree)
    except RecursionError:
        return _tl900_result(source, settings, 1, 1, TOO_DEEP)
    if read is None:
        read = _read_with_libcst(source, settings)
        if isinstance(read, FileResult):
            return read
    records = scan.records if scan.records is not None else read.records
    imports = ImportMap.build(records, source.module_name, source.package)
    try:
        subjects = analyse_module(read, imports, knowledge, records.classes)
    except RecursionError:
        return _tl900_result(source, settings, 1, 1, "cannot analyse: the code nests too deeply")
    findings = [f for f in _findings(subjects, settings) if settings.selects_in(f.code, source.filename)]
    if not findings:
        return FileResult(())
    lines = _NEWLINE.split(text)
    kept = [f for f in findings if not (settings.honour_noqa and is_suppressed(f.code, f.span[0], lines))]
    if not kept:
        return FileResult(())
    from torchlint.fixes.edits import FileEditor

    editor = FileEditor(text, read.header_end())
    diagnostics = tuple(
        Diagnostic(
            code=f.code,
            message=f.message,
            filename=source.filename,
            location=Location(f.span[0], f.span[1] + 1),
            end_location=Location(f.span[2], f.span[3] + 1),
            fix=_describe(editor, f.fix, edits) if f.fix is not None else None,
            fix_note=f.fix_note,
        )
        for f in kept
    )
    allowed = [
        f.fix for f, d in zip(kept, diagnostics) if fix and d.fix is not None and d.fix.applies(settings.unsafe_fixes)
    ]
    if not allowed:
        return FileResult(diagnostics)
    return FileResult(diagnostics, editor.apply(allowed).encode(source_encoding(source.data)))


def _describe(editor, proposed, edits: bool) -> Fix:
    return editor.describe(proposed) if edits else Fix(proposed.applicability, proposed.title)


def _read_with_libcst(source: SourceFile, settings: Settings):
    """For syntax newer than the running Python: libcst reads it, or says where it is wrong."""
    import libcst as cst

    from torchlint.analysis.read_cst import CstFile

    try:
        return CstFile(cst.parse_module(source.data))
    except cst.ParserSyntaxError as error:
        row, column, reason = _syntax_error(source.data, error)
        return _tl900_result(source, settings, row, column, f"cannot parse: {reason} at line {row}, column {column}")
    except RecursionError:
        return _tl900_result(source, settings, 1, 1, "cannot parse: the code nests too deeply")


def _tl900_result(source: SourceFile, settings: Settings, row: int, column: int, message: str) -> FileResult:
    if not settings.selects_in(SYNTAX_ERROR_CODE, source.filename):
        return FileResult(())
    return FileResult((_tl900(source.filename, row, column, message),))


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
