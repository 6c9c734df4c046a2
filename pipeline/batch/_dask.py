"""A batch on a Dask cluster: chunks as tasks, bounded in flight, streamed back, re-run when a worker is lost.

Without a scheduler address a ``distributed.LocalCluster`` is started (one
single-threaded worker process per requested worker, no dashboard); with one, the
batch joins that cluster. Each chunk is one task (``retries=2``, ``pure=False``):
a worker lost mid-chunk makes the scheduler run the chunk again elsewhere, and
an item already reported (a chunk that arrived twice) is not reported again.
Outputs are written by the worker that runs the item (atomically, so a re-run
just replaces it); the manifest and the history are written here, by the client,
once per item.
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

from tailor.pipeline.batch.report import BatchItem, ItemOutcome
from tailor.pipeline.batch.worker import WorkItem, WorkResult, one_line
from tailor.pipeline.errors import InputError, TailorError

if TYPE_CHECKING:
    from distributed import Client

    from tailor.pipeline.batch.driver import Batch
    from tailor.pipeline.batch.plan import Produced
    from tailor.pipeline.history import RunRecord

CHUNK_SIZE = 8  # items per task: a task costs the scheduler ~ms, an item ~tens of ms
RETRIES = 2  # a chunk that raised is tried again this often (a lost worker is the scheduler's own re-run)
_POLL_S = 0.005  # how often the client looks for finished chunks and at should_stop
_CONNECT_S = 10.0  # how long to wait for a --scheduler to answer
_NO_WORKERS_S = 30.0  # a cluster without any worker this long will not run what is in flight

_worker_lock = threading.Lock()  # in a worker: one chunk at a time per process (one Session, one event loop)


def run_remote_chunk(
    chunk: list[WorkItem], settings_data: dict[str, Any], use_cache: bool, batch_id: str
) -> tuple[list[WorkResult], list[str], dict[int, RunRecord]]:
    """The task a Dask worker runs: its process's Session (opened by the batch's first chunk here), then the chunk."""
    from tailor.pipeline.batch import worker

    with _worker_lock:
        worker.ensure_worker(settings_data, use_cache, batch_id, keep_history=True)
        return worker.run_chunk_keeping_history(chunk)


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client of the cluster at ``scheduler``, else of a LocalCluster of ``workers`` processes (closed on exit)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--executor dask: the distributed package is missing (pip install 'tailor-cli[distributed]')") from None
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


def run_on_dask(
    batch: Batch,
    plan: Iterator[tuple[BatchItem, Produced | None]],
    report: Callable[[ItemOutcome], None],
    flush: Callable[[], None],
    should_stop: Callable[[], bool],
) -> bool:
    """Run ``plan``'s items that are not up to date on the cluster; return True when stopped early.

    ``plan`` ends when a stop is asked for; chunks already sent finish (at most two per
    worker thread) and are recorded, so their outputs are not redone on the next run.
    """
    history = _open_history(batch)
    pending: dict[int, BatchItem] = {}  # items sent and not yet reported, by index
    seen_warnings: set[str] = set()
    history_failed = False

    def collect(future: Any) -> None:
        nonlocal history_failed
        chunk: list[WorkItem] = in_flight.pop(future)
        if future.status != "finished":
            error = future.exception() if future.status == "error" else None
            reason = _lost_reason(error)
            for work in chunk:
                item = pending.pop(work[0], None)
                if item is not None:
                    report(ItemOutcome(item, "failed", reason, None, None, 0.0))
            return
        results, warnings, records = future.result()
        for i, status, error, before, after, duration in results:
            item = pending.pop(i, None)
            if item is None:  # already reported: this chunk ran twice
                continue
            report(ItemOutcome(item, status, error, before, after, duration))  # type: ignore[arg-type]
            record = records.get(i)
            if history is not None and record is not None and not history_failed:
                try:
                    history.record(record)
                except TailorError as exc:  # the batch goes on without its history, said once
                    history_failed = True
                    batch.warn(f"history not written: {exc}")
        for warning in warnings:
            if warning not in seen_warnings:
                seen_warnings.add(warning)
                batch.warn(warning)

    in_flight: dict[Any, list[WorkItem]] = {}
    settings_data = batch.settings.model_dump(mode="json")
    gave_up = False  # the cluster had no worker for _NO_WORKERS_S: what is in flight is failed, the rest not started

    def halted() -> bool:
        return gave_up or should_stop()

    try:
        with dask_client(batch.scheduler, batch.workers) as client:
            from distributed import as_completed

            finished = as_completed()
            limit = 2 * max(1, _threads(client))
            workers_seen = time.monotonic()  # when the cluster last had a worker
            checked = workers_seen

            def drain(block: bool, stoppable: bool = True) -> None:
                nonlocal gave_up, workers_seen, checked
                while block and not finished.has_ready() and not (stoppable and halted()):
                    time.sleep(_POLL_S)
                    now = time.monotonic()
                    if now - checked < 1.0:
                        continue
                    checked = now
                    if client.nthreads():
                        workers_seen = now
                    elif now - workers_seen > _NO_WORKERS_S:
                        give_up()
                        return
                if finished.has_ready():
                    for future in finished.next_batch(block=False):
                        collect(future)
                    flush()

            def give_up() -> None:
                nonlocal gave_up
                gave_up = True
                batch.warn(f"the Dask cluster has had no worker for {_NO_WORKERS_S:g} s: gave up on the items in flight")
                client.cancel(list(in_flight))
                for chunk in in_flight.values():
                    for work in chunk:
                        item = pending.pop(work[0], None)
                        if item is not None:
                            report(ItemOutcome(item, "failed", "no Dask worker left to run this item", None, None, 0.0))
                in_flight.clear()

            def submit(chunk: list[WorkItem]) -> None:
                future = client.submit(
                    run_remote_chunk, chunk, settings_data, batch.use_cache, batch.batch_id, retries=RETRIES, pure=False
                )
                in_flight[future] = chunk
                finished.add(future)

            chunk: list[WorkItem] = []
            for item, done in plan:
                if done is not None:
                    report(ItemOutcome(item, "skipped", None, done.score_before, done.score_after, 0.0))
                    continue
                pending[item.index] = item
                # Absolute: a worker's working folder is not the client's.
                chunk.append((item.index, os.path.abspath(item.resume), os.path.abspath(item.job), os.path.abspath(item.output)))
                if len(chunk) == CHUNK_SIZE:
                    while len(in_flight) >= limit and not halted():
                        drain(block=True)
                    if halted():
                        break
                    submit(chunk)
                    chunk = []
                    drain(block=False)
            if chunk and not halted():
                submit(chunk)
                chunk = []
            for work in chunk:  # gathered but never sent
                report(ItemOutcome(pending.pop(work[0]), "not_started", None, None, None, 0.0))
            while in_flight:
                drain(block=True, stoppable=False)
    finally:
        if history is not None:
            history.close()
    return should_stop()


def _open_history(batch: Batch) -> Any:
    if not batch.settings.history.enabled:
        return None
    from tailor.pipeline.history import History

    try:
        return History(batch.settings.history_path)
    except (TailorError, OSError) as error:
        batch.warn(f"history disabled: {error}")
        return None


def _threads(client: Client) -> int:
    """Worker threads in the cluster now: how many chunks can run at once."""
    return sum(client.nthreads().values())


def _lost_reason(error: BaseException | None) -> str:
    """Why a whole chunk failed on the cluster (its items were never reported)."""
    if error is None:
        return "the chunk was cancelled on the Dask cluster"
    name = type(error).__name__
    if name == "KilledWorker":
        return f"Dask workers died while this item was in flight, {RETRIES + 1} times or more ({one_line(str(error))})"
    return f"internal error: {name}: {one_line(str(error))}"
