"""Whatever a run starts ends with it, however the run ends; and an interrupted `--fix` leaves every
file exactly as before or exactly as fixed."""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.fixture_cases import FIXTURES
from tests.process_watch import children_of, in_session

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

ORIGINAL = (FIXTURES / "positive" / "list_comprehension.py").read_bytes()
FIXED = (FIXTURES / "positive" / "list_comprehension.fixed.py").read_bytes()
FILES = 400


def _tree(folder):
    folder.mkdir()
    for index in range(FILES):
        (folder / f"model_{index}.py").write_bytes(ORIGINAL)
    return folder


def _start(folder):
    process = subprocess.Popen(
        [sys.executable, "-m", "torchlint", "--fix", "--no-cache", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while len(in_session(process.pid)) < 3 and time.monotonic() < deadline:  # the run and its two workers
        if process.poll() is not None:
            pytest.fail("the run ended before its workers started: make the tree bigger")
        time.sleep(0.02)
    assert len(in_session(process.pid)) >= 3, "the pool never started"
    time.sleep(0.3)
    return process


def _assert_session_ended(session):
    deadline = time.monotonic() + 5
    while in_session(session) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert in_session(session) == [], "a process of the run is still alive 5 s after it ended"


def _assert_nothing_left(process, folder):
    _assert_session_ended(process.pid)
    states = {path.read_bytes() for path in folder.glob("*.py")}
    assert states <= {ORIGINAL, FIXED}, "a file was left neither original nor fixed"
    assert len(list(folder.glob("*.py"))) == FILES


ENDINGS = {
    # name: (how to end it, exit status, what stderr says)
    "Ctrl-C to the process group": (lambda p: os.killpg(p.pid, signal.SIGINT), 130, "interrupted"),
    "SIGINT to the run only": (lambda p: p.send_signal(signal.SIGINT), 130, "interrupted"),
    "SIGTERM to the run only": (lambda p: p.send_signal(signal.SIGTERM), 143, "stopped by signal 15"),
    "SIGHUP to the run only": (lambda p: p.send_signal(signal.SIGHUP), 129, "stopped by signal 1"),
    "SIGKILL of the run": (lambda p: p.kill(), -signal.SIGKILL, ""),
}


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_stopped_run_leaves_no_process_and_no_half_written_file(tmp_path, ending):
    stop, status, said = ENDINGS[ending]
    folder = _tree(tmp_path / "tree")
    process = _start(folder)
    stop(process)
    _, stderr = process.communicate(timeout=30)
    if process.returncode == 0 or process.returncode == 1:
        pytest.skip("the run finished before the signal arrived")
    assert process.returncode == status
    lines = stderr.decode().splitlines()
    if said:
        assert len(lines) == 1 and said in lines[0], lines
    _assert_nothing_left(process, folder)


def test_a_finished_run_leaves_no_process(tmp_path):
    folder = _tree(tmp_path / "tree")
    process = _start(folder)
    process.communicate(timeout=120)
    assert process.returncode == 0
    _assert_nothing_left(process, folder)
    assert {path.read_bytes() for path in folder.glob("*.py")} == {FIXED}


BUSY_POOL = (
    "import time\nfrom torchlint.workers import Workers\n"
    "workers = Workers(2).__enter__()\nworkers.map(abs, list(range(100)), 1)\n"
    "print('ready', flush=True)\nworkers.map(time.sleep, [30, 30], 1)\n"
)


def test_busy_workers_end_when_their_parent_is_killed():
    """A worker in the middle of a long file would otherwise finish it first: it must not outlive the run."""
    process = subprocess.Popen([sys.executable, "-c", BUSY_POOL], stdout=subprocess.PIPE, start_new_session=True)
    assert process.stdout.readline() == b"ready\n"
    assert len(in_session(process.pid)) == 3
    time.sleep(0.5)  # both workers are now asleep in their task
    process.kill()
    process.wait(timeout=10)
    _assert_session_ended(process.pid)


def test_language_server_ends_when_its_client_vanishes():
    pytest.importorskip("pygls")
    process = subprocess.Popen([sys.executable, "-m", "torchlint", "server"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(1)
    process.stdin.close()  # the editor is gone
    process.wait(timeout=10)
    assert in_session(process.pid) == []


FAILING_RUN = (
    "import sys, time\nimport torchlint.runner as runner\n"
    "def broken(task):\n    time.sleep(0.5)\n    raise RuntimeError('a bug in a worker')\n"
    "runner._check_path = broken\nfrom torchlint.cli import main\nsys.exit(main(sys.argv[1:]))\n"
)


def test_an_internal_error_ends_the_run_and_its_workers(tmp_path):
    folder = _tree(tmp_path / "tree")
    process = subprocess.Popen([sys.executable, "-c", FAILING_RUN, "--fix", "--no-cache", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 2
    assert stderr.decode().splitlines() == ["torchlint: internal error: RuntimeError: a bug in a worker"]
    _assert_nothing_left(process, folder)


def test_a_worker_killed_under_a_task_ends_the_run_with_an_error(tmp_path):
    """The system may kill a worker (short of memory): its tasks would never be answered, and a run
    that waits for them never ends."""
    folder = _tree(tmp_path / "tree")
    process = subprocess.Popen([sys.executable, "-m", "torchlint", "--no-cache", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while not children_of(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        os.kill(children_of(process.pid)[0], signal.SIGKILL)
    except (IndexError, ProcessLookupError):
        pass  # the run ended first
    _, stderr = _communicate(process)
    if process.returncode in (0, 1):
        pytest.skip("the run finished before the worker was killed")
    assert process.returncode == 2
    assert stderr.decode().splitlines() == [
        "torchlint: internal error: WorkerDied: a worker process was killed by SIGKILL (out of memory?) in the middle"
        " of the run"
    ]
    _assert_nothing_left(process, folder)


WORKERS_DEAD_HOLDING_A_LOCK = (
    "import os, signal, time\nfrom torchlint.workers import Workers, WorkerDied\n"
    "with Workers(2) as workers:\n"
    "    workers.map(abs, list(range(100)), True)\n"
    "    time.sleep(0.3)\n"
    # Idle, one of them waits for the next task holding the lock for reading it: it dies with it held.
    "    for pid in [p.pid for p in workers.processes]:\n"
    "        os.kill(pid, signal.SIGKILL)\n"
    "    time.sleep(0.3)\n"
    "    try:\n"
    "        workers.map(abs, list(range(100)), True)\n"
    "    except WorkerDied as error:\n"
    "        print(error, flush=True)\n"
    "        raise SystemExit(3)\n"
)


def test_workers_dead_holding_a_lock_do_not_hang_the_end_of_the_run():
    """CPython's Pool.terminate() would wait forever for the lock; the pool's replacement workers,
    stuck on it, are killed too."""
    process = subprocess.Popen([sys.executable, "-c", WORKERS_DEAD_HOLDING_A_LOCK], stdout=subprocess.PIPE,
                               start_new_session=True)
    stdout, _ = process.communicate(timeout=30)
    assert process.returncode == 3
    assert stdout == b"a worker process was killed by SIGKILL (out of memory?) in the middle of the run\n"
    _assert_session_ended(process.pid)


WORKERS_SHARING = (
    "import os\nfrom torchlint.workers import Workers, shared\n"
    "def plus_shared(task):\n"
    "    return task + shared()\n"
    "with Workers(2) as workers:\n"
    "    alone = workers.map(plus_shared, [1, 2], False, 10)\n"
    "    first = workers.map(plus_shared, list(range(200)), True, 5)\n"
    "    started = [p.pid for p in workers.processes]\n"
    "    again = workers.map(plus_shared, list(range(200)), True, 5)\n"
    "    kept = [p.pid for p in workers.processes]\n"
    "    other = workers.map(plus_shared, list(range(200)), True, 7)\n"
    "    restarted = [p.pid for p in workers.processes]\n"
    "print(alone, first == again == list(range(5, 205)), other == list(range(7, 207)))\n"
    "print(len(started) == 2, kept == started, set(restarted).isdisjoint(started))\n"
)


def test_each_step_hands_its_workers_what_its_tasks_share_once():
    """A step's shared value reaches every task, in the pool or not; a step that shares something
    else gets workers started with it (the last pool's end), and nothing is left after the run."""
    process = subprocess.Popen([sys.executable, "-c", WORKERS_SHARING], stdout=subprocess.PIPE, start_new_session=True)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert stdout.decode().splitlines() == ["[11, 12] True True", "True True True"]
    _assert_session_ended(process.pid)


RUN_INTERRUPTED_AS_ITS_CHECKS_START = (
    "import os, signal, sys, threading\nfrom torchlint.workers import Workers\nfrom torchlint.cli import main\n"
    "delay, start = float(sys.argv[1]), Workers._start\n"
    "def interrupted_start(self, shared):\n"
    # Another thread of the run receives the signal (the kernel may hand it to any thread that does
    # not block it) while the checks' pool starts.
    "    if shared is not None:\n"
    "        threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT)).start()\n"
    "    start(self, shared)\n"
    "Workers._start = interrupted_start\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


@pytest.mark.parametrize("delay", [0.0, 0.0005, 0.001, 0.002, 0.005])
def test_a_ctrl_c_another_thread_receives_while_the_pool_starts_ends_the_run(tmp_path, delay):
    """Python raises KeyboardInterrupt in the main thread whichever thread received the signal: never in
    the middle of starting a pool (a pool started but never stored is never ended, its worker handler
    replaces the workers the interpreter's exit terminates, and the exit waits for them forever)."""
    folder = _tree(tmp_path / "tree")
    process = subprocess.Popen(
        [sys.executable, "-c", RUN_INTERRUPTED_AS_ITS_CHECKS_START, str(delay), "--fix", "--no-cache", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    if process.returncode in (0, 1):
        pytest.skip("the run finished before the signal came")
    assert process.returncode == 130 and stderr.decode().strip() == "torchlint: interrupted"
    _assert_nothing_left(process, folder)


IDLE_WORKERS_KILLED = """
import os, signal, time
from torchlint.workers import Workers

def square(x):
    return x * x

with Workers(2) as workers:
    workers.map(square, list(range(64)), True)
    for process in workers.processes:  # idle: one of them holds the lock of the task queue
        os.kill(process.pid, signal.SIGKILL)
    time.sleep(0.5)
    assert workers.map(square, list(range(64)), True, shared="another step")[-1] == 63 * 63
print("ended")
"""


def test_workers_killed_idle_between_two_steps_do_not_hang_the_run():
    """A pool ended by close left its own finalizer to run when the pool was collected: in the run's
    main thread, waiting forever for the lock of the task queue a dead worker held."""
    process = subprocess.Popen([sys.executable, "-c", IDLE_WORKERS_KILLED], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    stdout, stderr = _communicate(process)
    assert stdout.decode().strip() == "ended", stderr.decode()
    assert in_session(process.pid) == []


def _communicate(process: subprocess.Popen, timeout: float = 30):
    """The process's output. One still running after `timeout` fails the test, killed with its session
    first: a hung run must not outlive its test."""
    try:
        return process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
