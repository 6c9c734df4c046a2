"""Run a batch: stream the plan, skip what is up to date, tailor the rest, report each outcome.

The local provider is CPU-bound: its items go in chunks to worker processes (one
Session each). I/O-bound providers (simulated) run in this process with async
concurrency over one Session. ``executor="dask"`` sends the chunks to a Dask
cluster instead, whatever the provider (``_batch_dask``). Either way outcomes
reach ``on_outcome`` as they finish, successes are recorded in the --out manifest
at once, and ``should_stop`` (Ctrl-C) stops the intake: items in flight finish,
the rest are "not_started".
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tailor.pipeline.batch.plan import (
    Namer,
    OutputIndex,
    Produced,
    SkipNote,
    walk_resumes,
)
from tailor.pipeline.batch.report import BatchItem, ItemOutcome
from tailor.pipeline.writers import output_extension, remove_stale_parts

if TYPE_CHECKING:
    from tailor.config import Settings

CHUNK_SIZE = 8  # items per worker task: amortises the IPC, small enough to balance the tail
_POLL_S = 0.1  # how often the parent looks at should_stop while waiting


@dataclass
class Batch:
    """Every resume under ``folder`` against every job in ``jobs``, outputs in ``out``."""

    settings: Settings
    folder: Path
    jobs: Sequence[Path]
    out: Path
    force: bool = False
    use_cache: bool = True
    workers: int = 1
    concurrency: int = 8
    executor: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # a Dask scheduler's address (tcp://host:8786); None starts a LocalCluster
    warn: Callable[[str], None] = lambda message: None
    batch_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    skipped_files: SkipNote = field(default_factory=SkipNote)

    @property
    def uses_processes(self) -> bool:
        """The local engine is CPU-bound: worker processes. Others wait on I/O: async in one process."""
        return self.settings.provider.name == "local"

    def count(self) -> int:
        """Items the batch holds (resumes x jobs), counted by a walk that keeps nothing."""
        resumes = sum(1 for _ in walk_resumes(self.folder, exclude=self.out))
        return resumes * len(self.jobs)

    def run(self, on_outcome: Callable[[ItemOutcome], None], should_stop: Callable[[], bool]) -> bool:
        """Run the batch; return True when it was stopped before every item was done."""
        index = OutputIndex.load(self.out)
        fingerprint = self.settings.fingerprint()

        def report(outcome: ItemOutcome) -> None:
            if outcome.status == "ok":
                assert outcome.score_before is not None and outcome.score_after is not None
                index.record(outcome.item.name, fingerprint, outcome.score_before, outcome.score_after)
            on_outcome(outcome)

        if self.use_cache and self.settings.cache.enabled:
            self._warm_jobs()
        plan = self._plan(index, fingerprint)
        try:
            if self.executor == "dask":
                from tailor.pipeline.batch._dask import run_on_dask

                stopped = run_on_dask(self, _until(plan, should_stop), report, index.flush, should_stop)
            elif self.uses_processes:
                stopped = self._run_processes(plan, report, index, should_stop)
            else:
                stopped = self._run_async(plan, report, should_stop)
            # What the stop left untouched is counted, not silently dropped.
            for item, _ in plan:
                on_outcome(ItemOutcome(item, "not_started", None, None, None, 0.0))
        finally:
            index.close()
            remove_stale_parts(self.out)  # what a killed writer left: only whole outputs stay
        return stopped

    def _warm_jobs(self) -> None:
        """Analyse each job once, here, before the workers start: otherwise every worker's
        first item would miss the shared cache at the same moment and analyse it again."""
        import anyio

        from tailor.pipeline.app.warm import warm_job_files

        for warmed in anyio.run(warm_job_files, self.settings, list(self.jobs)):
            if warmed.error:
                self.warn(f"could not pre-analyse {warmed.path}: {warmed.error}")

    # --- planning ---------------------------------------------------------------

    def _plan(self, index: OutputIndex, fingerprint: str) -> Iterator[tuple[BatchItem, Produced | None]]:
        """Items in walk order (each resume against each job); the Produced entry when up to date."""
        namer = Namer(output_extension(self.settings.tailoring.output_format))
        jobs = [str(job) for job in self.jobs]
        tags = namer.job_tags(jobs)
        job_mtimes = [job.stat().st_mtime_ns for job in self.jobs]
        out = str(self.out)
        n = 0
        for found in walk_resumes(self.folder, self.skipped_files, exclude=self.out):
            base = namer.base(found.rel)
            for job, tag, job_mtime in zip(jobs, tags, job_mtimes):
                name = namer.name(base, tag)
                done = None if self.force else index.up_to_date(name, fingerprint, max(found.mtime_ns, job_mtime))
                yield BatchItem(n, found.path, job, f"{out}/{name}", name), done
                n += 1

    # --- worker processes -------------------------------------------------------

    def _run_processes(
        self,
        plan: Iterator[tuple[BatchItem, Produced | None]],
        report: Callable[[ItemOutcome], None],
        index: OutputIndex,
        should_stop: Callable[[], bool],
    ) -> bool:
        from tailor.pipeline.batch._pool import ChunkPool
        from tailor.pipeline.batch.worker import init_worker, run_chunk

        pending: dict[int, BatchItem] = {}  # items sent to workers, by index
        seen_warnings: set[str] = set()

        def collect(finished: list[tuple[list[tuple[int, str, str, str]], Any]]) -> None:
            for chunk, result in finished:
                if isinstance(result, BaseException):
                    reason = _lost_reason(result)
                    for work in chunk:
                        item = pending.pop(work[0])
                        status = "not_started" if reason is None else "failed"
                        report(ItemOutcome(item, status, reason, None, None, 0.0))  # type: ignore[arg-type]
                    continue
                results, warnings = result
                for i, status, error, before, after, duration in results:
                    report(ItemOutcome(pending.pop(i), status, error, before, after, duration))
                for warning in warnings:
                    if warning not in seen_warnings:
                        seen_warnings.add(warning)
                        self.warn(warning)
            index.flush()

        stopped = False
        settings_data = self.settings.model_dump(mode="json")
        with ChunkPool(
            run_chunk,
            workers=self.workers,
            max_in_flight=2 * self.workers,
            initializer=init_worker,
            initargs=(settings_data, self.use_cache, self.batch_id),
            preload=["tailor.pipeline.batch.worker", "tailor.pipeline.app.session"],
        ) as pool:
            chunk: list[tuple[int, str, str, str]] = []
            for item, done in _until(plan, should_stop):
                if done is not None:
                    report(ItemOutcome(item, "skipped", None, done.score_before, done.score_after, 0.0))
                    continue
                pending[item.index] = item
                chunk.append((item.index, item.resume, item.job, item.output))
                if len(chunk) == CHUNK_SIZE:
                    while pool.full and not should_stop():
                        collect(pool.completed(_POLL_S))
                    if should_stop():
                        break
                    pool.submit(chunk)
                    chunk = []
                    collect(pool.completed(0))
            if chunk and not should_stop():
                pool.submit(chunk)
                chunk = []
            while pool.in_flight:
                if should_stop() and not stopped:
                    stopped = True
                    pool.stop()
                collect(pool.completed(_POLL_S))
            stopped = stopped or should_stop()
            for work in chunk:  # gathered but never sent
                report(ItemOutcome(pending.pop(work[0]), "not_started", None, None, None, 0.0))
        return stopped

    # --- async, one process -----------------------------------------------------

    def _run_async(
        self,
        plan: Iterator[tuple[BatchItem, Produced | None]],
        report: Callable[[ItemOutcome], None],
        should_stop: Callable[[], bool],
    ) -> bool:
        import anyio

        from tailor.pipeline.app.session import RunRequest, Session
        from tailor.pipeline.engine import batch_map
        from tailor.pipeline.errors import TailorError

        def to_run() -> Iterator[BatchItem]:
            for item, done in _until(plan, should_stop):
                if done is not None:
                    report(ItemOutcome(item, "skipped", None, done.score_before, done.score_after, 0.0))
                else:
                    yield item

        async def go() -> None:
            async with Session(self.settings, use_cache=self.use_cache, warn=self.warn) as session:

                async def tailor(item: BatchItem) -> tuple[float, float]:
                    request = RunRequest(resume=Path(item.resume), job=Path(item.job), output=Path(item.output), batch_id=self.batch_id)
                    outcome = await session.tailor(request)
                    return outcome.ats_before.total, outcome.ats_after.total

                results = batch_map(tailor, to_run(), concurrency=self.concurrency)
                async with contextlib.aclosing(results):  # type: ignore[type-var]
                    async for r in results:
                        if r.status == "ok":
                            report(ItemOutcome(r.item, "ok", None, r.value[0], r.value[1], r.duration_ms))
                        else:
                            error = r.error
                            reason = str(error) if isinstance(error, TailorError) else f"internal error: {type(error).__name__}: {error}"
                            report(ItemOutcome(r.item, "failed", " ".join(reason.split()), None, None, r.duration_ms))

        anyio.run(go)
        return should_stop()


def _until(plan: Iterator[Any], should_stop: Callable[[], bool]) -> Iterator[Any]:
    """``plan`` until a stop is asked for; the rest stays in ``plan`` for the caller."""
    while not should_stop():
        try:
            yield next(plan)
        except StopIteration:
            return


def _lost_reason(error: BaseException) -> str | None:
    """Why a whole chunk was lost; None when it was cancelled by a stop (its items never started)."""
    from concurrent.futures import CancelledError
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(error, CancelledError):
        return None
    if isinstance(error, BrokenProcessPool):
        return f"worker process crashed while this item was in flight ({' '.join(str(error).split())})"
    return f"internal error: {type(error).__name__}: {' '.join(str(error).split())}"
