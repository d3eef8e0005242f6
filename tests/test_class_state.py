"""What a user class owns: reading only the methods whose lines say `training` gives the full answer."""
import ast

import pytest

from torchlint.analysis.class_state import own_state, training_lines_of
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
