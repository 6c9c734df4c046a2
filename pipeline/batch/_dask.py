"""The ``Executor`` on a Dask cluster: chunks as tasks, bounded in flight, re-run when a worker is lost.

Without a scheduler address a ``distributed.LocalCluster`` is started (one
single-threaded worker process per requested worker, no dashboard); with one, the
batch joins that cluster. Each chunk is one task (``worker.run_remote_chunk``,
``retries=2``, ``pure=False``): a worker lost mid-chunk makes the scheduler run the
chunk again elsewhere (the driver does not report an item twice). Outputs are
written by the worker that runs the item (atomically, so a re-run just replaces
it); the manifest and the history are written by the driver, in the client, once
per item.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tailor.pipeline.batch.executor import ChunkLost, Finished, WorkItem, one_line
from tailor.pipeline.batch.worker import run_remote_chunk
from tailor.pipeline.errors import InputError

if TYPE_CHECKING:
    from distributed import Client

RETRIES = 2  # a chunk that raised is tried again this often (a lost worker is the scheduler's own re-run)
_POLL_S = 0.005  # how often the client looks for finished chunks while it waits
_CONNECT_S = 10.0  # how long to wait for a --scheduler to answer
_NO_WORKERS_S = 30.0  # a cluster without any worker this long will not run what is in flight
_WORKERS_CHECK_S = 1.0  # how often a wait asks the scheduler whether any worker is left


class DaskExecutor:
    """Chunks as tasks on the cluster (two per worker thread in flight); the parent writes the history."""

    parent_writes_history = True  # workers keep each item's record and send it back with the chunk

    def __init__(
        self,
        settings_data: dict[str, Any],
        *,
        use_cache: bool,
        batch_id: str,
        scheduler: str | None,
        workers: int,
        warn: Callable[[str], None],
    ) -> None:
        self._args = (settings_data, use_cache, batch_id)
        self._warn = warn
        self._in_flight: dict[Any, list[WorkItem]] = {}
        self._given_up = False  # the cluster had no worker for _NO_WORKERS_S: what was in flight is lost
        self._stack = contextlib.ExitStack()
        try:
            self._client = self._stack.enter_context(dask_client(scheduler, workers))
            from distributed import as_completed

            self._finished = as_completed()
            self._limit = 2 * max(1, _threads(self._client))
        except BaseException:
            self._stack.close()
            raise
        self._workers_seen = time.monotonic()  # when the cluster last had a worker
        self._checked = self._workers_seen

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    @property
    def full(self) -> bool:
        return len(self._in_flight) >= self._limit

    @property
    def given_up(self) -> bool:
        return self._given_up

    def submit(self, chunk: list[WorkItem]) -> None:
        # Absolute: a worker's working folder is not the client's.
        work = [(i, os.path.abspath(resume), os.path.abspath(job), os.path.abspath(output)) for i, resume, job, output in chunk]
        future = self._client.submit(run_remote_chunk, work, *self._args, retries=RETRIES, pure=False)
        self._in_flight[future] = chunk
        self._finished.add(future)

    def completed(self, timeout: float) -> list[Finished]:
        deadline = time.monotonic() + timeout
        while not self._finished.has_ready():
            if time.monotonic() >= deadline:
                return []
            time.sleep(_POLL_S)
            if self._no_worker_for_too_long():
                return self._give_up()
        finished: list[Finished] = []
        for future in self._finished.next_batch(block=False):
            chunk = self._in_flight.pop(future, None)
            if chunk is not None:  # None: a chunk given up on, whose cancellation came back
                finished.append((chunk, _outcome(future)))
        return finished

    def stop(self) -> None:
        """Nothing to cancel: chunks already sent finish (at most two per worker thread) and are recorded."""

    def close(self) -> None:
        self._stack.close()

    def _no_worker_for_too_long(self) -> bool:
        now = time.monotonic()
        if now - self._checked < _WORKERS_CHECK_S:
            return False
        self._checked = now
        if self._client.nthreads():
            self._workers_seen = now
            return False
        return now - self._workers_seen > _NO_WORKERS_S

    def _give_up(self) -> list[Finished]:
        """No worker left: what is in flight is lost (failed), and the driver submits nothing more."""
        self._given_up = True
        self._warn(f"the Dask cluster has had no worker for {_NO_WORKERS_S:g} s: gave up on the items in flight")
        self._client.cancel(list(self._in_flight))
        lost = ChunkLost("no Dask worker left to run this item")
        finished: list[Finished] = [(chunk, lost) for chunk in self._in_flight.values()]
        self._in_flight.clear()
        return finished


def _outcome(future: Any) -> Any:
    """A finished task's ChunkResult, or the error that lost its chunk."""
    if future.status == "finished":
        return future.result()
    if future.status != "error":
        return ChunkLost("the chunk was cancelled on the Dask cluster")
    error = future.exception()
    if type(error).__name__ == "KilledWorker":
        return ChunkLost(f"Dask workers died while this item was in flight, {RETRIES + 1} times or more ({one_line(str(error))})")
    return error


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, else of a LocalCluster of ``workers`` processes (closed on exit)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("the Dask executor needs the distributed package, which is missing (from a checkout: pip install -e '.[distributed]')") from None
    if scheduler:
        try:
            client = Client(scheduler, timeout=_CONNECT_S)
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError(f"{scheduler}: cannot reach the Dask scheduler ({one_line(str(error))})") from None
        with client:
            yield client
        return
    # One single-threaded process per worker: the local engine is CPU-bound and holds the GIL.
    with _sigint_ignored():
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
    with cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C reaches the whole process group: the cluster's processes, started meanwhile, inherit
    "ignore SIGINT" (so does every worker a nanny restarts), and the batch alone decides how to stop."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _threads(client: Client) -> int:
    """Worker threads in the cluster now: how many chunks can run at once."""
    return sum(client.nthreads().values())
