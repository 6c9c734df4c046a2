"""The ``Executor`` for a batch that fits one chunk: the chunk runs here, with no pool to start.

Starting a pool costs a fork server (a fresh interpreter importing the domain) and a worker
opening its session: for 7 items that is more than the items themselves take. A batch of
at most ``CHUNK_SIZE`` items therefore runs in this process, on the same ``ChunkRunner`` a
worker uses (same history rows, same manifest lines, same results).

The per-item time limit holds here too, by interruption rather than by killing a process:
while an item runs, a SIGALRM tick (``_TICK_S``) checks its clock, and an item past
``batch.item_timeout_seconds`` -- or still running ``_STOP_GRACE_S`` after a stop was
asked for -- is interrupted where it stands (Python code and the regex engine both take
signals). The runner it ran on is then discarded, as a killed worker would be, and the
next item gets a fresh one. Only items whose whole path is Python code qualify
(``interruptible``): a DOCX or PDF item (lxml, typst: native calls no signal stops) goes
to a worker process, where the watchdog can end it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

from tailor.pipeline.batch.executor import ChunkResult, Finished, WorkItem, WorkResult

_TICK_S = 0.1  # how often a running item's clock is looked at
_STOP_GRACE_S = 0.8  # as the pool's: how long an item may run on after a stop before it is interrupted
# Formats read and written by Python code alone (and the regex engine): an interrupt reaches them.
_PYTHON_ONLY = frozenset({".md", ".markdown", ".txt", ".text", ".json", ".yaml", ".yml"})
_PYTHON_ONLY_OUT = frozenset({"md", "txt", "json", "yaml", "html"})


def available() -> bool:
    """An item can be interrupted here: this is the main thread of a platform with interval timers."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def interruptible(resume: str, output_format: str) -> bool:
    """Reading ``resume`` and writing ``output_format`` run only Python code (an interrupt stops them)."""
    return os.path.splitext(resume)[1].lower() in _PYTHON_ONLY and output_format in _PYTHON_ONLY_OUT


class _Interrupted(BaseException):  # noqa: N818 -- not an error: BaseException, so no ``except Exception`` in an item swallows it
    """Raised into a running item by the clock: it ran out of time, or a stop could not wait for it."""


class _Clock:
    """While an item runs, SIGALRM ticks; past its limit (or a stop's grace) the item is interrupted."""

    def __init__(self, limit: float | None, should_stop: Callable[[], bool]) -> None:
        self._limit = limit
        self._should_stop = should_stop
        self._since = 0.0
        self._stop_seen: float | None = None
        self._running = False
        self.fired: str | None = None  # "timed_out" or "stopped": why the last item was interrupted

    @contextlib.contextmanager
    def item(self) -> Iterator[None]:
        self.fired = None
        self._since, self._stop_seen, self._running = time.monotonic(), None, True
        previous = signal.signal(signal.SIGALRM, self._tick)
        signal.siginterrupt(signal.SIGALRM, False)  # a tick must not fail a system call with EINTR
        signal.setitimer(signal.ITIMER_REAL, _TICK_S, _TICK_S)
        try:
            yield
        finally:
            self._running = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _tick(self, signum: int, frame: FrameType | None) -> None:
        if not self._running or self.fired is not None:
            return
        now = time.monotonic()
        if self._limit is not None and now - self._since > self._limit:
            self.fired = "timed_out"
        elif self._should_stop():
            if self._stop_seen is None:
                self._stop_seen = now
            elif now - self._stop_seen > _STOP_GRACE_S:
                self.fired = "stopped"
        if self.fired is not None:
            raise _Interrupted(self.fired)


class InlineExecutor:
    """Chunks run in this process, one item at a time, when ``completed`` is called.

    ``should_stop`` is the batch's stop request: items not begun when it is set are not
    started; the one running is given ``_STOP_GRACE_S`` to finish.
    """

    parent_writes_history = False  # the runner's Session writes the rows, as a worker's does
    workers_write_manifest = True  # and the ok items' manifest lines (worker.ChunkRunner)
    in_flight_limit = 1

    def __init__(self, settings_data: dict[str, Any], *, use_cache: bool, batch_id: str,
                 should_stop: Callable[[], bool]) -> None:
        limit = float(settings_data.get("batch", {}).get("item_timeout_seconds", 30.0))
        self._limit = limit if limit > 0 else None
        self._setup = (settings_data, use_cache, batch_id)
        self._should_stop = should_stop
        self._clock = _Clock(self._limit, should_stop)
        self._queued: list[list[WorkItem]] = []
        self._runner: Any = None  # worker.ChunkRunner, made at the first item
        self._stopping = False

    @property
    def in_flight(self) -> int:
        return len(self._queued)

    @property
    def full(self) -> bool:
        return len(self._queued) >= self.in_flight_limit

    @property
    def given_up(self) -> bool:
        return False

    def submit(self, chunk: list[WorkItem]) -> None:
        self._queued.append(chunk)

    def completed(self, timeout: float) -> list[Finished]:
        """Run every queued chunk now (``timeout`` does not apply: the work is here)."""
        finished: list[Finished] = []
        while self._queued:
            chunk = self._queued.pop(0)
            finished.append((chunk, self._run(chunk)))
        return finished

    def _run(self, chunk: list[WorkItem]) -> ChunkResult:
        results: list[WorkResult] = []
        warnings: list[str] = []
        for work in chunk:
            if self._stopping or self._should_stop():
                results.append((work[0], "not_started", None, None, None, 0.0))
                continue
            result, said = self._one(work)
            results.append(result)
            warnings.extend(w for w in said if w not in warnings)
        return results, warnings, {}

    def _one(self, work: WorkItem) -> tuple[WorkResult, list[str]]:
        start = time.perf_counter()
        try:
            with self._clock.item():
                runner = self._open()
                (result,), said, _ = runner.run([work])
        except _Interrupted:
            pass
        except BaseException:
            if self._clock.fired is None:  # a second Ctrl-C, a bug in the runner: nothing of this item may go on
                self._discard()
                raise
        if self._clock.fired is None:
            return result, said
        # Interrupted wherever it stood: its runner may hold a half-done step. Discarded, as a
        # killed worker is; the next item opens a fresh one.
        self._discard()
        if self._clock.fired == "stopped":
            self._stopping = True
            return (work[0], "not_started", None, None, None, 0.0), []
        assert self._limit is not None
        reason = f"took longer than {self._limit:g} s (batch.item_timeout_seconds): stopped"
        return (work[0], "failed", reason, None, None, (time.perf_counter() - start) * 1000.0), []

    def _open(self) -> Any:
        if self._runner is None:
            from tailor.pipeline.batch.worker import ChunkRunner

            self._runner = ChunkRunner(*self._setup, settle=True)
        return self._runner

    def _discard(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            with contextlib.suppress(Exception):
                runner.abandon()

    def stop(self) -> None:
        self._stopping = True

    def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.close()
