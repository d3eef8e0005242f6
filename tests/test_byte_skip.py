import re

import hypothesis.strategies as st
import pytest
from hypothesis import given

from torchlint.byte_skip import _CLASS_BASES, _CLASS_WITH_BASES, _at_word_starts, class_base_words, has_class_with_bases

FRAGMENTS = [b"class", b"subclass", b"x", b"_", b"1", b" ", b"\t", b"\\\n", b"\n", b"(", b")", b"[", b"]", b":", b"Net",
             b"nn.Module", b"#", b"'", b"\xc3\xa9"]


@pytest.mark.parametrize("pattern", [_CLASS_WITH_BASES, _CLASS_BASES], ids=["class with bases", "class bases"])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=16).map(b"".join))
def test_the_class_patterns_find_what_a_word_boundary_before_them_would(pattern, data):
    with_boundary = re.compile(rb"\b" + pattern.pattern)
    assert [m.span() for m in _at_word_starts(pattern, data)] == [m.span() for m in with_boundary.finditer(data)]


@pytest.mark.parametrize(
    "source, holds",
    [
        (b"class Net(nn.Module):\n", True),
        (b"x = 1; class Net (\\\n nn.Module):\n", True),
        (b"subclass Net(nn.Module)\n", False),  # no class statement: `class` ends a longer word
        (b"_class Net(nn.Module)\n", False),
        (b"subclass Net(class Block(nn.Module))\n", True),  # a class statement starts inside the first match
    ],
)
def test_a_class_statement_starts_a_word(source, holds):
    assert has_class_with_bases(source) is holds
    assert bool(class_base_words(source)) is holds
