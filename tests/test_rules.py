"""Rules are discovered, documented like ruff's, and their own examples are tests (as Fixit's)."""
import re

import pytest

from torchlint import fix_source, lint_source
from torchlint.rules import all_codes, all_rules
from torchlint.settings import Settings

SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety")
RULES = all_codes()


def test_rules_are_discovered_with_unique_codes():
    codes = [rule.code for rule in RULES]
    assert codes == sorted(set(codes))
    assert {"TL001", "TL002", "TL003", "TL004", "TL005", "TL900"} <= set(codes)
    for rule in RULES:
        assert re.fullmatch(r"TL\d{3}", rule.code)
        assert rule.__module__.rsplit(".", 1)[-1].startswith(rule.code.lower())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_documents_every_section(rule):
    text = rule.explain()
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions)


VALID = [(rule, code) for rule in all_rules() for code in rule.valid]
INVALID = [(rule, example) for rule in all_rules() for example in rule.invalid]


@pytest.mark.parametrize("rule,code", VALID, ids=[f"{r.code}-valid-{i}" for i, (r, _) in enumerate(VALID)])
def test_valid_examples_are_not_reported(rule, code):
    assert lint_source(code) == []


@pytest.mark.parametrize("rule,example", INVALID, ids=[f"{r.code}-invalid-{i}" for i, (r, _) in enumerate(INVALID)])
def test_invalid_examples_are_reported_and_fixed(rule, example):
    selected = Settings(select=("TL", rule.code))
    found = lint_source(example.code, settings=selected)
    assert [(d.code, d.location.row, d.location.column) for d in found] == [(rule.code, example.line, example.column)]
    if rule.opt_in:
        assert lint_source(example.code) == [], "an opt-in rule reports nothing unless selected by name"
    if example.fixed is not None:
        fixed = fix_source(example.code, settings=Settings(select=("TL", rule.code), unsafe_fixes=True))
        assert fixed == example.fixed
        assert lint_source(fixed, settings=selected) == []
