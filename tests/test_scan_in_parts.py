"""A big file read a part at a time says exactly what the scan of the whole file says (scan_in_parts.py):
on every fixture, rule example and generated module, cut before every class and function, with the
real guess of the names the file binds and with wrong guesses. Findings and fixes are the same when
every file is read in parts. The corpus version is `scripts/corpus_check.py --compare-parts`."""
import ast
import textwrap
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import torchlint.scan
import torchlint.scan_in_parts as parts
from torchlint.analysis.imports import ImportMap
from torchlint.analysis.source_lines import spelt_names
from torchlint.engine import SourceFile, fix_source, lint_source
from torchlint.neighbours import check_single_file
from torchlint.rules import all_rules
from torchlint.scan_in_parts import differences_from_whole, scan_in_parts
from torchlint.settings import Settings
from tests.test_fuzz import modules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXAMPLES = [textwrap.dedent(code) for rule in all_rules() for code in (*rule.valid, *(e.code for e in rule.invalid))]
TENSOR_RULES = Settings(select=("TL", "TL007", "TL008"))  # the opt-in rules too
SHAPES = {
    "a name imported below the class that uses it": (
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.blocks = [Block(), Block()]\n\n\nclass Other(nn.Module):\n    pass\n\n\n"
        "from .blocks import Block\n"
    ),
    "a class defined below the class that uses it": (
        "import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.blocks = [Block(), Block()]\n\n\nclass Block(nn.Module):\n    pass\n"
    ),
    "a name rebound further down": (
        "import torch.nn as nn\nimport torch\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.layers = [nn.Linear(1, 1)]\n\n\nclass Late(torch.nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.layers = [nn.Linear(1, 1)]\n\n\n"
        "nn = None\nfrom fake import list\n"
    ),
    "the name spelt in other characters (NFKC)": (
        "import torch.nn as nn\n\n\nclass A(nn.Module):\n    pass\n\n\nclass B(\uff4e\uff4e.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.l = [\uff4e\uff4e.Linear(1, 1)]\n"
    ),
    "a class line at column 0 inside a string": (
        'import torch.nn as nn\n\n\nclass A(nn.Module):\n    """\nclass Fake(nn.Module):\n"""\n\n'
        "    def __init__(self):\n        super().__init__()\n        self.l = [nn.Linear(1, 1)]\n\n\n"
        'DOC = """\n@decorated\n"""\n\n\nclass B(nn.Module):\n    pass\n'
    ),
    "decorators, and imports in blocks": (
        "import torch.nn as nn\ntry:\n    from apex import FusedLayerNorm as Norm\nexcept ImportError:\n"
        "    Norm = nn.LayerNorm\n\n\n@register\n@other(\n    1,\n)\nclass A(nn.Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.l = [Norm(3), helper()]\n\n\n"
        "def helper():\n    return nn.ReLU()\n\n\nif True:\n    class B(A):\n        pass\n"
        "async def run():\n    pass\n"
    ),
    "tensors the tensor rules judge": (
        "import torch\nimport torch.nn as nn\n\n\nclass A(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.w = torch.randn(3, requires_grad=True)\n        self.m = torch.zeros(3)\n"
        "\n\nclass B(nn.Module):\n    pass\n"
    ),
}
SOURCES = (
    [pytest.param(p.read_text(encoding="utf-8"), id=str(p.relative_to(FIXTURES))) for p in sorted(FIXTURES.rglob("*.py"))]
    + [pytest.param(code, id=f"example {index}") for index, code in enumerate(EXAMPLES)]
    + [pytest.param(code, id=name) for name, code in SHAPES.items()]
)


def _nothing(data, module_name, package):
    return ImportMap({}, module_name, package=package)


def _everything_elsewhere(data, module_name, package):
    names = {word: f"elsewhere.{word}" for word in spelt_names(data)}
    return ImportMap(names, module_name, star_imports_torch_nn=True, package=package)


GUESSES = {"the guess": None, "a guess of nothing": _nothing, "a guess that binds every word": _everything_elsewhere}


def _same(source: str, monkeypatch, guess: str, part_bytes: int = 1, checked: Settings = TENSOR_RULES):
    if GUESSES[guess] is not None:
        monkeypatch.setattr(parts, "_guessed_names", GUESSES[guess])
    found = differences_from_whole(source.encode("utf-8"), checked, "pkg.model", "pkg", part_bytes)
    assert not found, "\n".join(found)
    return found


@pytest.mark.parametrize("guess", GUESSES)
@pytest.mark.parametrize("source", SOURCES)
def test_parts_say_what_the_whole_file_says(source, guess, monkeypatch):
    _same(source, monkeypatch, guess)


@pytest.mark.parametrize("guess", GUESSES)
def test_most_sources_are_cut(guess, monkeypatch):
    """The comparison above is not vacuous: most sources are read in more than one part."""
    compared = [_same(p.values[0], monkeypatch, guess) for p in SOURCES]
    assert sum(found is not None for found in compared) > 0.8 * len(compared)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_shapes_are_cut_and_analysed(name):
    assert differences_from_whole(SHAPES[name].encode(), TENSOR_RULES, "pkg.model", "pkg", 1) == []


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(modules())
def test_parts_say_what_the_whole_file_says_on_generated_modules(source):
    for guess in GUESSES:
        with pytest.MonkeyPatch.context() as monkeypatch:
            _same(source + SHAPES["a name rebound further down"], monkeypatch, guess)


@pytest.mark.parametrize("source", [
    pytest.param(b"import torch.nn as nn\r" + b"class A(nn.Module):\r    pass\r" * 50, id="line ends that are a lone CR"),
    pytest.param(b"\xef\xbb\xbfimport torch.nn as nn\n" + b"class A(nn.Module):\n    pass\n" * 50, id="a BOM"),
    pytest.param(b"# coding: latin-1\nimport torch.nn as nn\n" + b"class A(nn.Module):\n    pass\n" * 50, id="latin-1"),
    pytest.param(b"from __future__ import barry_as_FLUFL\nimport torch.nn as nn\n" + b"class A(nn.Module):\n    pass\n" * 50,
                 id="a grammar of its own"),
    pytest.param(b"import torch.nn as nn\n" + b"class A(nn.Module):\n    pass\n" * 50 + b"class B(:\n", id="a syntax error"),
    pytest.param(b"import torch.nn as nn\nclass A(nn.Module):\n    pass\n", id="too small"),
])
def test_files_read_whole(source):
    assert scan_in_parts(source, (True, True), "model", "", part_bytes=40) is None


def _big_model_file(classes: int) -> bytes:
    block = (
        "class Block{n}(nn.Module):\n    def __init__(self, width):\n        super().__init__()\n"
        "        self.norm = nn.LayerNorm(width)\n        self.mix = nn.Linear(width, width * 4)\n"
        "        self.out = nn.Linear(width * 4, width)\n\n    def forward(self, x):\n"
        "        return x + self.out(torch.relu(self.mix(self.norm(x))))\n\n\n"
    )
    holder = "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.blocks = [Block0(8)]\n"
    return ("import torch\nimport torch.nn as nn\n\n\n" + "".join(block.format(n=n) for n in range(classes)) + holder).encode()


def test_a_big_file_is_never_held_whole():
    data = _big_model_file(1000)
    part_bytes = len(data) // 16
    tracemalloc.start()
    try:
        ast.parse(data)
        _, whole_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        scan = scan_in_parts(data, (False, False), "model", "", part_bytes)
        _, parts_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert scan is not None and scan.needs_check
    assert parts_peak < whole_peak / 4, (parts_peak, whole_peak)


def _everything_said(path: Path):
    source = path.read_text(encoding="utf-8")
    return (lint_source(source), fix_source(source), fix_source(source, settings=Settings(unsafe_fixes=True)),
            check_single_file(SourceFile(path.read_bytes(), str(path)), Settings()))  # the language server's way


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_findings_and_fixes_are_the_same_when_every_file_is_read_in_parts(path, monkeypatch):
    expected = _everything_said(path)
    monkeypatch.setattr(torchlint.scan, "CUT_FROM", 0)
    monkeypatch.setattr(parts, "PART_BYTES", 1)
    assert _everything_said(path) == expected
