"""The run's index of module classes grows as files scanned again add their classes: the closure of
classes added a few at a time is the closure of them all at once."""
import hypothesis.strategies as st
from hypothesis import given, settings

from torchlint.analysis.imports import ClassSummary
from torchlint.neighbours import ModuleClassClosure, module_class_closure

NAMES = [f"pkg.m.C{i}" for i in range(8)]
BASES = NAMES + ["torch.nn.Module", "pkg.base.Root", "abc.ABC", "pkg.other.Plain"]


@st.composite
def summaries(draw):
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=8, unique=True))
    return [ClassSummary(name, tuple(draw(st.lists(st.sampled_from(BASES), max_size=3)))) for name in names]


@settings(max_examples=300, deadline=None)
@given(summaries(), st.lists(st.integers(0, 8), max_size=4), st.booleans())
def test_classes_added_a_few_at_a_time_give_the_closure_of_them_all(classes, cuts, known):
    roots, known_modules = ["pkg.base.Root"], frozenset(["pkg.m.C7"] if known else [])
    closure = ModuleClassClosure(roots, known_modules)
    start = 0
    for cut in sorted(cuts) + [len(classes)]:
        closure.add(classes[start:cut])
        start = max(start, cut)
    assert frozenset(closure.found) == module_class_closure(classes, roots, known_modules)


def test_a_class_added_later_joins_the_subclasses_found_before_it():
    closure = ModuleClassClosure(())
    closure.add([ClassSummary("pkg.a.Block", ("pkg.b.Base",))])
    assert closure.found == set()
    closure.add([ClassSummary("pkg.b.Base", ("torch.nn.Module",))])
    assert closure.found == {"pkg.a.Block", "pkg.b.Base"}
