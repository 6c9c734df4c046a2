"""The ``Executor`` on worker processes of this machine: a ``ChunkPool`` running ``worker.run_chunk``.

Each worker process opens one Session (``worker.init_worker``) and writes its own
history rows. Workers are forked from a fork server that has already imported the
worker's modules (``PRELOAD``), so starting one costs a fork, not an import.
"""

from __future__ import annotations

from typing import Any

from tailor.pipeline.batch._pool import ChunkPool
from tailor.pipeline.batch.executor import Finished, WorkItem
from tailor.pipeline.batch.worker import init_worker, run_chunk

# Imported once in the fork server (by name): the worker module and the Session it opens.
PRELOAD = ("tailor.pipeline.batch.worker", "tailor.pipeline.app.session")


class PoolExecutor:
    """Chunks on ``workers`` processes, at most two per worker in flight."""

    parent_writes_history = False  # each worker's Session writes its own rows

    def __init__(self, settings_data: dict[str, Any], *, use_cache: bool, batch_id: str, workers: int) -> None:
        self._pool: ChunkPool[list[WorkItem]] = ChunkPool(
            run_chunk,
            workers=workers,
            max_in_flight=2 * workers,
            initializer=init_worker,
            initargs=(settings_data, use_cache, batch_id),
            preload=PRELOAD,
        )

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
        return self._pool.completed(timeout)

    def stop(self) -> None:
        self._pool.stop()

    def close(self) -> None:
        self._pool.close()
