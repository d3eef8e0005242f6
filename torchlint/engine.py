"""One file in, findings and fixes out. Every door (CLI, flake8, codemod) goes through here.

    bytes -> prefilter (text only) -> decode -> parse once (libcst) -> analyse -> rules -> findings
                                                                               -> fixes applied to the tree
"""
from __future__ import annotations

import difflib
import io
import tokenize
from dataclasses import dataclass
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, Union

from torchlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from torchlint.noqa import is_suppressed
from torchlint.prefilter import may_contain_findings
from torchlint.settings import Settings

SYNTAX_ERROR_CODE = "TL900"


class FixError(Exception):
    """A rewrite produced code that does not parse: the file must be left untouched."""


@dataclass(frozen=True)
class FileResult:
    diagnostics: Tuple[Diagnostic, ...]
    # The file's bytes after applying the fixes allowed by the settings (None: nothing to change).
    fixed: Optional[bytes] = None
    fixed_count: int = 0
    classes: Tuple = ()
    unresolved: FrozenSet[str] = frozenset()
    parsed: bool = True  # False: the prefilter skipped the file


@dataclass(frozen=True)
class SourceFile:
    """A file as the engine sees it: its bytes, and where it sits among the run's packages."""

    data: bytes
    filename: str
    module_name: str = "__main__"
    package: str = ""


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


def check_file(
    source: SourceFile, settings: Settings, fix: bool = False, project_classes: FrozenSet[str] = frozenset()
) -> FileResult:
    if not may_contain_findings(source.data, settings, project_classes):
        return FileResult((), parsed=False)
    problem = _undecodable(source.data)
    if problem is not None:
        selected = settings.selects_in(SYNTAX_ERROR_CODE, source.filename)
        return FileResult((_tl900(source.filename, 1, 1, problem),) if selected else ())

    import libcst as cst  # deferred: a run that parses nothing never pays for importing libcst

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
    analysis = analyse_module(module, source.module_name, source.package, settings.knowledge(project_classes))
    findings = [f for f in _findings(analysis, settings) if settings.selects_in(f.code, source.filename)]
    if not findings:
        return FileResult((), classes=analysis.classes, unresolved=analysis.unresolved)
    lines = source.data.decode(module.encoding, errors="replace").splitlines()
    positions = _positions(module, [finding.node for finding in findings])
    kept = []
    for finding in findings:
        start, end = positions[id(finding.node)]
        if not (settings.honour_noqa and is_suppressed(finding.code, start.row, lines)):
            kept.append((finding, start, end))
    diagnostics = tuple(
        Diagnostic(
            code=finding.code,
            message=finding.message,
            filename=source.filename,
            location=start,
            end_location=end,
            fix=_describe_fix(module, finding.fix) if finding.fix is not None else None,
            fix_note=finding.fix_note,
        )
        for finding, start, end in kept
    )
    fixed, count = None, 0
    if fix:
        allowed = [finding.fix for finding, _, _ in kept if finding.fix is not None and _allowed(finding.fix, settings)]
        if allowed:
            fixed, count = _apply(module, allowed).bytes, len(allowed)
    return FileResult(diagnostics, fixed, count, analysis.classes, analysis.unresolved)


def _findings(analysis, settings: Settings) -> list:
    from torchlint.rules import all_rules

    rules = [rule() for rule in all_rules() if settings.selects(rule.code)]
    findings = []
    for container in analysis.containers:
        for rule in rules:
            finding = rule.check(container, analysis.imports)
            if finding is not None:
                findings.append(finding)
                break
    return findings


def _allowed(fix, settings: Settings) -> bool:
    return fix.applicability is Applicability.SAFE or settings.unsafe_fixes


def _undecodable(data: bytes) -> Optional[str]:
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


def _positions(module, nodes: Sequence) -> Dict[int, Tuple[Location, Location]]:
    """Positions for the reported nodes only; the metadata pass is paid only by files with findings."""
    from libcst.metadata import MetadataWrapper, PositionProvider

    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    found = {}
    for node in nodes:
        code_range = ranges[node]
        found[id(node)] = (
            Location(code_range.start.line, code_range.start.column + 1),
            Location(code_range.end.line, code_range.end.column + 1),
        )
    return found


def _apply(module, fixes: Sequence):
    """The only place that changes a tree: swap the replacement nodes, add imports, re-parse."""
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    swaps = {id(old): new for fix in fixes for old, new in fix.replacements}

    class _Swap(cst.CSTTransformer):
        def on_leave(self, original_node, updated_node):
            return swaps.get(id(original_node), updated_node)

    fixed = module.visit(_Swap())
    imports = sorted({needed for fix in fixes for needed in fix.imports}, key=lambda i: (i.module, i.name or ""))
    if imports:
        context = CodemodContext()
        for needed in imports:
            AddImportsVisitor.add_needed_import(context, needed.module, needed.name)
        fixed = AddImportsVisitor(context).transform_module(fixed)
    try:
        cst.parse_module(fixed.bytes)
        compile(fixed.bytes, "<fixed>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as error:
        raise FixError(f"a fix produced code that does not parse ({error}); the file was left untouched") from error
    return fixed


def _describe_fix(module, proposed) -> Fix:
    """ruff's JSON shape: the fix as line edits, read off the diff of applying it alone."""
    before = module.bytes.decode(module.encoding).splitlines(keepends=True)
    after = _apply(module, [proposed]).bytes.decode(module.encoding).splitlines(keepends=True)
    edits = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag != "equal":
            edits.append(
                Edit(
                    content="".join(after[b_start:b_end]),
                    location=Location(a_start + 1, 1),
                    end_location=Location(a_end + 1, 1),
                )
            )
    return Fix(proposed.applicability, proposed.title, tuple(edits))
