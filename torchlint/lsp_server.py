"""`torchlint server`: a language server over stdio (pygls; install `torchlint[lsp]`).

Diagnostics on open, change and save, from the same engine and configuration as the CLI; a quick
fix per fixable finding (unsafe ones say so), and a "fix all safe torchlint findings" source action.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from torchlint import __version__
from torchlint.config import settings_near
from torchlint.diagnostics import Applicability, Diagnostic, Location
from torchlint.engine import SourceFile
from torchlint.neighbours import check_single_file, forget
from torchlint.files import module_name
from torchlint.settings import Settings

FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.torchlint"
server = LanguageServer("torchlint", __version__)


def _settings_for(path: Optional[str]) -> Settings:
    if not path:
        return Settings()
    settings, error = settings_near(Path(path).parent)
    if error is not None:
        server.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"torchlint: {error}"))
    return settings or Settings(root=str(Path(path).parent))


def _source(uri: str, text: str) -> SourceFile:
    path = to_fs_path(uri)
    name, package = module_name(Path(path)) if path and Path(path).exists() else ("__main__", "")
    return SourceFile(text.encode("utf-8"), path or uri, name, package)


def _lint(uri: str, text: str, fix: bool = False, unsafe: bool = False):
    settings = _settings_for(to_fs_path(uri))
    if unsafe:
        settings = replace(settings, unsafe_fixes=True)
    return check_single_file(_source(uri, text), settings, fix=fix)


def _position(lines: Sequence[str], location: Location) -> types.Position:
    """1-based code-point columns to LSP's 0-based UTF-16 offsets."""
    row = location.row - 1
    line = lines[row] if row < len(lines) else ""
    prefix = line[: location.column - 1]
    return types.Position(line=row, character=len(prefix.encode("utf-16-le")) // 2)


def _range(lines: Sequence[str], start: Location, end: Location) -> types.Range:
    return types.Range(start=_position(lines, start), end=_position(lines, end))


def _lsp_diagnostic(lines: Sequence[str], diagnostic: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(lines, diagnostic.location, diagnostic.end_location),
        message=diagnostic.message,
        severity=types.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        source="torchlint",
    )


def _publish(ls: LanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    lines = document.source.splitlines()
    result = _lint(uri, document.source)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=[_lsp_diagnostic(lines, d) for d in result.diagnostics])
    )


@server.feature(types.INITIALIZED)
def initialized(ls: LanguageServer, params: types.InitializedParams) -> None:
    capabilities = ls.client_capabilities
    if capabilities is None or capabilities.notebook_document is None:
        ls.window_log_message(types.LogMessageParams(
            types.MessageType.Info,
            "torchlint: this editor does not send notebooks to language servers; "
            "run `torchlint nb.ipynb` (or the pre-commit hook) to check them",
        ))


_NOTEBOOKS = types.NotebookDocumentSyncOptions(
    notebook_selector=[types.NotebookDocumentFilterWithCells(cells=[types.NotebookCellLanguage(language="python")])]
)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN, _NOTEBOOKS)
def notebook_did_open(ls: LanguageServer, params: types.DidOpenNotebookDocumentParams) -> None:
    _publish_notebook(ls, params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(ls: LanguageServer, params: types.DidChangeNotebookDocumentParams) -> None:
    _publish_notebook(ls, params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_did_save(ls: LanguageServer, params: types.DidSaveNotebookDocumentParams) -> None:
    _publish_notebook(ls, params.notebook_document.uri)


def _publish_notebook(ls: LanguageServer, notebook_uri: str) -> None:
    """The notebook's code cells as one module (as the CLI reads a .ipynb); diagnostics go to each cell."""
    from torchlint.notebooks import in_cell, join

    notebook = ls.workspace.get_notebook_document(notebook_uri=notebook_uri)
    if notebook is None:
        return
    code_cells = [cell for cell in notebook.cells if cell.kind == types.NotebookCellKind.Code]
    texts = {cell.document: ls.workspace.get_text_document(cell.document).source for cell in code_cells}
    numbered = list(enumerate(code_cells, start=1))
    code, cells = join([(number, texts[cell.document]) for number, cell in numbered])
    result = _lint(notebook_uri, code)
    by_cell: Dict[int, List[Diagnostic]] = {number: [] for number, _ in numbered}
    for diagnostic in result.diagnostics:
        placed = in_cell(diagnostic, cells)
        by_cell[placed.cell].append(placed)
    for number, cell in numbered:
        lines = texts[cell.document].splitlines()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=cell.document, diagnostics=[_lsp_diagnostic(lines, d) for d in by_cell[number]]
        ))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    forget(to_fs_path(params.text_document.uri) or params.text_document.uri)  # other files that import this one must read it again
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    forget(to_fs_path(params.text_document.uri) or params.text_document.uri)
    _publish(ls, params.text_document.uri)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
)
def code_actions(ls: LanguageServer, params: types.CodeActionParams) -> List[types.CodeAction]:
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    lines = document.source.splitlines()
    wanted = params.context.only
    actions: List[types.CodeAction] = []
    if not wanted or types.CodeActionKind.QuickFix in wanted:
        requested = {(d.code, d.range.start.line, d.range.start.character) for d in params.context.diagnostics}
        for diagnostic in _lint(uri, document.source).diagnostics:
            lsp = _lsp_diagnostic(lines, diagnostic)
            if diagnostic.fix is None or (requested and (lsp.code, lsp.range.start.line, lsp.range.start.character) not in requested):
                continue
            safe = diagnostic.fix.applicability is Applicability.SAFE
            edits = [types.TextEdit(range=_range(lines, e.location, e.end_location), new_text=e.content) for e in diagnostic.fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"{diagnostic.fix.message}{'' if safe else ' (unsafe)'}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp],
                    is_preferred=safe,
                    edit=types.WorkspaceEdit(changes={uri: edits}),
                )
            )
    if not wanted or FIX_ALL in wanted or types.CodeActionKind.SourceFixAll in wanted:
        fixed = _lint(uri, document.source, fix=True).fixed
        if fixed is not None:
            end = types.Position(line=len(lines), character=0)
            edit = types.TextEdit(range=types.Range(types.Position(0, 0), end), new_text=fixed.decode("utf-8"))
            actions.append(
                types.CodeAction(
                    title="Fix all safe torchlint findings",
                    kind=FIX_ALL,
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                )
            )
    return actions


def main() -> int:
    server.start_io()
    return 0
