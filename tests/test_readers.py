"""The `ast` reader records exactly what the libcst reader records (spans included): on every fixture,
rule example and generated program. The corpus version is `scripts/corpus_check.py --compare-readers`."""
import textwrap
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from torchlint.analysis.compare_readers import differences
from torchlint.rules import all_rules
from tests.test_fuzz import SYNTAX, modules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
EXAMPLES = [code for rule in all_rules() for code in (*rule.valid, *(e.code for e in rule.invalid))]
# Shapes whose order or spelling differs between the two parsers' trees, read the same way.
SHAPES = [
    "class N(nn.Module):\n    def __init__(self, *a, k=1, **kw):\n        super().__init__()\n"
    "        self.x = f(k=g(), *h(), **i())\n        self.d = {a: b, **c, 'k': m()}\n"
    "        del self.x[0], self.x[1:2]\n        self.y[a, b:c] = v\n        self.z[(a, b)] = w\n"
    "        self.s = [x async for x in y if x]\n        self.t = a or b or c and d\n"
    "        self.u = f'{self.a}' 'b' \"c\"\n        self.w = -1, +2, not x, ~y\n"
    "        for i, *rest in self.items: pass\n        with open(p) as f, g: pass\n"
    "        @decorator(self.q.append(m))\n        def inner(a=self.r.append(n)): pass\n"
    "        setattr(self, 'e', [nn.Linear(1, 1)])\n        self.f: List[nn.Module] = []\n"
    "        x = (y := [nn.ReLU()])\n        self.g *= 2\n        self.h += [m]\n"
    "        if self.l == [] and self.l is not None: pass\n        return self.k[::2]\n",
    "\n...\nimport os\n",  # a constant first, but no docstring
    # found by `scripts/corpus_check.py --research --compare-readers`:
    "if x: import a\nelse: import b\ntry:\n    import c\nexcept E:\n    import d\nelse:\n    import e\n"
    "finally:\n    import f\nm, _ = g()\nm.n, _ = h()\nclass A(nn.Module):\n    def f(self):\n"
    "        y = x[(a - 1), 0]\n        y = x[..., *r]\n        self.z[(a, b)] = w\n",
    # local imports: a dotted module path is no attribute read (libcst spells it with Attribute nodes)
    "class L(nn.Module):\n    def f(self):\n        import a.training.b\n        from b.training import c\n"
    "        from c._modules import d\n        return self.children()\n",
    # a guard stands before its case's body (libcst declares the body first)
    "class M(nn.Module):\n    def f(self, x):\n        match x:\n            case _ if (y := g(1)):\n"
    "                return h(y)\n",
    "é = 'ü'\nclass Ünïcode(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.ä = ['é', nn.Linear(1, 1)]  # ü\n        setattr(self, 'b', [Ü()])\n",
]


def _same(source: str) -> None:
    found = differences(source.encode("utf-8"))
    assert found is not None, "CPython cannot parse the source"
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_readers_agree_on_fixtures(path):
    _same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("source", EXAMPLES + SHAPES)
def test_readers_agree_on_examples(source):
    _same(source)


@pytest.mark.parametrize("name", sorted(SYNTAX))
def test_readers_agree_on_syntax(name):
    source = textwrap.dedent(SYNTAX[name])
    if differences(source.encode()) is not None:
        _same(source)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_readers_agree_on_generated_modules(source):
    _same(source)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_readers_agree_on_generated_programs(data):
    hypothesmith = __import__("hypothesmith")
    program = data.draw(hypothesmith.from_grammar())
    for source in (program, "class N(nn.Module):\n    def forward(self, x):\n" + textwrap.indent(program, "        ")):
        if differences(source.encode()) is not None:
            _same(source)
