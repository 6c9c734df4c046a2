"""Tailoring as a service: one ``Session`` per process, one ``tailor`` call per resume.

A session owns what runs share (settings, the cache, the history, the graph
and the engine that flushes background steps), so a batch pays for them once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tailor.pipeline.app.stages import OutputTarget
from tailor.pipeline.engine import Engine, Event, Graph, RunReport, RunResult
from tailor.pipeline.engine.report import HITS, STATUS_OF_EVENT, CacheStatus
from tailor.pipeline.errors import StepError, TailorError
from tailor.pipeline.readers.inputs import InputFile
from tailor.pipeline.writers import output_path

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.cache import StepMemo, TieredCache
    from tailor.pipeline.history import History
    from tailor.pipeline.tailoring.models import (
        AtsScore,
        RewriteOptions,
        Tailoring,
        Targets,
        Validation,
    )


@dataclass(frozen=True)
class RunRequest:
    """One resume against one job."""

    resume: Path
    job: Path
    output: Path | None = None
    format: str | None = None  # md | json | html; None = the settings' output_format
    schedule: str = "parallel"
    batch_id: str | None = None


@dataclass(frozen=True)
class RunOutcome:
    """A finished run: the domain results, where the output went, and the timing report."""

    request: RunRequest
    output: Path
    ats_before: AtsScore
    ats_after: AtsScore
    targets: Targets
    tailoring: Tailoring
    report: RunReport  # the foreground steps, final when the result is returned
    warnings: tuple[str, ...]
    simulated: bool = False
    result: RunResult | None = field(default=None, repr=False, compare=False)

    @property
    def full_report(self) -> RunReport:
        """The report with the background steps that have finished (all of them after ``Session.settle``)."""
        return self.result.report_with_background() if self.result is not None else self.report

    @property
    def improvement(self) -> float:
        return self.ats_after.total - self.ats_before.total

    def to_dict(self) -> dict[str, Any]:
        """The object of DESIGN.md's JSON format (stable: scripts read it)."""
        t = self.tailoring
        return {
            "input": {"resume": str(self.request.resume), "job": str(self.request.job)},
            "scores": {
                "before": round(self.ats_before.total, 1),
                "after": round(self.ats_after.total, 1),
                "target": self.targets.target_score,
                "breakdown": {k: round(v, 2) for k, v in self.ats_after.breakdown.items()},
                "breakdown_before": {k: round(v, 2) for k, v in self.ats_before.breakdown.items()},
                "explanations": dict(self.ats_after.explanations),
            },
            "skills": {"matched": list(t.matched), "surfaced": list(t.surfaced), "missing": list(t.missing)},
            "changes": [{"section": c.section, "kind": c.kind, "reason": c.reason} for c in t.changes],
            "output": str(self.output),
            "warnings": list(self.warnings),
            "simulated": self.simulated,
            "report": self.full_report.to_dict(),
        }


@dataclass
class _EventLog:
    """Collects step outcomes as they finish, for the history record."""

    steps: dict[str, Event] = field(default_factory=dict)

    def __call__(self, event: Event) -> None:
        if event.kind in ("finished", "cached", "failed", "skipped"):
            self.steps[event.step] = event


class _HistorySink:
    """Turns a finished run's values into a history row (called by the background log step)."""

    def __init__(self, history: History, session: Session, request: RunRequest, files: tuple[InputFile, InputFile], log: _EventLog, t0: float) -> None:
        self._history = history
        self._session = session
        self._request = request
        self._files = files
        self._log = log
        self._t0 = t0

    def record_run(self, values: dict[str, Any]) -> None:
        from tailor.pipeline.history import RunRecord, StepRecord

        before: AtsScore = values["ats_before"]
        after: AtsScore = values["ats_after"]
        targets: Targets = values["targets"]
        tailoring: Tailoring = values["tailoring"]
        steps = [
            StepRecord(name=e.step, duration_ms=e.duration_ms or 0.0, cache=e.cache or CacheStatus.OFF, status=STATUS_OF_EVENT.get(e.kind, "ok"))
            for e in self._log.steps.values()
        ]
        lookups = [s for s in steps if s.cache != CacheStatus.OFF]
        tokens_in, tokens_out = _token_totals(self._log.steps.values())
        settings = self._session.settings
        self._history.record(
            RunRecord(
                at=datetime.now(UTC),
                resume_sha256=self._files[0].sha256,
                job_sha256=self._files[1].sha256,
                provider=self._session.provider_name,
                mode=self._request.schedule,
                score_before=before.total,
                score_after=after.total,
                target=targets.target_score,
                target_met=after.total >= targets.target_score,
                duration_ms=(time.perf_counter() - self._t0) * 1000.0,
                steps=tuple(steps),
                cache_hits=sum(1 for s in lookups if s.cache in HITS),
                cache_lookups=len(lookups),
                warnings=tuple(values["warnings"]) + _fallback_notes(self._log.steps.values()),
                skills_surfaced=tuple(tailoring.surfaced),
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                model=settings.openai.model if tokens_in is not None and self._session.provider_name == "openai" else None,
                batch_id=self._request.batch_id,
            )
        )


def _token_totals(events: Any) -> tuple[int | None, int | None]:
    """Tokens summed over the steps that reported any; (None, None) when none did."""
    tokens_in = tokens_out = None
    for event in events:
        metrics = event.metrics or {}
        if "tokens_in" in metrics or "tokens_out" in metrics:
            tokens_in = (tokens_in or 0) + int(metrics.get("tokens_in", 0))
            tokens_out = (tokens_out or 0) + int(metrics.get("tokens_out", 0))
    return tokens_in, tokens_out


def _fallback_notes(events: Any) -> tuple[str, ...]:
    """A warning per step that fell back (metrics.fallback) or failed without failing the run."""
    notes = []
    for event in events:
        fallback = (event.metrics or {}).get("fallback")
        if fallback:
            notes.append(f"step {event.step} fell back to the {fallback} provider")
        elif event.kind == "failed":
            notes.append(f"optional step {event.step} failed: {event.error}")
    return tuple(notes)


class Session:
    """What every run in this process shares. Use ``async with Session(settings) as s``."""

    def __init__(
        self,
        settings: Settings,
        *,
        use_cache: bool = True,
        record_history: bool = True,
        on_event: Callable[[Event], None] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        from tailor.pipeline.app.graphs import graph_for

        self.settings = settings
        self.provider_name = settings.provider.name
        self.graph: Graph = graph_for(settings)
        self.simulated = self.provider_name == "simulated"
        self._use_cache = use_cache and settings.cache.enabled
        self._record_history = record_history and settings.history.enabled
        self._on_event = on_event
        self._warn = warn or (lambda message: None)
        self.cache: TieredCache | None = None
        self.history: History | None = None
        self._engine: Engine | None = None
        self._warnings: list[str] = []
        self._options: RewriteOptions | None = None

    @property
    def options(self) -> RewriteOptions:
        """The rewrite options the settings give, built once: every run passes the same object."""
        if self._options is None:
            from tailor.pipeline.tailoring.models import RewriteOptions

            tailoring = self.settings.tailoring
            self._options = RewriteOptions(
                mode=tailoring.mode,
                tone=tailoring.tone,
                length=tailoring.length,
                max_bullets_per_role=tailoring.max_bullets_per_role,
            )
        return self._options

    async def __aenter__(self) -> Session:
        memo = None
        if self._use_cache:
            self.cache = open_cache(self.settings, warn=self._warn)
            memo = step_memo(self.settings, self.cache)
        if self._record_history:
            from tailor.pipeline.history import History

            try:
                self.history = History(self.settings.history_path)
            except (TailorError, OSError) as error:
                self._warn(f"history disabled: {error}")
        self._engine = Engine(cache=memo, flush_timeout=5.0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self._engine is not None:
                await self._engine.flush(0.0 if exc_info[0] is not None else None)
                for report in self._engine.background_reports:
                    if report.error:
                        self._warn(f"background step {report.name} failed: {report.error}")
        finally:
            from tailor.pipeline.app.graphs import release

            await release(self.graph)
            if self.cache is not None:
                await self.cache.aclose()
            if self.history is not None:
                self.history.close()

    async def settle(self, timeout: float | None = None) -> None:
        """Wait (bounded) for the background steps started so far, e.g. before printing a full report."""
        assert self._engine is not None, "use `async with Session(...)`"
        await self._engine.flush(timeout)

    async def tailor(self, request: RunRequest, on_event: Callable[[Event], None] | None = None) -> RunOutcome:
        """Run the pipeline for one resume; raise the step's own error when a required step fails."""
        assert self._engine is not None, "use `async with Session(...)`"
        settings = self.settings
        t0 = time.perf_counter()
        limit = settings.limits.max_input_bytes
        files = (
            InputFile.open(request.resume, "resume", max_bytes=limit),
            InputFile.open(request.job, "job", max_bytes=limit),
        )
        fmt = request.format or settings.tailoring.output_format
        output = request.output or output_path(request.resume, fmt)
        if _same_file(output, request.resume):
            raise TailorError(f"{output}: refusing to overwrite the input resume; choose another --out")
        # The event log feeds the history row; with no history and no listener the engine
        # builds no events at all.
        log = _EventLog() if self.history is not None else None
        callbacks = [cb for cb in (log, self._on_event, on_event) if cb is not None]

        def on_run_event(event: Event) -> None:
            for callback in callbacks:
                callback(event)

        sink = _HistorySink(self.history, self, request, files, log, t0) if self.history is not None and log is not None else None
        inputs = {
            "resume_file": files[0],
            "job_file": files[1],
            "options": self.options,
            "target_score": float(settings.tailoring.target_score),
            "output": OutputTarget(path=str(output), format=fmt),
            "history_sink": sink,
            "today": date.today().replace(day=1),
        }
        result = await self._engine.run(self.graph, inputs, mode=request.schedule, on_event=on_run_event if callbacks else None)  # type: ignore[arg-type]
        if not result.ok:
            _raise_first_failure(result)
        values = result.values
        validation: Validation = values["validation"]
        return RunOutcome(
            request=request,
            output=output,
            ats_before=values["ats_before"],
            ats_after=values["ats_after"],
            targets=values["targets"],
            tailoring=values["tailoring"],
            report=result.report,
            result=result,
            warnings=validation.warnings_for(files[0].path, files[1].path) + tuple(result.warnings) + tuple(
                f"step {s.name} fell back to the {s.metrics['fallback']} provider"
                for s in result.report.steps if s.metrics and s.metrics.get("fallback")),
            simulated=self.simulated,
        )


def _same_file(a: Path, b: Path) -> bool:
    """True if both paths name one file (also through links); False if either does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _raise_first_failure(result: Any) -> None:
    """Surface the failing step's own TailorError (bad input stays exit code 2)."""
    for report in result.report.steps:
        if report.status == "failed":
            error = result.errors.get(report.name)
            if isinstance(error, TailorError):
                raise error
            raise StepError(f"step {report.name} failed: {report.error}") from error
    result.raise_for_failure()


def open_cache(settings: Settings, *, warn: Callable[[str], None] | None = None) -> TieredCache:
    """The process's cache as the settings describe it.

    L2 is Redis when ``cache.redis_url`` (TAILOR_REDIS_URL) names a server, else
    diskcache in the owner-only cache folder. A Redis that cannot be used
    (client missing, bad url, server down) leaves the cache memory-only with a
    warning: a cache never fails a run.
    """
    from tailor.pipeline.cache import RedisTier, TieredCache
    from tailor.pipeline.errors import CacheError

    options: dict[str, Any] = {
        "max_entries": settings.cache.l1_max_entries,
        "compress_over": settings.cache.compress_threshold_bytes,
        "warn": warn,
    }
    url = settings.cache.redis_url
    if not url:
        return TieredCache(settings.cache_dir, **options)
    try:
        tier = RedisTier(url)
    except CacheError as exc:
        cache = TieredCache(None, **options)
        cache.warn_once("l2", f"{exc}; caching in memory only")
        return cache
    # With a tier given, the first argument only labels it (stats show where L2 lives).
    return TieredCache(tier.location, tier=tier, **options)


def step_memo(settings: Settings, cache: TieredCache) -> StepMemo:
    """Step memoization as the settings describe it: fresh for stale_after, then served stale until ttl."""
    from tailor.pipeline.cache import StepMemo

    return StepMemo(
        cache,
        settings.fingerprint(),
        default_ttl=settings.cache.stale_after_seconds,
        grace=settings.cache.ttl_seconds - settings.cache.stale_after_seconds,
    )
