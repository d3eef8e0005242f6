"""`torchlint server`, driven by a real LSP client over stdio (pytest-lsp)."""
import sys

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from tests.fixture_cases import FIXTURES  # noqa: E402

BUGGY = (FIXTURES / "positive" / "import_aliases.py").read_text()
URI = "file:///tmp/torchlint-lsp-test/model.py"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "torchlint", "server"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=client_capabilities("visual-studio-code")))
    yield
    await lsp_client.shutdown_session()


def _apply(text: str, edits) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(position):
        return offsets[min(position.line, len(lines))] + position.character

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


async def _open(client: LanguageClient, text: str):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=URI, language_id="python", version=1, text=text))
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[URI]


async def _change(client: LanguageClient, text: str, version: int):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return client.diagnostics[URI]


async def test_diagnostics_quick_fixes_and_a_clean_result(client: LanguageClient):
    diagnostics = await _open(client, BUGGY)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in diagnostics] == [
        ("TL001", 11, 8), ("TL002", 12, 8), ("TL001", 13, 8)
    ]
    assert all(d.source == "torchlint" for d in diagnostics)

    text, version = BUGGY, 1
    for _ in range(3):
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                range=diagnostics[0].range,
                context=types.CodeActionContext(diagnostics=[diagnostics[0]], only=[types.CodeActionKind.QuickFix]),
            )
        )
        (action,) = actions
        assert action.kind == types.CodeActionKind.QuickFix and action.is_preferred
        text, version = _apply(text, action.edit.changes[URI]), version + 1
        diagnostics = await _change(client, text, version)
    assert list(diagnostics) == []
    assert text == (FIXTURES / "positive" / "import_aliases.fixed.py").read_text()


async def test_fix_all_source_action_and_unsafe_labels(client: LanguageClient):
    pair = (FIXTURES / "positive" / "tuple_of_modules.py").read_text()
    diagnostics = await _open(client, BUGGY + pair.split('"""', 2)[2])
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    titles = [a.title for a in actions]
    assert "Wrap self.stages in nn.ModuleList (unsafe)" in titles
    (fix_all,) = [a for a in actions if a.kind == "source.fixAll.torchlint"]
    fixed = fix_all.edit.changes[URI][0].new_text
    remaining = await _change(client, fixed, 2)
    assert [d.code for d in remaining] == ["TL003"], "only the unsafe fix is left for the user to choose"


NOTEBOOK_URI = "file:///tmp/torchlint-lsp-test/model.ipynb"
NOTEBOOK_CELLS = [
    "import torch.nn as nn\n%matplotlib inline",
    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.layers = [nn.Linear(2, 2)]\n",
]


async def test_notebook_cells_get_their_own_diagnostics(client: LanguageClient):
    cell_uris = [f"vscode-notebook-cell:/tmp/torchlint-lsp-test/model.ipynb#cell{i}" for i in range(len(NOTEBOOK_CELLS))]
    client.notebook_document_did_open(
        types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=NOTEBOOK_URI, notebook_type="jupyter-notebook", version=1,
                cells=[types.NotebookCell(kind=types.NotebookCellKind.Code, document=uri) for uri in cell_uris],
            ),
            cell_text_documents=[
                types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
                for uri, text in zip(cell_uris, NOTEBOOK_CELLS)
            ],
        )
    )
    while cell_uris[1] not in client.diagnostics:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (finding,) = client.diagnostics[cell_uris[1]]
    assert (finding.code, finding.range.start.line, finding.range.start.character) == ("TL001", 3, 8)
    assert list(client.diagnostics.get(cell_uris[0], [])) == []
