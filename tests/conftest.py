"""The suite as a whole leaves no process behind: every run it starts, and every worker, has ended."""
import os
import sys
import time
import uuid

import pytest

from tests.process_watch import MARKER, carrying_marker, children_of


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_suite():
    os.environ[MARKER] = uuid.uuid4().hex  # inherited by every process a test starts
    yield
    if not sys.platform.startswith("linux"):
        return
    deadline = time.monotonic() + 10
    while True:
        left = sorted(set(carrying_marker(os.environ[MARKER])) | set(children_of(os.getpid())))
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert left == [], f"processes started by the tests are still running: {left}"
