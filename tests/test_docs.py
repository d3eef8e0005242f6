"""The rule docs page is generated from the rules; it must match them."""
import importlib.util

from tests.fixture_cases import ROOT


def test_rule_docs_are_current():
    spec = importlib.util.spec_from_file_location("generate_rule_docs", ROOT / "scripts" / "generate_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == module.render(), (
        "run: python scripts/generate_rule_docs.py"
    )
