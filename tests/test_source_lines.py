"""Reading only the lines that say a word gives the full answer: what a user class owns (the methods
that say `training`), and the classes of a file (the blocks that say `class`)."""
import ast

import pytest

from torchlint.analysis.class_state import own_state, training_lines_of
from torchlint.analysis.source_lines import lines_saying
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


def test_a_file_that_is_not_ascii_may_say_training_anywhere():
    assert training_lines_of("x = 'é'\n".encode()) is None


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
