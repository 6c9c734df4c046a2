"""The worker-process side of a batch: one ``ChunkRunner`` per process, opened once, closed at exit.

A ``ChunkRunner`` re-validates the parent's settings (loaded once, in the parent),
compiles the taxonomy and opens the Session on its own ``asyncio.Runner``; ``run``
then tailors a chunk's items one after another (the local engine is CPU-bound: one
item per core at a time is the fastest schedule). The process's runner is made by
the pool initializer (``init_worker``) and closed by a multiprocessing finalizer
when the pool shuts the worker down, which also flushes the background history writes.

On a Dask worker (``run_remote_chunk``) the runner is made with ``keep_history``: its
Session writes no history; each item's record is kept and returned with the chunk,
so the parent writes every row once, however often a lost chunk is re-run.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from contextvars import ContextVar
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailor.pipeline.batch._pool import item_deadline, stop_requested
from tailor.pipeline.batch.executor import ChunkResult, WorkItem, WorkResult, one_line
from tailor.pipeline.batch.plan import append_manifest
from tailor.pipeline.errors import TailorError

if TYPE_CHECKING:
    from tailor.pipeline.history import RunRecord

_item: ContextVar[int] = ContextVar("tailor_batch_item")  # the item a run (and its background steps) belongs to
_LOG_STEP = "logged"  # the background step that hands a run's facts to the history
_SETTLE_S = 5.0  # longest wait for a chunk's log steps (the Session's own flush timeout)

# (settings as JSON data, use_cache, batch_id, keep_history): what a runner is made with
Setup = tuple[dict[str, Any], bool, str, bool]


class _KeptRecords:
    """Stands in for the History: keeps each run's record, by item, for the parent instead of writing it."""

    def __init__(self) -> None:
        self.records: dict[int, RunRecord] = {}

    def record(self, run: RunRecord) -> None:
        self.records[_item.get()] = run

    def close(self) -> None:
        pass


class ChunkRunner:
    """This process's batch session: settings, taxonomy and Session, opened once; runs chunks."""

    def __init__(self, settings_data: dict[str, Any], use_cache: bool, batch_id: str, keep_history: bool = False,
                 *, settle: bool = False) -> None:
        from tailor.config import Settings
        from tailor.pipeline.app.session import Session
        from tailor.pipeline.tailoring.taxonomy import load_taxonomy

        settings = Settings.model_validate(settings_data)
        load_taxonomy()
        self.setup: Setup = (settings_data, use_cache, batch_id, keep_history)
        self.batch_id = batch_id
        self._warnings: list[str] = []
        self._runner: asyncio.Runner | None = asyncio.Runner()
        self.session = Session(settings, use_cache=use_cache, record_history=not keep_history, warn=self._warnings.append)
        self._fingerprint = settings.fingerprint()  # what the manifest says each output was made under
        self._kept = _KeptRecords() if keep_history and settings.history.enabled else None
        if self._kept is not None:
            # The session's history sink builds the record exactly as for a local run; this keeps it.
            self.session.history = self._kept  # type: ignore[assignment]  # a History's record() and close()
        try:
            self._runner.run(self.session.__aenter__())
        except BaseException:
            self._runner.close()
            self._runner = None
            raise
        # On a local pool this worker writes each ok item's manifest line itself (after its history
        # row, if there is a history); where the parent writes the history (Dask), it writes both.
        self.writes_manifest = self._kept is None
        self._wait_for_log = self.session.history is not None
        # ``settle``: a chunk returns only once its items' history rows are written (in-process
        # batches: nothing of an earlier item is still running when a later one is interrupted).
        self._settle = settle and self._wait_for_log

    @property
    def is_open(self) -> bool:
        return self._runner is not None

    def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is None:
            return
        try:
            runner.run(self.session.__aexit__(None, None, None))
        finally:
            runner.close()

    def abandon(self) -> None:
        """Close after an item was interrupted mid-run: its tasks are cancelled first, so none of its work goes on."""
        runner = self._runner
        if runner is None:
            return
        tasks = [task for task in asyncio.all_tasks(runner.get_loop()) if not task.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            with contextlib.suppress(Exception):
                runner.run(asyncio.wait(tasks, timeout=_SETTLE_S))
        self.close()

    def run(self, chunk: list[WorkItem]) -> ChunkResult:
        """Tailor each item of ``chunk``; every failure stays its own. Results, new warnings, kept records."""
        assert self._runner is not None, "the runner is closed"
        results = self._runner.run(self._run(chunk))
        warnings = self._warnings[:]
        self._warnings.clear()
        if self._kept is None:
            return results, warnings, {}
        kept = self._kept.records
        records = {index: kept.pop(index) for index, *_ in results if index in kept}
        kept.clear()  # a record whose item was not in this chunk's results belongs to no one
        return results, warnings, records

    async def _run(self, chunk: list[WorkItem]) -> list[WorkResult]:
        from tailor.pipeline.app.session import RunRequest

        results: list[WorkResult] = []
        logged: list[asyncio.Event] = []  # one per ok item whose record is being kept
        for index, resume, job, output in chunk:
            if stop_requested():
                results.append((index, "not_started", None, None, None, 0.0))
                continue
            start = time.perf_counter()
            request = RunRequest(resume=Path(resume), job=Path(job), output=Path(output), batch_id=self.batch_id)
            done = asyncio.Event()
            # This worker records the output in the manifest itself (the parent does too, when the chunk
            # comes back): after the history row, so a parent killed meanwhile means a re-run skips the
            # item, neither redoing nor logging it twice, nor leaving it unlogged.
            manifest = _ManifestLine(output, self._fingerprint, wait_for_log=self._wait_for_log) if self.writes_manifest else None
            token = _item.set(index)  # background steps start in a copy of this context: the record knows its item
            try:
                with item_deadline(index):  # past batch.item_timeout_seconds the watchdog ends this process
                    listen = self._kept is not None or manifest is not None
                    outcome = await self.session.tailor(request, on_event=_when_logged(done, manifest) if listen else None)
            except TailorError as error:
                results.append((index, "failed", one_line(str(error)), None, None, _since(start)))
            except Exception as error:  # noqa: BLE001 -- a bug on one input must not take the other items down
                results.append((index, "failed", one_line(f"internal error: {type(error).__name__}: {error}"), None, None, _since(start)))
            else:
                results.append((index, "ok", None, outcome.ats_before.total, outcome.ats_after.total, _since(start)))
                logged.append(done)
                if manifest is not None:
                    manifest.scored(outcome.ats_before.total, outcome.ats_after.total)
            finally:
                _item.reset(token)
        if (self._kept is not None or self._settle) and logged:
            # The log step runs in the background: let it finish before the chunk's records go back.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(_SETTLE_S):
                    for done in logged:
                        await done.wait()
        return results


# --- this process's runner ----------------------------------------------------------

_current: ChunkRunner | None = None  # the one piece of process state: made by init_worker / ensure_worker
_remote_lock = threading.Lock()  # on a Dask worker: one chunk at a time per process (one Session, one event loop)


def current() -> ChunkRunner | None:
    """This process's runner, if one is open."""
    return _current


def init_worker(settings_data: dict[str, Any], use_cache: bool, batch_id: str, keep_history: bool = False) -> None:
    """Pool initializer: this process's runner, once per worker process (closed at its exit)."""
    global _current
    _current = ChunkRunner(settings_data, use_cache, batch_id, keep_history)
    Finalize(None, _close_current, exitpriority=10)


def ensure_worker(settings_data: dict[str, Any], use_cache: bool, batch_id: str, keep_history: bool) -> None:
    """``init_worker`` unless this process already has a runner made with these arguments.

    A Dask worker outlives batches: the first chunk of a batch opens its runner
    (closing the previous batch's), later chunks reuse it.
    """
    setup: Setup = (settings_data, use_cache, batch_id, keep_history)
    if _current is not None and _current.is_open and _current.setup == setup:
        return
    _close_current()
    init_worker(*setup)


def _close_current() -> None:
    global _current
    runner, _current = _current, None
    if runner is not None:
        runner.close()


def run_chunk(chunk: list[WorkItem]) -> ChunkResult:
    """The pool's task: ``chunk`` on this process's runner (made by ``init_worker``)."""
    assert _current is not None, "init_worker did not run"
    return _current.run(chunk)


def run_remote_chunk(chunk: list[WorkItem], settings_data: dict[str, Any], use_cache: bool, batch_id: str) -> ChunkResult:
    """The task a Dask worker runs: its process's runner (opened by the batch's first chunk here), then the chunk."""
    with _remote_lock:
        ensure_worker(settings_data, use_cache, batch_id, keep_history=True)
        return run_chunk(chunk)


def _when_logged(done: asyncio.Event, manifest: _ManifestLine | None) -> Any:
    def on_event(event: Any) -> None:
        if event.step == _LOG_STEP and event.kind not in ("started", "warning"):
            done.set()
            if manifest is not None:
                manifest.logged()

    return on_event


class _ManifestLine:
    """One ok item's manifest line, written once both its scores are known and its history row is."""

    def __init__(self, output: str, fingerprint: str, *, wait_for_log: bool) -> None:
        self._output = output
        self._fingerprint = fingerprint
        self._log_done = not wait_for_log
        self._scores: tuple[float, float] | None = None

    def scored(self, before: float, after: float) -> None:
        self._scores = (before, after)
        self._write()

    def logged(self) -> None:
        self._log_done = True
        self._write()

    def _write(self) -> None:
        if self._scores is None or not self._log_done:
            return
        scores, self._scores = self._scores, None  # once
        with contextlib.suppress(OSError):
            append_manifest(self._output, self._fingerprint, *scores)


def _since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
