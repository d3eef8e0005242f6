"""The scan judges a class's stores on the facts of its storing methods alone (AstFile.storing_facts):
the classes that may hold a finding are exactly those the facts of every method give, on every fixture
and on generated classes whose stores, fills and helpers sit in any method."""
import ast
import textwrap
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from torchlint.analysis.imports import ImportMap
from torchlint.analysis.module_file import classes_that_may_hold_findings
from torchlint.analysis.read_ast import AstFile
from torchlint.analysis.storing_methods import setattr_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TENSOR_RULES = [(False, False), (True, True)]


def _holding(source: str, tensor_rules=(False, False), whole_classes: bool = False):
    data = source.encode("utf-8")
    file = AstFile(ast.parse(data), data)
    if whole_classes:  # the reference: every method read
        file.storing_facts = file.class_facts  # type: ignore[method-assign]
    imports = ImportMap.build(file.records, "pkg.model", "pkg")
    return [c.name for c in classes_that_may_hold_findings(file, imports, *tensor_rules)]


def _same_as_whole_classes(source: str) -> None:
    for tensor_rules in TENSOR_RULES:
        assert _holding(source, tensor_rules) == _holding(source, tensor_rules, whole_classes=True)


def _storing_facts(source: str, class_name: str):
    data = textwrap.dedent(source).encode()
    file = AstFile(ast.parse(data), data)
    imports = ImportMap.build(file.records, "pkg.model", "pkg")
    from torchlint.analysis.module_file import shadowed_builtins

    syntax = next(c for c in file.classes() if c.name == class_name)
    return file.storing_facts(syntax, shadowed_builtins(imports))


HEADER = "import torch\nimport torch.nn as nn\n\n\n"
# The class is no candidate, and its forward need not be read to say so.
PLAIN = HEADER + textwrap.dedent('''\
    class Transform(Base):
        def __init__(self, keys, prob=0.5):
            super().__init__()
            self.keys = keys
            self.prob = prob

        def forward(self, x):
            ys = [self.keys[0]]
            for k in self.keys:
                ys.append(nn.Linear(2, 2))
            return ys
''')


def test_the_methods_that_never_store_are_left_unread():
    facts = _storing_facts(PLAIN, "Transform")
    assert facts.unread == {"forward"}
    assert set(facts.methods) == {"__init__"}
    assert _holding(PLAIN) == []


def test_a_class_whose_methods_all_store_is_read_whole():
    source = HEADER + "class A(Base):\n    def __init__(self):\n        self.a = 1\n"
    assert not _storing_facts(source, "A").unread


@pytest.mark.parametrize("body", [
    # a store in another method than __init__
    "def build(self):\n    self.layers = [nn.Linear(2, 2)]",
    # a helper that stores nothing makes the container: the class is read whole
    "def __init__(self):\n    self.layers = self._make()\ndef _make(self):\n    return [nn.Linear(2, 2)]",
    "def __init__(self):\n    self.layers = list(self._make())\ndef _make(self):\n    return [nn.Linear(2, 2)]",
    "def __init__(self):\n    layers = []\n    layers.append(self._block())\n    self.layers = layers\n"
    "def _block(self):\n    return nn.Linear(2, 2)",
    # a literal setattr, in a method without any assignment
    "def build(self):\n    setattr(self, 'layers', [nn.Linear(2, 2)])",
    "def build(self):\n    [setattr(self, 'layers', [nn.Linear(2, 2)]) for _ in 'a']",
    # stores inside blocks and nested definitions of a method
    "def build(self, c):\n    if c:\n        pass\n    else:\n        for i in c:\n            with g():\n"
    "                try:\n                    pass\n                except E:\n                    self.layers = [nn.ReLU()]",
    "def build(self):\n    def inner():\n        self.layers = [nn.ReLU()]\n    inner()",
    "def build(self, x):\n    match x:\n        case 1:\n            self.layers = (nn.ReLU(), nn.ReLU())",
    "def build(self):\n    self.a, (self.layers, b) = 1, ([nn.ReLU()], 2)",
    "def build(self):\n    self.layers, = [[nn.ReLU()]]",
    "def build(self):\n    self.layers: list = [nn.ReLU()]",
    # the self of a method is its first parameter, whatever its name
    "def build(this):\n    this.layers = [nn.ReLU()]",
    # a property's setter stores; its getter does not
    "@property\ndef layers(self):\n    return self._layers\n@layers.setter\ndef layers(self, v):\n"
    "    self._layers = [nn.ReLU()]",
])
def test_a_store_anywhere_in_the_class_is_judged(body):
    source = HEADER + "class Net(Base):\n    def forward(self, x):\n        return x\n" + textwrap.indent(body, "    ") + "\n"
    assert _holding(source) == ["Net"]
    _same_as_whole_classes(source)


def test_a_tensor_a_tensor_rule_judges_is_found_in_a_storing_method():
    source = HEADER + "class Net(Base):\n    def reset(self):\n        self.w = torch.randn(3, requires_grad=True)\n" \
        "    def forward(self, x):\n        return x * self.w\n"
    assert _holding(source, (True, True)) == ["Net"]
    assert _holding(source, (False, False)) == []


def test_a_name_spelt_otherwise_reads_as_setattr():
    source = HEADER + "class Net(Base):\n    def forward(self, x):\n        return x\n" \
        "    def build(self):\n        ｓｅｔａｔｔｒ(self, 'layers', [nn.ReLU()])\n"
    assert _holding(source) == ["Net"]
    assert setattr_lines(source.encode()) == [source.count("\n")]
    assert setattr_lines("é = 1\nx = 2\n".encode()) == []
    assert setattr_lines(b"a = 1\nsetattr(o, 'n', 2)\n") == [2]


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixtures_hold_the_same_classes_as_whole_classes_say(path):
    source = path.read_text(encoding="utf-8")
    try:
        ast.parse(source)
    except SyntaxError:
        pytest.skip("CPython cannot parse it: libcst reads it")
    _same_as_whole_classes(source)


# Statements of generated classes: stores of every kind, fills, helpers, setattr, in any method.
STATEMENTS = [
    "self.{a} = [nn.Linear(2, 2)]", "self.{a} = []", "self.{a} = {{}}", "self.{a} = x", "self.{a} = 3",
    "self.{a} = self.{m}()", "self.{a} = list(self.{m}())", "self.{a} = [self.{m}()]", "self.{a} = layers",
    "self.{a} = torch.zeros(3)", "self.{a} = torch.ones(2, requires_grad=True)", "self.{a}.append(nn.ReLU())",
    "layers = [nn.ReLU()]", "layers = self.{m}()", "layers.append(self.{m}())", "return [nn.ReLU()]",
    "return nn.Linear(2, 2)", "return x", "setattr(self, '{a}', [nn.ReLU()])", "x = self.{a}[0]",
    "if x:\n    self.{a} = (nn.ReLU(), x)", "for i in x:\n    layers.append(nn.ReLU())",
    "def inner():\n    self.{a} = [nn.ReLU()]", "self.{a}, y = [nn.ReLU()], 1", "pass",
]
METHODS = ["__init__", "build", "forward", "_make", "_block"]


@st.composite
def classes(draw):
    lines = [HEADER.rstrip("\n"), "", "", "class Net(Base):"]
    for method in draw(st.lists(st.sampled_from(METHODS), min_size=1, max_size=4)):
        lines.append(f"    def {method}(self, x=None):")
        lines.append("        layers = []")
        for _ in range(draw(st.integers(1, 4))):
            statement = draw(st.sampled_from(STATEMENTS)).format(a=draw(st.sampled_from("abc")),
                                                                 m=draw(st.sampled_from(METHODS)))
            lines.append(textwrap.indent(statement, " " * 8))
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(classes())
def test_generated_classes_hold_the_same_classes_as_whole_classes_say(source):
    _same_as_whole_classes(source)
