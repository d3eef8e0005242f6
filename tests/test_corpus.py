"""scripts/corpus_check.py on a whole real package (timm): no crash, no broken or unsettled fix."""
import importlib.util
import subprocess
import sys

import pytest

from tests.fixture_cases import ROOT


def _corpus_check():
    spec = importlib.util.spec_from_file_location("corpus_check", ROOT / "scripts" / "corpus_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_check"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
def test_timm_runs_clean(tmp_path):
    corpus_check = _corpus_check()
    try:
        source = corpus_check.fetch("timm", tmp_path)
    except subprocess.CalledProcessError:  # pragma: no cover - no package index reachable
        pytest.skip("timm could not be downloaded")
    report = corpus_check.check_package("timm", source, tmp_path)
    assert report.files > 250
    assert report.problems == 0, corpus_check.render([report], listing=False)


def test_changes_outside_the_reported_statements_are_caught():
    corpus_check = _corpus_check()
    before = b"a = 1\nb = [x]\nc = 3\n"
    assert corpus_check._changes_outside(before, b"a = 1\nb = nn.ModuleList([x])\nc = 3\n", [range(2, 3)]) is None
    assert corpus_check._changes_outside(before, b"from torch import nn\na = 1\nb = [x]\nc = 3\n", []) is None
    assert corpus_check._changes_outside(before, b"a = 2\nb = [x]\nc = 3\n", [range(2, 3)]) is not None
    assert corpus_check._changes_outside(before, b"a = 1\nb = [x]\nprint()\nc = 3\n", [range(2, 3)]) is not None
