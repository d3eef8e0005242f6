"""Which rewrites are safe, unsafe or withheld, as CodemodTest-style before/after pairs."""
import textwrap

import pytest

from torchlint import Applicability, fix_source, lint_source
from torchlint.settings import Settings

HEADER = "import torch\nimport torch.nn as nn\n\n"


def _class(body: str, base: str = "nn.Module", extra: str = "") -> str:
    return HEADER + f"class A({base}):\n    def __init__(self):\n        super().__init__()\n" + textwrap.indent(
        textwrap.dedent(body).strip() + "\n", " " * 8
    ) + extra


def _only(source: str):
    (diagnostic,) = lint_source(source)
    return diagnostic


CASES = {
    # name: (body, extra methods, expected applicability or None for no fix, reason fragment)
    "list-safe": ("self.x = [nn.Linear(1, 1)]", "", Applicability.SAFE, ""),
    "tuple-unsafe": ("self.x = (nn.Linear(1, 1),)", "", Applicability.UNSAFE, "tuple"),
    "repeated-unsafe": ("self.x = [nn.Linear(1, 1)] * 3", "", Applicability.UNSAFE, "repeats one module"),
    "dynamic-keys-unsafe": ("self.x = {}\nfor k in 'ab':\n    self.x[k] = nn.Linear(1, 1)", "", Applicability.UNSAFE, "not known statically"),
    "parameter-dict-unsafe": ("self.x = {'a': nn.Parameter(torch.ones(1))}", "", Applicability.UNSAFE, "alphabetically"),
    "isinstance-unsafe": ("self.x = [nn.Linear(1, 1)]\nassert isinstance(self.x, list)", "", Applicability.UNSAFE, "isinstance"),
    "compare-unsafe": ("self.x = [nn.Linear(1, 1)]\nself.same = self.x == []", "", Applicability.UNSAFE, "=="),
    "right-add-none": ("self.x = [nn.Linear(1, 1)]\nself.y = [nn.ReLU()] + self.x", "", None, "... + self.x fails"),
    "left-add-safe": ("self.x = [nn.Linear(1, 1)]\nself.y = self.x + [nn.ReLU()]", "", Applicability.SAFE, ""),
    "dotted-key-none": ("self.x = {'a.b': nn.Linear(1, 1)}", "", None, "'a.b'"),
    "empty-key-none": ("self.x = {'': nn.Linear(1, 1)}", "", None, "''"),
    "reserved-key-none": ("self.x = {'to': nn.Linear(1, 1)}", "", None, "'to'"),
    "int-key-none": ("self.x = {1: nn.Linear(1, 1)}", "", None, "other than str"),
    "dict-get-none": ("self.x = {'a': nn.Linear(1, 1)}", "    def f(self):\n        return self.x.get('a')\n", None, ".get()"),
    "dict-setdefault-none": ("self.x = {}\nself.x.setdefault('a', nn.Linear(1, 1))", "", None, "setdefault"),
    "list-index-none": ("self.x = [nn.Linear(1, 1)]", "    def f(self, m):\n        return self.x.index(m)\n", None, ".index()"),
    "list-sort-none": ("self.x = [nn.Linear(1, 1)]\nself.x.sort(key=id)", "", None, ".sort()"),
    "parameter-list-insert-none": ("self.x = []\nself.x.insert(0, nn.Parameter(torch.ones(1)))", "", None, "insert"),
    "module-attribute-name-none": ("self.modules_ = 1\nself.children = [nn.Linear(1, 1)]", "", None, "shadowed"),
    "reassigned-none": ("self.x = [nn.Linear(1, 1)]", "    def reset(self):\n        self.x = None\n", None, "not a plain container"),
    "unknown-element-none": ("self.x = [nn.Linear(1, 1), make()]", "", None, "provably"),
    "children-iteration-none": ("self.x = [nn.Linear(1, 1)]", "    def forward(self, v):\n        for c in self.children():\n            v = c(v)\n        return v\n", None, "iterates its own children"),
    "local-filled-after-store-none": ("layers = []\nself.x = layers\nlayers.append(nn.Linear(1, 1))", "", None, "filled after the store"),
    # Issue examples: each decided by tests/torch_derivations.py running the operation in torch.
    "dict-reversed-none": ("self.x = {'a': nn.Linear(1, 1)}\nself.order = list(reversed(self.x))", "", None, "reversed(self.x) fails"),
    "slice-assign-none": ("self.x = [nn.Linear(1, 1)]\nself.x[-1:] = [nn.Linear(4, 2)]", "", None, "self.x[a:b] = ... fails"),
    "insert-negative-none": ("self.x = [nn.Linear(1, 1)]\nself.x.insert(-1, nn.Linear(1, 1))", "", None, "insert(...) fails"),
    "insert-beyond-none": ("self.x = [nn.Linear(1, 1)]\nself.x.insert(5, nn.Linear(1, 1))", "", None, "insert(...) fails"),
    "insert-front-safe": ("self.x = [nn.Linear(1, 1)]\nself.x.insert(0, nn.Linear(1, 1))", "", Applicability.SAFE, ""),
    "pop-without-index-none": ("self.x = [nn.Linear(1, 1)]", "    def f(self):\n        return self.x.pop()\n", None, "pop(...) fails"),
    "pop-negative-safe": ("self.x = [nn.Linear(1, 1)]", "    def f(self):\n        return self.x.pop(-1)\n", Applicability.SAFE, ""),
    "printed-unsafe": ("self.x = [nn.Linear(1, 1)]\nprint(self.x)", "", Applicability.UNSAFE, "print(self.x) behaves differently"),
    "reversed-list-safe": ("self.x = [nn.Linear(1, 1)]", "    def f(self, v):\n        for m in reversed(self.x):\n            v = m(v)\n        return v\n", Applicability.SAFE, ""),
    "slice-read-safe": ("self.x = [nn.Linear(1, 1)]", "    def f(self, v):\n        for m in self.x[:-1]:\n            v = m(v)\n        return v\n", Applicability.SAFE, ""),
    "unknown-operator-unsafe": ("self.x = [nn.Linear(1, 1)]", "    def f(self, v):\n        return self.x @ v\n", Applicability.UNSAFE, "does not know"),
    "item-reassigned-safe": ("self.x = [nn.Linear(1, 1)]\nself.x[0] = self.x[0].to(torch.float64)", "", Applicability.SAFE, ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_applicability(name):
    body, extra, applicability, reason = CASES[name]
    diagnostic = _only(_class(body, extra=extra))
    if applicability is None:
        assert diagnostic.fix is None
    else:
        assert diagnostic.fix is not None and diagnostic.fix.applicability is applicability
    assert reason in (diagnostic.fix_note or "")


def test_sequential_subclass_gets_no_fix():
    diagnostic = _only(_class("self.x = [nn.Linear(1, 1)]", base="nn.Sequential"))
    assert diagnostic.fix is None and "children" in diagnostic.fix_note


def test_unsafe_fix_needs_unsafe_fixes():
    source = _class("self.x = (nn.Linear(1, 1), nn.Linear(1, 1))")
    assert fix_source(source) == source
    assert "self.x = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])" in fix_source(source, settings=Settings(unsafe_fixes=True))


def test_noqa_lines_are_never_rewritten():
    source = _class("self.x = [nn.Linear(1, 1)]  # noqa: TL001")
    assert fix_source(source) == source


BEFORE_AFTER = [
    ("self.x = a, b = [nn.Linear(1, 1)], 2", None),  # multiple targets: not a store of a container on self.x alone
    ("self.x: list = [nn.Linear(1, 1)]", "self.x: nn.ModuleList = nn.ModuleList([nn.Linear(1, 1)])"),
    ("self.x = list(nn.Linear(1, 1) for _ in range(2))", "self.x = nn.ModuleList(nn.Linear(1, 1) for _ in range(2))"),
    ("self.x = dict(a=nn.Linear(1, 1))", "self.x = nn.ModuleDict(dict(a=nn.Linear(1, 1)))"),
    ("self.x = ()\nself.x += (nn.Linear(1, 1),)", None),
    ("self.x = [\n    nn.Linear(1, 1),  # first\n    nn.Linear(1, 1),\n]", "self.x = nn.ModuleList([\n    nn.Linear(1, 1),  # first\n    nn.Linear(1, 1),\n])"),
    ("self.x = ([nn.Linear(1, 1)])", "self.x = (nn.ModuleList([nn.Linear(1, 1)]))"),
    ("self.x = (\n    nn.Linear(1, 1),\n    nn.Linear(1, 1),\n)", "self.x = nn.ModuleList([\n    nn.Linear(1, 1),\n    nn.Linear(1, 1),\n])"),
    ("self.x = nn.Linear(1, 1), nn.Linear(1, 1)", "self.x = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1)])"),
    ("self.x, self.y = [nn.Linear(1, 1)], [nn.Linear(1, 1)]",
     "self.x, self.y = nn.ModuleList([nn.Linear(1, 1)]), nn.ModuleList([nn.Linear(1, 1)])"),
    ("self.x = self.y = [nn.Linear(1, 1)]", None),  # one list under two names: reported, never rewritten
    ("self.x = (layers := [nn.Linear(1, 1)])", "self.x = (nn.ModuleList(layers := [nn.Linear(1, 1)]))"),
]


def test_chained_assignment_is_reported_without_breaking_other_fixes():
    source = _class("self.a = self.b = [nn.Linear(1, 1)]\nself.c = [nn.Linear(1, 1)]")
    diagnostics = lint_source(source)
    assert [(d.location.row, d.fix is None) for d in diagnostics] == [(7, True), (7, True), (8, False)]
    assert all("chained assignment" in d.fix_note for d in diagnostics[:2])
    fixed = fix_source(source)
    assert "self.c = nn.ModuleList([nn.Linear(1, 1)])" in fixed
    assert "self.a = self.b = [nn.Linear(1, 1)]" in fixed


SHADOWED_NN = [
    # (source, the spelling the fix must use)
    ("import torch\nimport torch.nn as nn\n\nclass A(nn.Module):\n    def __init__(self, nn=None):\n"
     "        super().__init__()\n        self.x = [torch.nn.Linear(1, 1)]\n", "torch.nn.ModuleList("),
    ("import torch\nfrom torch import nn\n\nclass A(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
     "        nn = 3\n        self.x = [torch.nn.Linear(1, 1)]\n", "torch.nn.ModuleList("),
    ("import torch\nfrom torch import nn\nnn = None\n\nclass A(torch.nn.Module):\n    def __init__(self):\n"
     "        super().__init__()\n        self.x = [torch.nn.Linear(1, 1)]\n", "torch.nn.ModuleList("),
]


@pytest.mark.parametrize("source,spelling", SHADOWED_NN)
def test_fix_spells_torch_nn_with_a_name_that_is_not_shadowed(source, spelling):
    fixed = fix_source(source)
    assert spelling in fixed
    assert "= nn.ModuleList" not in fixed
    compile(fixed, "<fixed>", "exec")


@pytest.mark.parametrize("before,after", BEFORE_AFTER)
def test_rewrites(before, after):
    source = _class(before)
    fixed = fix_source(source, settings=Settings(unsafe_fixes=True))
    if after is None:
        compile(fixed, "<fixed>", "exec")
    else:
        assert fixed == _class(after)
