"""Every door sees the module classes a file imports from the project's other files: the CLI on the
whole folder, the CLI and pre-commit on one file, flake8, and the language server."""
import subprocess
import sys

import pytest

from tests.cli_runner import run_cli

PACKAGE = {
    "__init__.py": "",
    "base.py": "import torch.nn as nn\n\n\nclass Base(nn.Module):\n    pass\n",
    # two imports away from model.py: Block <- layers.Block <- base.Base
    "layers.py": (
        "from torch import nn\nfrom .base import Base\n\n\nclass Block(Base):\n    def __init__(self):\n"
        "        super().__init__()\n        self.proj = nn.Linear(2, 2)\n"
    ),
    "blocks.py": "from .layers import Block\nfrom . import cycle_b\n",
    # a cycle between two files
    "cycle_a.py": "from .cycle_b import Other\nfrom .base import Base\n\n\nclass Gate(Base):\n    def __init__(self):\n"
                  "        super().__init__()\n        self.inner = Other()\n",
    "cycle_b.py": "from .cycle_a import Gate\nimport torch.nn as nn\n\n\nclass Other(nn.Module):\n    def __init__(self):\n"
                  "        super().__init__()\n        self.w = nn.Linear(2, 2)\n",
    "model.py": (
        "from .blocks import Block\nfrom . import layers as L\nfrom .base import Base\nfrom .cycle_a import Gate\n"
        "from .missing import Ghost\n\n\nclass Net(Base):\n    def __init__(self):\n        super().__init__()\n"
        "        self.blocks = [Block() for _ in range(2)]\n        self.aliased = [L.Block()]\n"
        "        self.gates = [Gate()]\n        self.ghosts = [Ghost()]\n"
    ),
}
EXPECTED = [(11, "TL001"), (12, "TL001"), (13, "TL001")]  # Ghost's file is missing: nothing is proven


@pytest.fixture
def package(tmp_path):
    root = tmp_path / "pkg"
    root.mkdir()
    for name, text in PACKAGE.items():
        (root / name).write_text(text)
    return root


def _cli(paths):
    result = run_cli(["--output-format", "concise", *map(str, paths)])
    return sorted((int(line.split(":")[1]), line.split(" ")[1]) for line in result.stdout.splitlines()
                  if "model.py" in line)


def test_cli_on_the_folder_and_on_the_single_file_agree(package):
    assert _cli([package]) == EXPECTED
    assert _cli([package / "model.py"]) == EXPECTED


def test_flake8_agrees_with_the_cli(package):
    pytest.importorskip("flake8")
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "TL", str(package / "model.py")],
                            capture_output=True, text=True)
    found = sorted((int(line.split(":")[1]), line.split(" ")[1]) for line in result.stdout.splitlines())
    assert found == EXPECTED


def test_language_server_agrees_with_the_cli(package):
    pytest.importorskip("pygls")
    from torchlint.lsp_server import _lint

    path = package / "model.py"
    result = _lint(path.as_uri(), path.read_text())
    assert sorted((d.location.row, d.code) for d in result.diagnostics) == EXPECTED


def test_a_module_imported_by_two_files_is_read_once(package, monkeypatch):
    from torchlint import neighbours

    neighbours._SCANS.clear()
    calls = []
    import torchlint.scan as scan

    original = scan.file_records

    def counting(data, module_name, *args, **kwargs):
        calls.append(module_name)
        return original(data, module_name, *args, **kwargs)

    monkeypatch.setattr(scan, "file_records", counting)
    (package / "second.py").write_text("from .layers import Block\nfrom .base import Base\n\n\nclass S(Base):\n"
                                       "    def __init__(self):\n        super().__init__()\n        self.b = [Block()]\n")
    from torchlint.engine import SourceFile
    from torchlint.neighbours import check_single_file
    from torchlint.settings import Settings

    for name in ("model.py", "second.py"):
        path = package / name
        check_single_file(SourceFile(path.read_bytes(), str(path), f"pkg.{name[:-3]}", "pkg"), Settings())
    assert calls.count("pkg.layers") == 1, calls
