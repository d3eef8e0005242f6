"""The engine: byte-exact rewrites, the project-wide index, the scan, a light import."""
import subprocess
import sys

import pytest

from torchlint import fix_source, lint_source
from torchlint.files import discover
from torchlint.runner import run
from torchlint.byte_skip import may_hold_module_classes
from torchlint.settings import Settings
from tests.fixture_cases import FIXTURES

MODEL = (
    "import torch.nn as nn\n\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.layers = [nn.Linear(1, 1)]  # a comment\n"
)


@pytest.mark.parametrize(
    "transform",
    [
        lambda s: s.replace("\n", "\r\n"),
        lambda s: "\ufeff" + s,
        lambda s: s.replace("        ", "\t\t").replace("    ", "\t"),
        lambda s: s.replace("\n", "\r\n", 3),
        lambda s: "# -*- coding: latin-1 -*-\n# caf\xe9\n" + s,
    ],
    ids=["crlf", "bom", "tabs", "mixed-line-endings", "latin-1"],
)
def test_fix_changes_only_the_rewritten_expression(transform):
    source = transform(MODEL)
    encoding = "latin-1" if "latin-1" in source else "utf-8"
    data = source.encode(encoding)
    fixed = fix_source(data)
    expected = data.replace(b"[nn.Linear(1, 1)]", b"nn.ModuleList([nn.Linear(1, 1)])")
    assert fixed == expected


def test_public_api_reports_one_diagnostic_per_attribute():
    source = MODEL + "        self.layers.append(nn.Linear(1, 1))\n        self.layers += [nn.Linear(1, 1)]\n"
    (diagnostic,) = lint_source(source, "model.py")
    assert (diagnostic.code, diagnostic.location.row, diagnostic.location.column) == ("TL001", 7, 9)
    assert diagnostic.filename == "model.py"


def test_other_files_of_the_run_are_indexed(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text("import torch.nn as nn\n\nclass Base(nn.Module):\n    pass\n")
    (package / "blocks.py").write_text(
        "from torch import nn\nfrom .base import Base\n\nclass Block(Base):\n    def __init__(self):\n"
        "        super().__init__()\n        self.proj = nn.Linear(2, 2)\n\nclass Gate(Base):\n    pass\n"
    )
    (package / "model.py").write_text(
        "import torch\nfrom pkg.blocks import Block\nfrom .base import Base\n\n"
        "class Model(Base):\n    def __init__(self):\n        super().__init__()\n        self.blocks = [Block()]\n"
        "        self.gates = [Gate()]  # owns nothing: not reported by default\n"
    )
    together = run(discover([str(package)]), Settings())
    assert [(d.code, d.location.row) for d in together.diagnostics] == [("TL001", 8)]
    alone = run(discover([str(package / "model.py")]), Settings(), neighbours=True)
    assert alone.diagnostics == together.diagnostics, "a single file reads what it imports from disk"


def test_module_bases_and_factories_from_settings():
    source = (
        "import torch\nfrom mmengine.model import BaseModule\nimport timm\n\n"
        "class A(BaseModule):\n    def __init__(self):\n        super().__init__()\n"
        "        self.backbones = [timm.create_model('resnet18')]\n"
    )
    assert lint_source(source) == []
    settings = Settings(module_bases=("mmengine.model.BaseModule",), module_factories=("timm.create_model",))
    assert [d.code for d in lint_source(source, settings=settings)] == ["TL001"]


@pytest.mark.parametrize(
    "settings", [Settings(), Settings(select=("TL", "TL007", "TL008"))], ids=["default", "opt-in"]
)
def test_the_scan_changes_no_finding(monkeypatch, settings):
    """Checking only the files the scan lets through finds what checking every file finds."""
    paths = discover([str(FIXTURES)])
    scanned = run(paths, settings).diagnostics
    monkeypatch.setattr("torchlint.scan.may_hold_module_classes", lambda *args: True)
    monkeypatch.setattr(
        "torchlint.analysis.module_file.classes_that_may_hold_findings", lambda file, *args: file.classes()
    )
    unscanned = run(paths, settings, jobs=1).diagnostics
    assert scanned == unscanned
    assert scanned


@pytest.mark.parametrize(
    "settings", [Settings(), Settings(select=("TL", "TL007", "TL008"))], ids=["default", "opt-in"]
)
def test_a_check_without_the_lines_it_can_skip_finds_and_fixes_the_same(monkeypatch, settings):
    """In a worker a check parses its file without the classes and functions it can do without
    (analysis/check_scope.py); in the process that scanned it, it reuses the scan's whole read."""
    paths = discover([str(FIXTURES)])
    whole = run(paths, settings, fix=True, jobs=1)
    import torchlint.engine as engine
    from dataclasses import replace

    partial_reads = []

    def as_in_a_worker(data, scan, tree=None):
        read = original(data, replace(scan, read=None), tree)
        partial_reads.append(bool(scan.skippable))
        return read

    original = engine.read_for_check
    monkeypatch.setattr(engine, "read_for_check", as_in_a_worker)
    partial = run(paths, settings, fix=True, jobs=1)
    assert partial.diagnostics == whole.diagnostics
    assert partial.changed == whole.changed
    assert sum(partial_reads) > 20, "most fixture checks leave something out"


@pytest.mark.parametrize(
    "source, may_hold",
    [
        (b"import torch\nclass A(torch.nn.Module): pass\n", True),
        (b"import torch\nclass \\\n  A \\\n  (torch.nn.Module): pass\n", True),
        ("import torch\nclass \u00e9t\u00e9(torch.nn.Module): pass\n".encode(), True),
        (b"import torch\nclass A[T: int](torch.nn.Module): pass\n", True),
        (b"import torch\nclass A:\n    x = torch.zeros(1)\n", False),  # no base: no module class
        (b"import torch\nlayers = [torch.nn.Linear(1, 1)]\n", False),
        (b"class A(Base): pass\n", False),  # names nothing torch (nor a base the settings or the run know)
    ],
)
def test_the_byte_skip_needs_a_class_with_a_base_list_and_torch(source, may_hold):
    assert may_hold_module_classes(source, Settings()) is may_hold
    assert may_hold_module_classes(b"class A(Base): pass\n", Settings(), frozenset(("pkg.Base",)))


def test_parallel_run_matches_serial_run():
    paths = discover([str(FIXTURES)]) * 3
    assert run(paths, Settings(), jobs=2).diagnostics == run(paths[:0] + paths, Settings(), jobs=1).diagnostics


def test_import_is_light():
    code = "import sys, torchlint; print(sorted(m for m in ('libcst', 'torch') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
