"""Reading only the lines that say a word gives the full answer: what a user class owns (the methods
that say `training`), and the classes of a file (the blocks that say `class`)."""
import ast

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from torchlint.analysis.class_state import own_state, training_lines_of
from torchlint.analysis.source_lines import lines_naming, lines_saying
from torchlint.analysis.read_ast import AstFile
from torchlint.analysis.imports import ImportMap
from torchlint.torch_knowledge import MODE

SOURCE = """\
import torch.nn as nn


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = 2  # not training-dependent, says this comment

    @property
    def doubled(self):
        return self.scale * 2

    def forward(self, x):
        if self.training:
            return x
        return x * self.scale


class Plain(nn.Module):
    def forward(self, x):
        return x  # the word training in a comment reads nothing
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_training_lines_count_lines_as_python_does(newline):
    data = SOURCE.replace("\n", newline).encode()
    expected = [number for number, line in enumerate(SOURCE.splitlines(), 1) if "training" in line]
    assert training_lines_of(data) == expected


def test_a_file_that_is_not_ascii_says_training_where_a_name_normalises_to_it():
    assert training_lines_of("x = 'é'\n".encode()) == []
    assert training_lines_of("x = 'é'\nif self.ｔｒａｉｎｉｎｇ:\n    y = self.training\n".encode()) == [2, 3]
    assert training_lines_of("# 中文\r\nx = 1\rif m.traｉning: pass\n".encode()) == [3]
    latin = "# -*- coding: latin-1 -*-\nif m.trªining:\n    pass\n"  # ª is `a` to NFKC
    assert training_lines_of(latin.encode("latin-1")) == [2]


# Characters NFKC turns into ASCII letters of the words, and others that stay as they are.
_SPELLINGS = {letter: [letter, chr(ord(letter) - ord("a") + 0xFF41), chr(ord(letter) - ord("a") + 0x1D41A)]
              for letter in "abcdefghijklmnopqrstuvwxyz"}
_OTHERS = ["é", "中", "ª", "\u0301", "_", "1", "ﬁ"]


@st.composite
def spelt_sources(draw):
    """A source whose names spell words with characters NFKC may turn into their letters."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        word = draw(st.sampled_from(["training", "setattr", "train", "x"]))
        name = "".join(draw(st.sampled_from(_SPELLINGS[c])) for c in word)
        name += "".join(draw(st.lists(st.sampled_from(_OTHERS), max_size=2)))
        lines.append(draw(st.sampled_from([f"{name} = 1", f"m.{name}", f"# {name}", f"f({name}=2)", "pass"])))
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(spelt_sources())
def test_every_name_that_reads_as_the_word_is_on_a_line_naming_it(source):
    data = source.encode()
    try:
        tree = ast.parse(data)
    except SyntaxError:
        return
    for word in ("training", "setattr"):
        named = {node.lineno for node in ast.walk(tree)
                 if getattr(node, "id", None) == word or getattr(node, "attr", None) == word
                 or getattr(node, "arg", None) == word}
        assert named <= set(lines_naming(data, word.encode()))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_the_methods_on_training_lines_give_the_full_answer(newline):
    data = SOURCE.replace("\n", newline).encode()
    file = AstFile(ast.parse(data), data)
    imports = ImportMap.build(file.records, "model", "")
    states = [own_state(node, imports, training_lines_of(data)) for node in file.class_nodes]
    assert states == [own_state(node, imports) for node in file.class_nodes]
    gate, plain = states
    assert gate.owns is not None and MODE in gate.owns
    assert plain.owns == frozenset()


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_classes_nested_in_functions_and_blocks_are_found(newline):
    source = (
        "import torch.nn as nn\n\n\ndef build(depth):\n    import torch\n    x = 1\n\n    if depth:\n"
        "        class Inner(torch.nn.Module):\n            def make(self):\n                class Deeper(nn.Module):\n"
        "                    pass\n                return Deeper\n        return Inner\n\n\n"
        "def plain():\n    return 'no class statement here'\n\n\nclass Outer(nn.Module):\n    pass\n"
    )
    data = source.replace("\n", newline).encode()
    assert lines_saying(data, b"class") == [9, 11, 18, 21]
    classes = AstFile(ast.parse(data), data).classes()
    assert [c.name for c in classes] == ["Inner", "Deeper", "Outer"]
    assert [len(c.local_imports) for c in classes] == [1, 1, 0]
