"""The worker-process side of a batch: one Session per process, opened once, closed at exit.

The initializer re-validates the parent's settings (loaded once, in the parent),
compiles the taxonomy and opens the Session on a module-level ``asyncio.Runner``;
``run_chunk`` then tailors its items one after another (the local engine is
CPU-bound: one item per core at a time is the fastest schedule). The session is
closed by a multiprocessing finalizer when the pool shuts the worker down, which
also flushes the background history writes.
"""

from __future__ import annotations

import asyncio
import time
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from pipeline.errors import TailorError
from pipeline.tailoring._batch_pool import stop_requested

# (index, resume path, job path, output path)
WorkItem = tuple[int, str, str, str]
# (index, status, error, score before, score after, duration ms)
WorkResult = tuple[int, str, "str | None", "float | None", "float | None", float]

_runner: asyncio.Runner | None = None
_session: Any = None
_batch_id: str | None = None
_warnings: list[str] = []


def init_worker(settings_data: dict[str, Any], use_cache: bool, batch_id: str) -> None:
    """Pool initializer: settings, taxonomy and Session, once per worker process."""
    global _runner, _session, _batch_id
    from config import Settings
    from pipeline.tailoring.service import Session
    from pipeline.tailoring.taxonomy import load_taxonomy

    settings = Settings.model_validate(settings_data)
    load_taxonomy()
    _batch_id = batch_id
    _runner = asyncio.Runner()
    _session = Session(settings, use_cache=use_cache, warn=_warnings.append)
    _runner.run(_session.__aenter__())
    Finalize(None, _close, exitpriority=10)


def _close() -> None:
    global _runner, _session
    if _runner is None:
        return
    try:
        if _session is not None:
            _runner.run(_session.__aexit__(None, None, None))
    finally:
        _runner.close()
        _runner = None
        _session = None


def run_chunk(chunk: list[WorkItem]) -> tuple[list[WorkResult], list[str]]:
    """Tailor each item of ``chunk``; every failure stays its own. Returns results and new warnings."""
    assert _runner is not None, "init_worker did not run"
    results = _runner.run(_run(chunk))
    warnings = _warnings[:]
    _warnings.clear()
    return results, warnings


async def _run(chunk: list[WorkItem]) -> list[WorkResult]:
    from pipeline.tailoring.service import RunRequest

    results: list[WorkResult] = []
    for index, resume, job, output in chunk:
        if stop_requested():
            results.append((index, "not_started", None, None, None, 0.0))
            continue
        start = time.perf_counter()
        request = RunRequest(resume=Path(resume), job=Path(job), output=Path(output), batch_id=_batch_id)
        try:
            outcome = await _session.tailor(request)
        except TailorError as error:
            results.append((index, "failed", one_line(str(error)), None, None, _since(start)))
        except Exception as error:  # noqa: BLE001 -- a bug on one input must not take the other items down
            results.append((index, "failed", one_line(f"internal error: {type(error).__name__}: {error}"), None, None, _since(start)))
        else:
            results.append((index, "ok", None, outcome.ats_before.total, outcome.ats_after.total, _since(start)))
    return results


def one_line(text: str) -> str:
    return " ".join(text.split())


def _since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
