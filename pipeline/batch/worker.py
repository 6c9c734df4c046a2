"""The worker-process side of a batch: one Session per process, opened once, closed at exit.

The initializer re-validates the parent's settings (loaded once, in the parent),
compiles the taxonomy and opens the Session on a module-level ``asyncio.Runner``;
``run_chunk`` then tailors its items one after another (the local engine is
CPU-bound: one item per core at a time is the fastest schedule). The session is
closed by a multiprocessing finalizer when the pool shuts the worker down, which
also flushes the background history writes.

A Dask worker (``_batch_dask``) uses the same code with ``keep_history``: its Session
writes no history; each item's record is kept and returned with the chunk, so the
client writes every row once, however often a lost chunk is re-run.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from contextvars import ContextVar
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailor.pipeline.batch._pool import stop_requested
from tailor.pipeline.errors import TailorError

if TYPE_CHECKING:
    from tailor.pipeline.history import RunRecord

# (index, resume path, job path, output path)
WorkItem = tuple[int, str, str, str]
# (index, status, error, score before, score after, duration ms)
WorkResult = tuple[int, str, "str | None", "float | None", "float | None", float]

_runner: asyncio.Runner | None = None
_session: Any = None
_batch_id: str | None = None
_warnings: list[str] = []
_setup: tuple[Any, ...] | None = None  # the init_worker arguments the open session was made with
_kept: dict[int, RunRecord] | None = None  # keep_history: each item's record, by item index
_item: ContextVar[int] = ContextVar("tailor_batch_item")  # the item a run (and its background steps) belongs to
_LOG_STEP = "logged"  # the background step that hands a run's facts to the history
_SETTLE_S = 5.0  # longest wait for a chunk's log steps (the Session's own flush timeout)


class _KeptRecords:
    """Stands in for the History: keeps each run's record for the client instead of writing it."""

    def record(self, run: RunRecord) -> None:
        assert _kept is not None
        _kept[_item.get()] = run

    def close(self) -> None:
        pass


def init_worker(settings_data: dict[str, Any], use_cache: bool, batch_id: str, keep_history: bool = False) -> None:
    """Pool initializer: settings, taxonomy and Session, once per worker process."""
    global _runner, _session, _batch_id, _setup, _kept
    from tailor.config import Settings
    from tailor.pipeline.app.session import Session
    from tailor.pipeline.tailoring.taxonomy import load_taxonomy

    settings = Settings.model_validate(settings_data)
    load_taxonomy()
    _batch_id = batch_id
    _setup = (settings_data, use_cache, batch_id, keep_history)
    _runner = asyncio.Runner()
    _session = Session(settings, use_cache=use_cache, record_history=not keep_history, warn=_warnings.append)
    _kept = {} if keep_history and settings.history.enabled else None
    if _kept is not None:
        # The session's history sink builds the record exactly as for a local run; this keeps it.
        _session.history = _KeptRecords()
    _runner.run(_session.__aenter__())
    Finalize(None, _close, exitpriority=10)


def ensure_worker(settings_data: dict[str, Any], use_cache: bool, batch_id: str, keep_history: bool) -> None:
    """``init_worker`` unless this process already has a session made with these arguments.

    A Dask worker outlives batches: the first chunk of a batch opens its session
    (closing the previous batch's), later chunks reuse it.
    """
    setup = (settings_data, use_cache, batch_id, keep_history)
    if _setup == setup and _runner is not None:
        return
    _close()
    init_worker(*setup)


def _close() -> None:
    global _runner, _session, _setup
    if _runner is None:
        return
    try:
        if _session is not None:
            _runner.run(_session.__aexit__(None, None, None))
    finally:
        _runner.close()
        _runner = None
        _session = None
        _setup = None


def run_chunk(chunk: list[WorkItem]) -> tuple[list[WorkResult], list[str]]:
    """Tailor each item of ``chunk``; every failure stays its own. Returns results and new warnings."""
    assert _runner is not None, "init_worker did not run"
    results = _runner.run(_run(chunk))
    warnings = _warnings[:]
    _warnings.clear()
    return results, warnings


def run_chunk_keeping_history(chunk: list[WorkItem]) -> tuple[list[WorkResult], list[str], dict[int, RunRecord]]:
    """``run_chunk`` for a worker made with ``keep_history``: also each ok item's history record, by index."""
    results, warnings = run_chunk(chunk)
    if _kept is None:
        return results, warnings, {}
    records = {index: _kept.pop(index) for index, *_ in results if index in _kept}
    _kept.clear()  # a record whose item was not in this chunk's results belongs to no one
    return results, warnings, records


async def _run(chunk: list[WorkItem]) -> list[WorkResult]:
    from tailor.pipeline.app.session import RunRequest

    results: list[WorkResult] = []
    logged: list[asyncio.Event] = []  # one per ok item whose record is being kept
    for index, resume, job, output in chunk:
        if stop_requested():
            results.append((index, "not_started", None, None, None, 0.0))
            continue
        start = time.perf_counter()
        request = RunRequest(resume=Path(resume), job=Path(job), output=Path(output), batch_id=_batch_id)
        done = asyncio.Event()
        token = _item.set(index)  # background steps start in a copy of this context: the record knows its item
        try:
            outcome = await _session.tailor(request, on_event=_when_logged(done) if _kept is not None else None)
        except TailorError as error:
            results.append((index, "failed", one_line(str(error)), None, None, _since(start)))
        except Exception as error:  # noqa: BLE001 -- a bug on one input must not take the other items down
            results.append((index, "failed", one_line(f"internal error: {type(error).__name__}: {error}"), None, None, _since(start)))
        else:
            results.append((index, "ok", None, outcome.ats_before.total, outcome.ats_after.total, _since(start)))
            logged.append(done)
        finally:
            _item.reset(token)
    if _kept is not None and logged:
        # The log step runs in the background: let it finish before the chunk's records go back.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_SETTLE_S):
                for done in logged:
                    await done.wait()
    return results


def _when_logged(done: asyncio.Event) -> Any:
    def on_event(event: Any) -> None:
        if event.step == _LOG_STEP and event.kind not in ("started", "warning"):
            done.set()

    return on_event


def one_line(text: str) -> str:
    return " ".join(text.split())


def _since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
