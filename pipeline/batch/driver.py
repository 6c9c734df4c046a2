"""Run a batch: stream the plan, skip what is up to date, tailor the rest, report each outcome.

The local provider is CPU-bound: its items go in chunks of ``CHUNK_SIZE`` to an
``Executor``: worker processes (``executor_pool``, one Session each), this process
when the whole batch fits one chunk (``executor_inline``: no pool to start), or, with
``executor="dask"``, a Dask cluster whatever the provider (``_dask``). One loop
(``Batch._run_chunks``) drives each. I/O-bound providers (simulated) run in this
process with async concurrency over one Session. Either way outcomes reach
``on_outcome`` as they finish, successes are recorded in the --out manifest at once,
and ``should_stop`` (Ctrl-C) stops the intake: items in flight finish, the rest are
"not_started".
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tailor.pipeline.batch.executor import CHUNK_SIZE, Executor, Finished, WorkItem, lost_reason
from tailor.pipeline.batch.executor_inline import InlineExecutor, interruptible
from tailor.pipeline.batch.executor_inline import available as inline_available
from tailor.pipeline.batch.inprocess import run_in_process
from tailor.pipeline.batch.plan import (
    Namer,
    OutputIndex,
    Produced,
    SkipNote,
    walk_resumes,
)
from tailor.pipeline.batch.report import BatchItem, ItemOutcome, Status
from tailor.pipeline.errors import TailorError
from tailor.pipeline.writers import output_extension, remove_stale_parts, resolve_format

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.history import History, RunRecord

_POLL_S = 0.1  # how often the parent looks at should_stop while waiting
_STOP_GRACE_S = 0.8  # after a stop, how long items in flight may take to finish before their workers are ended


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

        def report(outcome: ItemOutcome, *, recorded: bool = False) -> None:
            if outcome.status == "ok" and not recorded:  # ``recorded``: its worker wrote the manifest line
                assert outcome.score_before is not None and outcome.score_after is not None
                index.record(outcome.item.name, fingerprint, outcome.score_before, outcome.score_after)
            on_outcome(outcome)

        inline = self.uses_processes and self._fits_inline()
        if self.use_cache and self.settings.cache.enabled and not inline:  # inline, the first item analyses each job
            self._warm_jobs()
        plan = self._plan(index, fingerprint)
        try:
            if self.executor == "dask" or self.uses_processes:
                stopped = self._run_chunks(plan, report, index, should_stop, inline=inline)
            else:
                to_run = _not_skipped(_until(plan, should_stop), report)
                run_in_process(
                    self.settings, to_run, report, use_cache=self.use_cache, concurrency=self.concurrency, batch_id=self.batch_id, warn=self.warn
                )
                stopped = should_stop()
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
        setting = self.settings.tailoring.output_format
        namer = Namer("")
        jobs = [str(job) for job in self.jobs]
        tags = namer.job_tags(jobs)
        job_mtimes = [job.stat().st_mtime_ns for job in self.jobs]
        out = str(self.out)
        n = 0
        for found in walk_resumes(self.folder, self.skipped_files, exclude=self.out):
            base = namer.base(found.rel)
            for job, tag, job_mtime in zip(jobs, tags, job_mtimes):
                # Format out = format in unless the settings name one: each resume its own extension.
                name = namer.name(base, tag) + output_extension(resolve_format(found.path, None, None, setting))
                done = None if self.force else index.up_to_date(name, fingerprint, max(found.mtime_ns, job_mtime))
                yield BatchItem(n, found.path, job, f"{out}/{name}", name), done
                n += 1

    # --- chunks on an executor -------------------------------------------------

    def _fits_inline(self) -> bool:
        """No pool for this batch: it fits one chunk, and every item can be interrupted in this process.

        (``executor_inline``: a pool's start-up costs more than a handful of items, and the
        per-item time limit still holds.)
        """
        if self.executor != "local" or not inline_available():
            return False
        setting = self.settings.tailoring.output_format
        total = 0
        for found in walk_resumes(self.folder, exclude=self.out):
            total += len(self.jobs)
            if total > CHUNK_SIZE or not interruptible(found.path, resolve_format(found.path, None, None, setting)):
                return False
        return True

    def _chunk_size(self) -> int:
        """CHUNK_SIZE, or less for a batch too small to give every worker a chunk of that size.

        Twelve items as chunks of eight and four would leave one of two workers idle for
        most of the batch; split six and six, the two share it. (A batch of one chunk has
        no pool at all: ``_fits_inline``.)
        """
        workers = self.workers or 1
        if workers <= 1 or self.executor == "dask":
            return CHUNK_SIZE
        total = self.count()
        return max(1, min(CHUNK_SIZE, -(-total // workers)))

    def _open_executor(self, should_stop: Callable[[], bool], *, inline: bool) -> Executor:
        settings_data = self.settings.model_dump(mode="json")
        if inline:
            return InlineExecutor(settings_data, use_cache=self.use_cache, batch_id=self.batch_id, should_stop=should_stop)
        if self.executor == "dask":
            from tailor.pipeline.batch._dask import DaskExecutor

            return DaskExecutor(
                settings_data, use_cache=self.use_cache, batch_id=self.batch_id, scheduler=self.scheduler, workers=self.workers, warn=self.warn
            )
        from tailor.pipeline.batch.executor_pool import PoolExecutor

        return PoolExecutor(settings_data, use_cache=self.use_cache, batch_id=self.batch_id, workers=self.workers)

    def _run_chunks(
        self,
        plan: Iterator[tuple[BatchItem, Produced | None]],
        report: Callable[..., None],
        index: OutputIndex,
        should_stop: Callable[[], bool],
        *,
        inline: bool = False,
    ) -> bool:
        """The items not up to date, in chunks, on the executor; True when stopped early.

        The plan ends when a stop is asked for; chunks already sent finish (the pool
        cancels those not yet started, and its workers stop between items) and are
        recorded, so their outputs are not redone on the next run.
        """
        with contextlib.closing(self._open_executor(should_stop, inline=inline)) as executor:
            history = _ParentHistory.open(self.settings, self.warn) if executor.parent_writes_history else None
            try:
                size = CHUNK_SIZE if inline else self._chunk_size()
                return self._drive(executor, _until(plan, should_stop), report, index, should_stop, history, size)
            finally:
                if history is not None:
                    history.close()

    def _drive(
        self,
        executor: Executor,
        plan: Iterator[tuple[BatchItem, Produced | None]],
        report: Callable[..., None],  # report(outcome, recorded=...)
        index: OutputIndex,
        should_stop: Callable[[], bool],
        history: _ParentHistory | None,
        size: int,
    ) -> bool:
        pending: dict[int, BatchItem] = {}  # items sent and not yet reported, by index
        killed = False  # the workers were ended by a stop that could not wait: their items did not run
        by_workers = getattr(executor, "workers_write_manifest", False)
        seen_warnings: set[str] = set()

        def collect(finished: list[Finished]) -> None:
            if not finished:
                return
            for chunk, result in finished:
                if isinstance(result, BaseException):
                    reason = None if killed else lost_reason(result)
                    lost_status: Status = "not_started" if reason is None else "failed"
                    for work in chunk:
                        lost = pending.pop(work[0], None)
                        if lost is not None:
                            report(ItemOutcome(lost, lost_status, reason, None, None, 0.0))
                    continue
                results, warnings, records = result
                for i, status, error, before, after, duration in results:
                    item = pending.pop(i, None)
                    if item is None:  # already reported: this chunk ran twice (a Dask re-run)
                        continue
                    report(ItemOutcome(item, status, error, before, after, duration), recorded=by_workers)  # type: ignore[arg-type]
                    if history is not None and i in records:
                        history.record(records[i])
                for warning in warnings:
                    if warning not in seen_warnings:
                        seen_warnings.add(warning)
                        self.warn(warning)
            index.flush()

        def halted() -> bool:
            return executor.given_up or should_stop()

        chunk: list[WorkItem] = []
        for item, done in plan:
            if done is not None:
                report(_skipped(item, done))
                continue
            pending[item.index] = item
            chunk.append((item.index, item.resume, item.job, item.output))
            if len(chunk) == size:
                while executor.full and not halted():
                    collect(executor.completed(_POLL_S))
                if halted():
                    break
                executor.submit(chunk)
                chunk = []
                collect(executor.completed(0))
        if chunk and not halted():
            executor.submit(chunk)
            chunk = []
        for work in chunk:  # gathered but never sent
            report(ItemOutcome(pending.pop(work[0]), "not_started", None, None, None, 0.0))
        stopped = False
        deadline: float | None = None
        while executor.in_flight:
            if should_stop() and not stopped:
                stopped = True
                executor.stop()
                deadline = time.monotonic() + _STOP_GRACE_S
            if deadline is not None and time.monotonic() > deadline and not killed:
                # An item that will not finish soon (a huge or hostile file): a stop never waits
                # on it. Its worker is ended; what was in flight is reported not started.
                kill = getattr(executor, "kill", None)
                if kill is not None:
                    killed = True
                    kill()
            collect(executor.completed(_POLL_S))
        return stopped or should_stop()

def _not_skipped(plan: Iterator[tuple[BatchItem, Produced | None]], report: Callable[[ItemOutcome], None]) -> Iterator[BatchItem]:
    """The items of ``plan`` to run; those up to date are reported skipped on the way."""
    for item, done in plan:
        if done is not None:
            report(_skipped(item, done))
        else:
            yield item


def _skipped(item: BatchItem, done: Produced) -> ItemOutcome:
    return ItemOutcome(item, "skipped", None, done.score_before, done.score_after, 0.0)


def _until(plan: Iterator[Any], should_stop: Callable[[], bool]) -> Iterator[Any]:
    """``plan`` until a stop is asked for; the rest stays in ``plan`` for the caller."""
    while not should_stop():
        try:
            yield next(plan)
        except StopIteration:
            return


class _ParentHistory:
    """The history, written here from the records the workers send back (they write none themselves)."""

    def __init__(self, history: History, warn: Callable[[str], None]) -> None:
        self._history = history
        self._warn = warn
        self._failed = False

    @classmethod
    def open(cls, settings: Settings, warn: Callable[[str], None]) -> _ParentHistory | None:
        if not settings.history.enabled:
            return None
        from tailor.pipeline.history import History

        try:
            return cls(History(settings.history_path), warn)
        except (TailorError, OSError) as error:
            warn(f"history disabled: {error}")
            return None

    def record(self, record: RunRecord) -> None:
        if self._failed:
            return
        try:
            self._history.record(record)
        except TailorError as error:  # the batch goes on without its history, said once
            self._failed = True
            self._warn(f"history not written: {error}")

    def close(self) -> None:
        self._history.close()
