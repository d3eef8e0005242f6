"""pytest plugin (entry point `pytest11`): the `assert_registered` fixture, for users' own tests.

    def test_model_registers_everything(assert_registered):
        assert_registered(MyModel())

Nothing happens unless a test asks for the fixture; torch is imported only then.
"""
from __future__ import annotations

from typing import Callable

import pytest


@pytest.fixture
def assert_registered() -> Callable:
    from torchlint.runtime import assert_registered as check

    return check
