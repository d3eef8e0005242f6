import ast
import gc

import pytest

from tests.fixture_cases import FIXTURES
from torchlint.engine import SourceFile, check_file, scan_file
from torchlint.garbage import RUN_THRESHOLD, paused_collections, rarer_collections
from torchlint.settings import Settings

MODEL = b"""import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [nn.Linear(2, 2)]
"""


def test_the_collector_is_paused_while_a_file_is_read_and_back_after(monkeypatch):
    parse = ast.parse
    enabled_while_parsing = []

    def spy(source, *args, **kwargs):
        if source == MODEL:  # not what modules imported on the way parse
            enabled_while_parsing.append(gc.isenabled())
        return parse(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", spy)
    result = check_file(SourceFile(MODEL, "model.py", "model", ""), Settings())
    assert [d.code for d in result.diagnostics] == ["TL001"]
    assert enabled_while_parsing == [False]
    assert gc.isenabled()


def test_the_collector_is_back_after_an_error_and_stays_paused_inside_a_paused_caller():
    @paused_collections
    def fails():
        assert not gc.isenabled()
        raise ValueError

    @paused_collections
    def calls_another():
        inner()
        return gc.isenabled()

    @paused_collections
    def inner():
        pass

    with pytest.raises(ValueError):
        fails()
    assert gc.isenabled()
    assert calls_another() is False
    assert gc.isenabled()


def test_a_run_collects_rarely_and_gives_the_threshold_back():
    before = gc.get_threshold()
    with rarer_collections():
        assert gc.get_threshold()[0] == max(before[0], RUN_THRESHOLD)
    assert gc.get_threshold() == before


def test_a_scan_leaves_no_reference_cycle_for_the_collector():
    """What a scan reads is freed as it ends: the collection after it has nothing to find."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path in sorted(FIXTURES.rglob("*.py")):
            scan_file(SourceFile(path.read_bytes(), str(path), path.stem, ""), Settings())
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []
