"""Generated programs: the checker never raises, and fixes of generated modules compile and settle."""
import textwrap

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from torchlint import fix_source, lint_source
from torchlint.settings import Settings

ALIASES = [
    ("import torch.nn as nn", "nn"),
    ("from torch import nn as tnn", "tnn"),
    ("import torch", "torch.nn"),
]
ELEMENTS = ["{nn}.Linear(2, 2)", "{nn}.Dropout(0.1)", "{nn}.ReLU()", "{nn}.Parameter(torch.ones(2))", "Block()", "64", "make()"]
CONTAINERS = [
    "[{e}, {e}]", "[{e} for _ in range(2)]", "({e}, {e})", "{{'a': {e}}}", "{{k: {e} for k in 'ab'}}",
    "[{e}] * 2", "[]", "{{}}", "list()", "[[{e}]]",
]
FILLS = ["", "self.{a}.append({e})", "self.{a}['key'] = {e}", "self.{a} += [{e}]", "self.{a}.extend([{e}])"]
USES = ["", "return len(self.{a})", "return list(self.{a})", "return self.{a}[0]", "return self.{a}.index(1)",
        "return self.{a}.get('a')", "return isinstance(self.{a}, list)", "return self.{a} == []",
        "return nn.Sequential(*self.{a})"]


@st.composite
def modules(draw):
    header, nn = draw(st.sampled_from(ALIASES))
    lines = ["import torch", header, "", "", f"class Block({nn}.Module):", "    pass", "", ""]
    lines.append(f"class Net({nn}.Module):")
    lines.append("    def __init__(self):")
    lines.append("        super().__init__()")
    uses = []
    for index in range(draw(st.integers(1, 4))):
        attribute = f"attr{index}"
        element = draw(st.sampled_from(ELEMENTS)).format(nn=nn)
        container = draw(st.sampled_from(CONTAINERS)).format(e=element)
        lines.append(f"        self.{attribute} = {container}")
        fill = draw(st.sampled_from(FILLS)).format(a=attribute, e=element)
        if fill:
            lines.append(f"        {fill}")
        use = draw(st.sampled_from(USES)).format(a=attribute)
        if use:
            uses.append(f"    def use{index}(self):\n        {use.replace('nn.', nn + '.')}")
    return "\n".join(lines) + "\n\n" + "\n\n".join(uses) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(modules())
def test_generated_modules_fix_compiles_and_is_idempotent(source):
    compile(source, "<generated>", "exec")
    lint_source(source)
    for unsafe in (False, True):
        fixed = fix_source(source, settings=Settings(unsafe_fixes=unsafe))
        compile(fixed, "<fixed>", "exec")
        assert fix_source(fixed, settings=Settings(unsafe_fixes=unsafe)) == fixed
        fixed_codes = {d.code for d in lint_source(source) if d.fix is not None and (unsafe or d.fix.applicability.value == "safe")}
        remaining = [d for d in lint_source(fixed) if d.fix is not None and (unsafe or d.fix.applicability.value == "safe")]
        assert not remaining, (fixed_codes, remaining)


def test_hypothesmith_programs_never_crash_the_checker():
    hypothesmith = __import__("hypothesmith")

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(hypothesmith.from_grammar())
    def check(source):
        lint_source("import torch\nclass Net(torch.nn.Module):\n    pass\n" + source)

    check()


SYNTAX = {
    "match": """
        match command:
            case [x, *rest]:
                pass
            case {"k": v}:
                pass
    """,
    "walrus": "if (n := 10) > 5:\n    pass",
    "async-comprehension": "async def f(xs):\n    return [x async for x in xs]",
    "decorators": "@decorator(arg)\n@other\ndef g():\n    pass",
    "type-comments": "def h(a):\n    # type: (int) -> int\n    return a  # type: ignore",
    "pep-695": "type Alias = list[int]\ndef first[T](xs: list[T]) -> T:\n    return xs[0]",
    "pep-701": "value = f\"{'nested' + f'{1 + 1}'}\"",
}


def test_syntax_across_python_versions():
    for name, snippet in SYNTAX.items():
        source = textwrap.dedent(snippet) + "\n\nimport torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n" \
                 "        super().__init__()\n        self.layers = [nn.Linear(2, 2)]\n"
        assert [d.code for d in lint_source(source)] == ["TL001"], name
        fixed = fix_source(source)
        assert "self.layers = nn.ModuleList([nn.Linear(2, 2)])" in fixed, name
        assert fix_source(fixed) == fixed
