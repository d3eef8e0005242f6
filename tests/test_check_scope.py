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


def test_functions_only_module_level_code_names_are_left_out():
    assert _skipped(SOURCE + "\n\nif __name__ == '__main__':\n    unused()\n") == ((12, 13), (16, 20))


def test_a_class_in_a_block_keeps_what_all_kept_text_names():
    # Maybe sits in the `if` block, no definition of its own: the kept text (the main block too) names unused().
    assert _skipped(SOURCE + "\n\nif __name__ == '__main__':\n    unused()\n", holding=("Maybe",)) == (
        (4, 5), (8, 9), (16, 20), (23, 26))


def test_a_utf8_file_that_is_not_ascii_is_cut_the_same():
    assert _skipped(SOURCE.replace("import torch.nn as nn", "import torch.nn as nn  # é")) == ((12, 13), (16, 20))


def test_a_function_named_in_other_characters_is_kept():
    # NFKC reads the fullwidth name as block(): it and conv() stay.
    assert _skipped(SOURCE.replace("[block(4)", "[\uff42\uff4c\uff4f\uff43\uff4b(4)")) == ((12, 13), (16, 20))


def test_a_file_in_another_encoding_keeps_every_function():
    data = ("# -*- coding: latin-1 -*-\n" + SOURCE.replace("import torch.nn as nn", "import torch.nn as nn  # \xe9")).encode("latin-1")
    tree = ast.parse(data)
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Holder"]
    assert lines_to_skip(definitions(tree.body), data, [c.lineno for c in classes]) == ((17, 21),)


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
