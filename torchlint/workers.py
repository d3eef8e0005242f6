"""The run's process pool: started only when a step has enough work for it, and ended with the run
however the run ends (lifecycle.py says how a worker dies with its parent).

CPython's `multiprocessing.Pool` waits forever in two cases this module rules out:
- a worker that dies under a task (the system killed it, short of memory) takes the task with it, and
  `Pool.map` waits for its result: here the run ends with `WorkerDied` instead;
- a worker that dies holding one of the locks the workers share (the one for reading the next task,
  held while a worker waits for it) makes `close()`/`join()` and `terminate()` wait for that lock: here
  the pool gets a few seconds to end, then what is left of it is killed.
"""
from __future__ import annotations

import os
import signal
import threading
from functools import lru_cache
from typing import Any, Callable, List, Set, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# How often a waiting run checks that its workers live: a dead worker is noticed within this.
_WATCH_SECONDS = 0.5
# How long an ending pool may take before its workers are killed: ending a healthy pool takes
# milliseconds (idle workers read the "no more work" message, busy ones are terminated).
_END_SECONDS = 3.0


# In a worker (and in the parent while it runs a step itself): what every task of the step shares.
_shared: Any = None


def shared() -> Any:
    """For a task: the `shared` value of the `Workers.map` that runs it."""
    return _shared


class WorkerDied(RuntimeError):
    """A worker ended in the middle of the run: its tasks will never be answered."""


class Workers:
    """A pool of `count` processes, started on the first `map` with enough work. A context manager:
    on leaving it (a normal run, an error or an interrupt), the pool is terminated within a bound."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool: Any = None  # a multiprocessing.Pool, once some step has enough work
        self.pool_shares: Any = None  # what its workers were started with (`map`'s `shared`)
        self.processes: List[Any] = []  # its workers, as started
        self.others: Set[Any] = set()  # child processes that are not the pool's

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *_: object) -> None:
        if self.pool is not None:
            self._end()

    def map(self, function: Callable[[T], R], tasks: List[T], worth_a_pool: bool, shared: Any = None) -> List[R]:
        """`shared`: what every task needs alike (a task asks `shared()`). A pool's workers get it once,
        when they start: a pool started with something else is ended first, since handing a large value
        with every few tasks costs more than starting two processes."""
        global _shared
        if not worth_a_pool or len(tasks) < 2 or self.count < 2:
            _shared = shared
            try:
                return [function(task) for task in tasks]
            finally:
                _shared = None
        if self.pool is not None and self.pool_shares is not shared:
            self._end()
        if self.pool is None:
            self._start(shared)
        chunk = max(1, min(16, len(tasks) // (self.count * 8)))
        pending = self.pool.map_async(function, tasks, chunksize=chunk)
        while not pending.ready():
            self._check_alive()
            pending.wait(_WATCH_SECONDS)
        return pending.get()

    def _start(self, shared: Any) -> None:
        import multiprocessing  # only runs with enough work pay for it

        from torchlint.lifecycle import signals_deferred

        self.others = set(multiprocessing.active_children())
        # A Ctrl-C while the workers are forked waits until the pool stands: a worker it reached before
        # it could ignore Ctrl-C would die of it (lifecycle.start_worker unblocks signals in each worker).
        with signals_deferred():
            self.pool = _pool_class()(self.count, initializer=_start_worker, initargs=(os.getpid(), shared))
        self.pool_shares = shared
        self.processes = [p for p in multiprocessing.active_children() if p not in self.others]

    def _check_alive(self) -> None:
        for process in self.processes:
            code = process.exitcode
            if code is not None:
                raise WorkerDied(f"a worker process {_how_it_ended(code)} in the middle of the run")

    def _end(self) -> None:
        """Terminate then join, in a thread the run waits for only so long. Terminate even after a step
        whose results are all in: after close, the pool's own finalizer (a terminate) would run when the
        pool is collected, in whichever thread drops it, and wait there forever for the lock of the task
        queue if a worker died holding it."""
        import multiprocessing

        pool = self.pool

        def end() -> None:
            pool.terminate()
            pool.join()

        ender = threading.Thread(target=end, name="torchlint-pool-end", daemon=True)
        ender.start()
        ender.join(_END_SECONDS)
        if ender.is_alive():  # stuck on a lock a dead worker holds: kill the workers, replacements too
            for process in multiprocessing.active_children():
                if process not in self.others:
                    process.kill()
                    process.join(_END_SECONDS)
        self.pool = None


@lru_cache(maxsize=1)
def _pool_class() -> Any:
    from multiprocessing.pool import Pool

    class QuietPool(Pool):
        """A pool whose worker handler waits for its workers to end and for the pool to change, not for
        results: CPython's also waits on the results pipe, so it wakes (and finds nothing to do) as long
        as a result is unread. The results pipe mattered only to a closed pool waiting for its last
        results; a pool is terminated here (`Workers._end`), which wakes the handler through the
        notifier."""

        def _get_sentinels(self):
            return [self._change_notifier._reader]

    return QuietPool


def _how_it_ended(code: int) -> str:
    if code >= 0:
        return f"exited with status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    hint = " (out of memory?)" if -code == signal.SIGKILL else ""
    return f"was killed by {name}{hint}"


def _start_worker(parent: int, shares: Any) -> None:
    from torchlint.garbage import rarer_collections_here
    from torchlint.lifecycle import start_worker

    global _shared
    start_worker(parent)
    rarer_collections_here()  # a worker forked in a run has its threshold already; one spawned has not
    _shared = shares
