"""Processes end with their run: workers die with their parent, and SIGTERM / SIGHUP end a run the
way Ctrl-C does (no half-written file, one line on stderr, exit 128 + the signal's number).

A worker learns that its parent is gone in two ways: Linux's PR_SET_PDEATHSIG sends it SIGKILL at
once; elsewhere (and as a second guard) a daemon thread notices that its parent process changed
(the orphan is adopted by another process) within half a second.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Iterator, List

_POLL_SECONDS = 0.5


class Terminated(BaseException):
    """The run was asked to stop by a signal other than SIGINT (SIGTERM from CI or an editor, SIGHUP)."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number


@contextlib.contextmanager
def stop_signals_end_the_run() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Terminated in the main thread, as SIGINT raises KeyboardInterrupt."""
    def terminate(signal_number: int, _frame) -> None:
        raise Terminated(signal_number)

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, terminate) for s in wanted}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP while a write that cannot be made atomic, or the start of the
    process pool, is under way; then act on the first that came. They are blocked in this thread, so
    that what it forks starts with them blocked; and one that another thread of the process receives
    (the kernel hands it to any thread that does not block it) is only recorded, since Python would
    raise it here all the same, in the middle of what must not be interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: List[int] = []
    previous = {number: signal.signal(number, lambda number, _frame: received.append(number)) for number in _STOPPING}
    blockable = hasattr(signal, "pthread_sigmask")
    if blockable:
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        if blockable:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # one held is received (recorded) now
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            os.kill(os.getpid(), received[0])  # its own handler acts on it now


_STOPPING = {signal.SIGINT, getattr(signal, "SIGTERM", signal.SIGINT), getattr(signal, "SIGHUP", signal.SIGINT)}


def hold_further_interrupts() -> None:
    """After an interrupted run: another SIGINT (a second Ctrl-C, or one still on its way while the
    interpreter shuts down and gives the signal back its default action) waits, blocked, and dies
    with the process, so the run still ends with status 130."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def start_worker(parent: int) -> None:
    """A pool worker's initializer: die with the parent; leave Ctrl-C and SIGTERM to the parent, which
    stops the pool itself. The parent forks its workers with these signals held (signals_deferred):
    released here, a Ctrl-C that reached the worker meanwhile is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)
    if sys.platform.startswith("linux"):
        _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="torchlint-parent-watch", daemon=True).start()


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # the watch thread still ends the worker


def _watch(parent: int) -> None:
    event = threading.Event()
    while not event.wait(_POLL_SECONDS):
        if os.getppid() != parent:
            os._exit(1)
