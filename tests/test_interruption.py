"""`--fix` killed at a random moment leaves every file exactly as before or exactly as fixed."""
import random
import signal
import subprocess
import sys
import time

import pytest

from tests.fixture_cases import FIXTURES

ORIGINAL = (FIXTURES / "positive" / "list_comprehension.py").read_bytes()
FIXED = (FIXTURES / "positive" / "list_comprehension.fixed.py").read_bytes()


@pytest.mark.parametrize("kill_signal", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_fix_leaves_no_half_written_file(tmp_path, kill_signal):
    rng = random.Random(kill_signal)
    for attempt in range(3):
        folder = tmp_path / f"attempt{attempt}"
        folder.mkdir()
        for index in range(300):
            (folder / f"model_{index}.py").write_bytes(ORIGINAL)
        process = subprocess.Popen(
            [sys.executable, "-m", "torchlint", "--fix", "--no-cache", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 2.5))
        process.send_signal(kill_signal)
        process.wait(timeout=60)
        states = {path.read_bytes() for path in folder.glob("*.py")}
        assert states <= {ORIGINAL, FIXED}, "a file was left neither original nor fixed"
        assert len(list(folder.glob("*.py"))) == 300
