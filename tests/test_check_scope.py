"""What a check in a worker may leave out of a file it did not scan itself."""
import ast

import pytest

from torchlint.analysis.check_scope import definitions, lines_to_skip, without_lines

SOURCE = """\
import torch.nn as nn


def conv(width):
    return nn.Conv2d(width, width, 3)


def block(width):
    return conv(width)


def unused():
    return nn.ReLU()


@decorated
class Plain(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = conv(4)


class Holder(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = [block(4) for _ in range(2)]


if True:
    class Maybe(nn.Module):
        pass
"""


def _skipped(source: str, holding=("Holder",)):
    data = source.encode()
    tree = ast.parse(data)
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name in holding]
    return lines_to_skip(definitions(tree.body), data, [c.lineno for c in classes])


def test_classes_that_hold_nothing_and_functions_nothing_names_are_left_out():
    # Plain (with its decorator) and unused() go; conv() stays because block() names it, and block()
    # because Holder does; the `if` block stays whole.
    assert _skipped(SOURCE) == ((12, 13), (16, 20))


def test_a_file_that_is_not_ascii_keeps_every_function():
    assert _skipped(SOURCE.replace("# ", "").replace("import torch.nn as nn", "import torch.nn as nn  # é")) == ((16, 20),)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_the_lines_left_out_keep_every_position(newline):
    data = SOURCE.replace("\n", newline).encode()
    kept = without_lines(data, _skipped(SOURCE))
    whole, partial = ast.parse(data), ast.parse(kept)
    assert len(kept.splitlines()) == len(data.splitlines())
    holder = [n for n in whole.body if isinstance(n, ast.ClassDef) and n.name == "Holder"][0]
    again = [n for n in partial.body if isinstance(n, ast.ClassDef)]
    assert [n.name for n in again] == ["Holder"]
    assert ast.dump(again[0], include_attributes=True) == ast.dump(holder, include_attributes=True)
