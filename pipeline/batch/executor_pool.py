"""The ``Executor`` on worker processes of this machine: a ``ChunkPool`` running ``worker.run_chunk``.

Each worker process opens one Session (``worker.init_worker``) and writes its own
history rows. Workers are forked from a fork server that has already imported the
worker's modules (``PRELOAD``), so starting one costs a fork, not an import.
"""

from __future__ import annotations

from typing import Any

from tailor.pipeline.batch._pool import ChunkPool, WorkerLost
from tailor.pipeline.batch.executor import ChunkResult, Finished, WorkItem, WorkResult
from tailor.pipeline.batch.worker import init_worker, run_chunk

# Imported once in the fork server (by name): the worker module and the Session it opens.
PRELOAD = ("tailor.pipeline.batch.worker", "tailor.pipeline.app.session")


class PoolExecutor:
    """Chunks on ``workers`` processes, at most two per worker in flight.

    An item that runs past ``batch.item_timeout_seconds`` ends its worker: that item fails with
    the limit as its reason, and the other items of every chunk the dead pool lost are run
    again, once (a second loss fails them with the crash).
    """

    parent_writes_history = False  # each worker's Session writes its own rows
    workers_write_manifest = True  # and its ok items' manifest lines (worker.ChunkRunner)

    def __init__(self, settings_data: dict[str, Any], *, use_cache: bool, batch_id: str, workers: int) -> None:
        self._limit = float(settings_data.get("batch", {}).get("item_timeout_seconds", 30.0))
        self._pool: ChunkPool[list[WorkItem]] = ChunkPool(
            run_chunk,
            workers=workers,
            max_in_flight=2 * workers,
            initializer=init_worker,
            initargs=(settings_data, use_cache, batch_id),
            preload=PRELOAD,
            item_timeout=self._limit,
        )
        self._retried: set[int] = set()  # items already run again after a lost pool
        self._stopping = False

    @property
    def in_flight(self) -> int:
        return self._pool.in_flight

    @property
    def full(self) -> bool:
        return self._pool.full

    @property
    def given_up(self) -> bool:
        return False  # a crashed pool is replaced by a fresh one at the next submit

    def submit(self, chunk: list[WorkItem]) -> None:
        self._pool.submit(chunk)

    def completed(self, timeout: float) -> list[Finished]:
        finished: list[Finished] = []
        for chunk, result in self._pool.completed(timeout):
            if isinstance(result, WorkerLost) and result.timed_out:
                finished.extend(self._after_timeout(chunk, result))
            else:
                finished.append((chunk, result))
        return finished

    def _after_timeout(self, chunk: list[WorkItem], lost: WorkerLost) -> list[Finished]:
        """The items of a chunk a timed-out worker took down: those that ran out of time fail; the rest run again."""
        reason = f"took longer than {self._limit:g} s (batch.item_timeout_seconds): stopped, the worker replaced"
        failed: list[WorkResult] = [(index, "failed", reason, None, None, self._limit * 1000.0)
                                    for index, *_ in chunk if index in lost.timed_out]
        again = [work for work in chunk if work[0] not in lost.timed_out]
        out: list[Finished] = []
        if failed:
            done: ChunkResult = (failed, [], {})
            out.append(([work for work in chunk if work[0] in lost.timed_out], done))
        fresh = [work for work in again if work[0] not in self._retried]
        spent = [work for work in again if work[0] in self._retried]
        if spent:
            out.append((spent, lost))
        if fresh and not self._stopping:
            self._retried.update(work[0] for work in fresh)
            self._pool.submit(fresh)
        elif fresh:
            out.append((fresh, lost))
        return out

    def stop(self) -> None:
        self._stopping = True
        self._pool.stop()

    def kill(self) -> None:
        """End the workers now (a stop that cannot wait for the items in flight)."""
        self._stopping = True
        self._pool.kill()

    def close(self) -> None:
        self._pool.close()
