"""A run on files that cannot hold a module class is answered from their bytes, the same as a full run."""
import ast

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from tests.cli_runner import main_in_a_fresh_interpreter, run_cli
from tests.fixture_cases import FIXTURES
from torchlint.analysis.ast_names import classes_beyond_builtins
from torchlint.byte_skip import holds_no_module_class
from torchlint.engine import lint_source
from torchlint.quick_answer import EMPTY_OUTPUT, answer
from torchlint.reporters import Summary, reporter

HELPERS = '''"""Configuration helpers."""
import json
from dataclasses import dataclass


@dataclass
class TrainConfig:
    epochs: int = 10


class Registry(dict):
    def register(self, name, value):
        self[name] = value


class ConfigError(ValueError):
    pass


def load(path):
    with open(path) as handle:
        return TrainConfig(**json.load(handle))
'''


@pytest.mark.parametrize(
    "source, expected",
    [
        (b"import os\n\ndef main():\n    return os.getcwd()\n", True),  # no class with a base list
        (b"class Config:\n    x = 1\n", True),
        (HELPERS.encode(), True),
        (b"import torch\n\nclass Table(dict):\n    pass\n", True),  # torch named, but no class can be a module
        (b"class Net(Base):\n    pass\n", False),  # Base may be a module class of another file
        (b"class Net(nn.Module):\n    pass\n", False),
        (b"class A(dict, metaclass=Meta):\n    pass\n", False),
        (b"class A(make_base()):\n    pass\n", False),
        (b"class A[T](dict):\n    pass\n", False),
        (b"from models import Net as dict\n\nclass A(dict):\n    pass\n", False),  # rebinds dict
        (b"dict = Net\n\nclass A(dict):\n    pass\n", False),
        (b"from models import *\n\nclass A(dict):\n    pass\n", False),  # may rebind dict
        (b"class A(dict):\n    x = '\xc3\xa9'\n", False),  # not ASCII: another spelling may normalise to dict
        (b"class A(dict):\n    def f(self:\n", False),  # a full run reports what it cannot parse
        (b"class A(dict)\n", False),
        (b"class A(  # dict)\n    nn.Module):\n    pass\n", False),  # the comment's `)` ends no base list
        (b"class A(dict, ')', nn.Module):\n    pass\n", False),  # nor does the string's
    ],
)
def test_what_cannot_hold_a_module_class(source, expected):
    assert holds_no_module_class(source) is expected


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_file_said_to_hold_no_module_class_has_no_finding(path):
    data = path.read_bytes()
    if holds_no_module_class(data):
        assert lint_source(data.decode("utf-8"), str(path)) == []


@pytest.mark.parametrize("output_format", sorted(EMPTY_OUTPUT))
@pytest.mark.parametrize("fix_mode, unsafe_fixes", [(False, False), (True, False), (True, True)])
def test_the_empty_outputs_are_the_reporters_own(output_format, fix_mode, unsafe_fixes):
    assert reporter(output_format)([], Summary(fix_mode=fix_mode, unsafe_fixes=unsafe_fixes)) == EMPTY_OUTPUT[output_format]


def _helpers(folder):
    (folder / "config.py").write_text(HELPERS)
    (folder / "paths.py").write_text("import os\n\nROOT = os.getcwd()\n")
    return [str(folder / "config.py"), str(folder / "paths.py")]


FLAGS = [[], ["--fix"], ["--fix", "--unsafe-fixes"], ["--diff"], ["--exit-zero", "--force-exclude"]]


@pytest.mark.parametrize("output_format", sorted(EMPTY_OUTPUT))
@pytest.mark.parametrize("flags", FLAGS, ids=" ".join)
def test_the_answer_is_the_full_runs(tmp_path, monkeypatch, output_format, flags):
    arguments = [*flags, "--output-format", output_format, *_helpers(tmp_path)]
    assert answer(["--no-cache", *arguments]) is not None
    quick = run_cli(arguments)
    monkeypatch.setattr("torchlint.quick_answer.answer", lambda arguments: None)
    assert run_cli(arguments) == quick


@pytest.mark.parametrize(
    "arguments",
    [
        [],  # the current folder
        ["--select", "TL001"],  # validated, and may name an unknown rule
        ["--statistics"],
        ["--output-format", "sarif"],
        ["--config", "pyproject.toml"],
        ["--no-such-flag"],
        ["--output-format=", "json"],  # an empty format, then a path named json
        ["--output", "json"],  # argparse takes abbreviations; the quick answer does not
    ],
    ids=" ".join,
)
def test_command_lines_it_leaves_to_the_full_run(tmp_path, arguments):
    assert answer([*arguments, *_helpers(tmp_path)] if arguments else []) is None


def test_files_it_leaves_to_the_full_run(tmp_path):
    files = _helpers(tmp_path)
    assert answer([str(tmp_path)]) is None  # a folder
    assert answer([*files, str(tmp_path / "missing.py")]) is None
    (tmp_path / "notes.ipynb").write_text("{}")
    assert answer([str(tmp_path / "notes.ipynb")]) is None
    (tmp_path / "model.py").write_text("from torch import nn\n\nclass Net(nn.Module):\n    pass\n")
    assert answer([*files, str(tmp_path / "model.py")]) is None
    (tmp_path / "utf16.py").write_bytes("x = 1\n".encode("utf-16"))
    assert answer([str(tmp_path / "utf16.py")]) is None


@pytest.mark.parametrize(
    "pyproject, configured",
    [
        ('[project]\nname = "helpers"\ndependencies = ["torchlint>=0.1", "torchlint[lsp]==0.1"]\n', False),
        ('[project.scripts]\ntorchlint = "helpers.cli:main"\n', False),  # a key, but not under [tool]
        ("[tool.torchlint]\nselect = ['TL001']\n", True),
        ("[tool]\ntorchlint = {select = ['TL001']}\n", True),
        ("tool.torchlint.select = ['TL001']\n", True),
        ("[tool.torchlint\n", True),  # broken: the full run reports it
    ],
)
def test_a_configuration_leaves_the_run_to_the_full_run(tmp_path, pyproject, configured):
    (tmp_path / "pyproject.toml").write_text(pyproject)
    assert (answer(_helpers(tmp_path)) is None) is configured


def test_the_answer_imports_neither_the_analysis_nor_dataclasses(tmp_path):
    arguments = ["--no-cache", *_helpers(tmp_path)]
    for watched in ("torchlint.scan", "dataclasses", "argparse"):
        printed, imported, code = main_in_a_fresh_interpreter("torchlint.cli", arguments, watched=watched)
        assert (printed, imported, code) == ("All checks passed!", False, 0)


BASE_PARTS = ["dict", "Exception", "object", "nn.Module", "Base", "  # dict)\n    ", "\n    ", "metaclass=type",
              "*bases", '")"', "dict.x", "(dict)", "\\\n    ", "[dict][0]", "dict | list", "list[int]"]
OTHER_LINES = ["", "dict = Base", "from models import Base as dict", "from m import *", "x = dict(a=1)",
               "# a comment naming Exception", "class Plain:\n    pass", "def f(self):\n    return 1",
               "def object(dict):\n    class Inner(dict):\n        pass", "try:\n    pass\nexcept Base as Exception:\n    pass"]


@st.composite
def class_statements(draw):
    lines = [draw(st.sampled_from(OTHER_LINES))]
    for index in range(draw(st.integers(1, 3))):
        bases = ", ".join(draw(st.lists(st.sampled_from(BASE_PARTS), min_size=1, max_size=3)))
        lines.append(f"class C{index}({bases}):\n    pass")
        lines.append(draw(st.sampled_from(OTHER_LINES)))
    return "\n\n".join(lines) + "\n"


@settings(max_examples=400, deadline=None)
@given(class_statements())
def test_a_file_said_to_hold_no_module_class_derives_only_from_builtins(source):
    if not holds_no_module_class(source.encode()):
        return
    tree = ast.parse(source)  # it parses: a file the full run cannot parse is never answered
    assert classes_beyond_builtins(tree) == []
