"""Chunks of work on worker processes: bounded in flight, streamed back, crash-tolerant, stoppable.

Domain-free. Work goes out in chunks (one future per chunk, not per item) and at most
``max_in_flight`` chunks are submitted at once, so memory stays flat however long the
input. If a worker process dies (``BrokenProcessPool``), every chunk in flight is
reported failed with that error and a fresh pool takes the next chunks. ``stop()``
sets an event the workers poll between items (``stop_requested``) and cancels chunks
not yet picked up, so a stop waits for at most one item per worker.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Sequence
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


def stop_requested() -> bool:
    """In a worker: has the parent asked to stop? Poll it between items."""
    return _stop_event is not None and _stop_event.is_set()


def _init_worker(stop_event: Any, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    global _stop_event
    _stop_event = stop_event
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
        self._initargs = (self._stop_event, initializer, initargs)
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
        return finished

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

    def close(self) -> None:
        """Wait for the workers to exit (they close their sessions on the way out)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
