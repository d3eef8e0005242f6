"""Jupyter notebooks: cells as one module, positions per cell, magics masked, a broken cell reported
alone, and `--fix` that changes only the source of the cells it fixes."""
import json

import pytest

from tests.cli_runner import run_cli

nbformat = pytest.importorskip("nbformat")

CELLS = [
    ("markdown", "# A model"),
    ("code", "%matplotlib inline\nimport torch\nimport torch.nn as nn"),
    ("code", "class Block(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.proj = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return self.proj(x)"),
    ("code", "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
             "        self.blocks = [Block() for _ in range(2)]\n\n    def forward(self, x):\n"
             "        for block in self.blocks:\n            x = block(x)\n        return x"),
    ("code", "!pip list\nmodel = Net()\nmodel?"),
    ("code", "def broken(:\n    pass"),
]


@pytest.fixture
def notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    for kind, text in CELLS:
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text))
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="kept\n")]
    path = tmp_path / "model.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_positions_name_the_cell(notebook):
    result = run_cli([str(notebook)])
    assert f"{notebook}:cell 4:4:9: TL001 [*]" in result.stdout
    assert f"{notebook}:cell 6:1:12: TL900 cannot parse" in result.stdout, "only the broken cell is set aside"
    (finding, broken) = json.loads(run_cli(["--output-format", "json", str(notebook)]).stdout)
    assert (finding["cell"], finding["location"]) == (4, {"column": 9, "row": 4})
    assert broken["cell"] == 6
    sarif = json.loads(run_cli(["--output-format", "sarif", str(notebook)]).stdout)
    assert sarif["runs"][0]["results"][0]["locations"][0]["properties"] == {"cell": 4}


def test_fix_changes_only_the_fixed_cells_source(notebook):
    before = notebook.read_bytes()
    result = run_cli(["--fix", str(notebook)])
    assert "1 fixed" in result.stdout
    after = notebook.read_bytes()
    assert after == before.replace(b"[Block() for _ in range(2)]", b"nn.ModuleList([Block() for _ in range(2)])")
    nbformat.validate(nbformat.read(str(notebook), as_version=4))
    assert run_cli(["--fix", str(notebook)]).stdout.count("TL001") == 0, "a second --fix changes nothing"


def test_fixed_notebook_registers_every_parameter_cell_by_cell(notebook):
    torch = pytest.importorskip("torch")
    run_cli(["--fix", str(notebook)])
    namespace: dict = {}
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.cell_type != "code" or "broken" in cell.source:
            continue
        code = "\n".join(line for line in cell.source.splitlines() if not line.startswith(("%", "!")) and not line.endswith("?"))
        exec(code, namespace)
    model = namespace["model"]
    assert sum(p.numel() for p in model.parameters()) == 2 * (4 * 4 + 4)
    model(torch.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_folders_include_notebooks_unless_turned_off(notebook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "model.ipynb:cell 4" in run_cli(["."]).stdout
    (tmp_path / "pyproject.toml").write_text("[tool.torchlint]\nnotebooks = false\n")
    assert run_cli(["."]).stdout == "All checks passed!\n"


def test_diff_shows_the_notebook_change(notebook):
    result = run_cli(["--diff", str(notebook)])
    assert result.exit_code == 1 and "nn.ModuleList([Block() for _ in range(2)])" in result.stdout


def test_notebook_with_unusual_formatting_is_reported_not_rewritten(notebook):
    data = json.loads(notebook.read_text())
    odd = json.dumps(data, indent=3, sort_keys=True).replace('"cells"', '"cells" ')
    notebook.write_text(odd)
    result = run_cli(["--fix", str(notebook)])
    assert notebook.read_text() == odd
    assert "formatting cannot be kept" in result.stderr


def test_a_file_that_is_not_a_notebook(tmp_path):
    target = tmp_path / "broken.ipynb"
    target.write_text("{not json")
    result = run_cli([str(target)])
    assert "broken.ipynb:1:1: TL900 cannot read" in result.stdout and "Traceback" not in result.stderr
