"""Chunks of work on worker processes: bounded in flight, streamed back, crash-tolerant, stoppable.

Domain-free. Work goes out in chunks (one future per chunk, not per item) and at most
``max_in_flight`` chunks are submitted at once, so memory stays flat however long the
input. If a worker process dies (``BrokenProcessPool``), every chunk in flight is
reported failed with that error (a ``WorkerLost`` that names the items that ran out of
time) and a fresh pool takes the next chunks. ``stop()`` sets an event the workers poll
between items (``stop_requested``) and cancels chunks not yet picked up; ``kill()`` ends
the workers at once, whatever they are doing.

Each worker runs a watchdog thread: an item that runs past the pool's ``item_timeout``
(``item_deadline``) ends its worker process, which nothing inside the item can ignore
(a C call that never returns included), after putting the item's key on a queue the
parent reads; and a worker whose parent has died exits within a quarter second.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

_Chunk = TypeVar("_Chunk", bound=Sequence[Any])

_stop_event: Any = None  # the pool's stop event, in each worker process
_watchdog: _Watchdog | None = None  # the worker's watchdog (per-item time limit, parent death)
EXIT_TIMED_OUT = 124  # a worker's exit status when an item ran out of time (as timeout(1) says)
EXIT_ORPHANED = 125  # ... when its parent died
_WATCH_S = 0.25


class WorkerLost(BrokenProcessPool):
    """A worker died with this chunk in flight; ``timed_out`` holds the keys of items that ran out of time."""

    def __init__(self, message: str, timed_out: frozenset[Any]) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def stop_requested() -> bool:
    """In a worker: has the parent asked to stop? Poll it between items."""
    return _stop_event is not None and _stop_event.is_set()


@contextlib.contextmanager
def item_deadline(key: Any) -> Iterator[None]:
    """In a worker: run one item (named by ``key``) under the pool's per-item time limit."""
    watchdog = _watchdog
    if watchdog is None:
        yield
        return
    watchdog.start(key)
    try:
        yield
    finally:
        watchdog.finish()


class _Watchdog:
    """A daemon thread: ends this worker when its item overruns or its parent is gone."""

    def __init__(self, parent_pid: int, limit: float | None, timed_out: Any) -> None:
        self._parent = parent_pid
        self._limit = limit
        self._timed_out = timed_out
        self._lock = threading.Lock()
        self._key: Any = None
        self._since = 0.0
        threading.Thread(target=self._watch, name="tailor-watchdog", daemon=True).start()

    def start(self, key: Any) -> None:
        with self._lock:
            self._key, self._since = key, time.monotonic()

    def finish(self) -> None:
        with self._lock:
            self._key = None

    def _watch(self) -> None:
        while True:
            time.sleep(_WATCH_S)
            try:
                os.kill(self._parent, 0)
            except ProcessLookupError:
                os._exit(EXIT_ORPHANED)  # nobody will read what this worker does
            except PermissionError:
                pass  # alive, as another user
            with self._lock:
                key, since = self._key, self._since
            if key is not None and self._limit is not None and time.monotonic() - since > self._limit:
                self._timed_out.put(key)  # the parent fails this item and re-runs the chunk's others
                os._exit(EXIT_TIMED_OUT)


def _init_worker(
    stop_event: Any,
    timed_out: Any,
    parent_pid: int,
    item_timeout: float | None,
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
) -> None:
    global _stop_event, _watchdog
    _stop_event = stop_event
    _watchdog = _Watchdog(parent_pid, item_timeout, timed_out)
    # Ctrl-C reaches the whole process group; the parent decides how to stop, workers finish their item.
    # (SIGTERM is blocked in workers from birth: see _start_forkserver.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _start_forkserver(context: Any) -> None:
    """Start the fork server (once per process) with SIGTERM blocked in it, and so in every worker it forks.

    A SIGTERM sent to the whole process group (as service managers stop a job) would
    otherwise kill the fork server, which the pool takes for the death of every worker:
    their items would fail and the workers themselves run on, orphaned. Blocked, the
    signal reaches only the parent, which stops the batch the way Ctrl-C does. The
    mask is inherited across fork and exec; here it is restored at once, so a SIGTERM
    arriving meanwhile is delivered, not lost.
    """
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Worker processes started meanwhile do not run this process's script again.

    multiprocessing hands a new process the path of ``__main__``'s file, and the process runs
    it as ``__mp_main__`` (``spawn.get_preparation_data``): for the ``tailor`` console script,
    the CLI again, in every worker. A worker needs only what the fork server preloaded and the
    functions it is sent (module-level, by name), so the path is hidden while workers start.
    A ``python -m`` main (a ``__spec__``) is not re-run by multiprocessing: nothing to hide.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


class ChunkPool(Generic[_Chunk]):
    """``fn(chunk)`` on ``workers`` processes; ``completed()`` hands back ``(chunk, result | error)`` pairs."""

    def __init__(
        self,
        fn: Callable[[_Chunk], Any],
        *,
        workers: int,
        max_in_flight: int,
        initializer: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        preload: Sequence[str] = (),
        item_timeout: float | None = None,
    ) -> None:
        # forkserver: workers are forked from a clean server process, never from this one,
        # which may run threads (the progress bar's); ``preload`` is imported there once.
        self._context = multiprocessing.get_context("forkserver")
        if preload:
            self._context.set_forkserver_preload(list(preload))
        self._fn = fn
        self._workers = workers
        self._max = max_in_flight
        self._stop_event = self._context.Event()
        self._timed_out = self._context.SimpleQueue()
        self._initargs = (self._stop_event, self._timed_out, os.getpid(), item_timeout, initializer, initargs)
        self._executor: ProcessPoolExecutor | None = None
        self._futures: dict[Future[Any], _Chunk] = {}
        self.restarts = 0

    def __enter__(self) -> ChunkPool[_Chunk]:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def in_flight(self) -> int:
        return len(self._futures)

    @property
    def full(self) -> bool:
        return len(self._futures) >= self._max

    def submit(self, chunk: _Chunk) -> None:
        if self._executor is None:
            _start_forkserver(self._context)
            self._executor = ProcessPoolExecutor(
                self._workers, mp_context=self._context, initializer=_init_worker, initargs=self._initargs
            )
        try:
            with _main_script_hidden():  # a submit is where the pool starts its worker processes
                future = self._executor.submit(self._fn, chunk)
        except BrokenProcessPool as error:  # broke between two completions: this chunk did not start
            future = Future()
            future.set_exception(error)
        self._futures[future] = chunk

    def completed(self, timeout: float | None) -> list[tuple[_Chunk, Any | BaseException]]:
        """Wait up to ``timeout`` for chunks to finish; each as (chunk, its result or its error)."""
        if not self._futures:
            return []
        done, _ = wait(self._futures, timeout=timeout, return_when=FIRST_COMPLETED)
        finished: list[tuple[_Chunk, Any | BaseException]] = []
        broken = False
        for future in done:
            chunk = self._futures.pop(future)
            try:
                finished.append((chunk, future.result()))
            except CancelledError as error:
                finished.append((chunk, error))
            except BrokenProcessPool as error:
                broken = True
                finished.append((chunk, error))
            except Exception as error:  # noqa: BLE001 -- the chunk function raised: its whole chunk failed
                finished.append((chunk, error))
        if broken:
            finished.extend(self._fail_in_flight())
            timed_out = self._drain_timed_out()
            finished = [(chunk, WorkerLost(str(error) or "worker process died", timed_out)
                         if isinstance(error, BrokenProcessPool) else error) for chunk, error in finished]
        return finished

    def _drain_timed_out(self) -> frozenset[Any]:
        keys = set()
        with contextlib.suppress(OSError, EOFError):
            while not self._timed_out.empty():
                keys.add(self._timed_out.get())
        return frozenset(keys)

    def _fail_in_flight(self) -> list[tuple[_Chunk, BaseException]]:
        """The pool is broken: whatever was in flight is lost with it; the next submit starts a new pool."""
        failed: list[tuple[_Chunk, BaseException]] = []
        for future, chunk in self._futures.items():
            try:
                error: BaseException = future.exception(timeout=5.0) or BrokenProcessPool("worker pool broke")
            except (CancelledError, TimeoutError) as exc:
                error = exc
            failed.append((chunk, error))
        self._futures.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        self.restarts += 1
        return failed

    def stop(self) -> None:
        """Ask workers to stop after their current item; chunks not yet picked up are cancelled."""
        self._stop_event.set()
        for future in self._futures:
            future.cancel()

    def kill(self) -> None:
        """End every worker now, whatever it is doing (a stop that cannot wait for the item in flight).

        Their chunks come back from ``completed`` as lost. The workers are this process's own
        children (``multiprocessing.active_children``), forked by the fork server.
        """
        self.stop()
        for child in multiprocessing.active_children():
            with contextlib.suppress(OSError):
                child.kill()

    def close(self) -> None:
        """Wait for the workers to exit (they close their sessions on the way out).

        Chunks still in flight here mean the batch is unwinding (a second Ctrl-C, an error):
        their workers are ended rather than waited for.
        """
        if any(not f.done() for f in self._futures):
            self.kill()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
