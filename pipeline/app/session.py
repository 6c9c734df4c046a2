"""Tailoring as a service: one ``Session`` per process, one ``tailor`` call per resume.

A session owns what runs share (settings, the cache, the history, the graph
and the engine that flushes background steps), so a batch pays for them once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from tailor.pipeline.app._record import EventLog, RunRecorder
from tailor.pipeline.app.caching import open_cache, step_memo
from tailor.pipeline.app.run import RunOutcome, RunRequest
from tailor.pipeline.app.stages import OutputTarget
from tailor.pipeline.engine import Engine, Event, Graph
from tailor.pipeline.errors import StepError, TailorError
from tailor.pipeline.readers.inputs import InputFile
from tailor.pipeline.writers import check_output_target, output_path, resolve_format

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.cache import TieredCache
    from tailor.pipeline.history import History
    from tailor.pipeline.tailoring.models import (
        RewriteOptions,
        Validation,
    )


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
        self._told: set[tuple[str, str]] = set()  # (step, error) failures a run's warnings already carry
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
                self.history = History(self.settings.history_path, warn=self._warn)
            except (TailorError, OSError) as error:
                self._warn(f"history disabled: {error}")
        self._engine = Engine(cache=memo, flush_timeout=5.0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self._engine is not None:
                await self._engine.flush(0.0 if exc_info[0] is not None else None)
                for report in self._engine.background_reports:
                    # One warning per failure: a run's own report may already have said it.
                    if report.error and (report.name, report.error) not in self._told:
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
            InputFile.open(request.resume, "resume", max_bytes=limit, max_lines=settings.limits.max_resume_lines,
                           max_bullets=settings.limits.max_resume_bullets),
            InputFile.open(request.job, "job", max_bytes=limit),
        )
        fmt = resolve_format(request.resume, request.format, request.output, settings.tailoring.output_format)
        output = request.output or output_path(request.resume, fmt)
        # Before any work: only a regular file is ever replaced, and never one of this run's inputs.
        check_output_target(output, (("resume", request.resume), ("job description", request.job)))
        # The event log feeds the history row; with no history and no listener the engine
        # builds no events at all.
        log = EventLog() if self.history is not None else None
        callbacks = [cb for cb in (log, self._on_event, on_event) if cb is not None]

        def on_run_event(event: Event) -> None:
            for callback in callbacks:
                callback(event)

        sink = RunRecorder(self.history, settings, request, files, log, t0) if self.history is not None and log is not None else None
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
        self._told.update((step.name, step.error) for step in result.report_with_background().steps if step.error)
        values = result.values
        validation: Validation = values["validation"]
        return RunOutcome(
            request=request,
            output=output,
            ats_before=values["ats_before"],
            ats_after=values["ats_after"],
            targets=values["targets"],
            tailoring=values["tailoring"],
            format=fmt,
            document=values["resume"].source,
            report=result.report,
            result=result,
            warnings=validation.warnings_for(files[0].path, files[1].path) + tuple(result.warnings) + tuple(
                f"step {s.name} fell back to the {s.metrics['fallback']} provider"
                for s in result.report.steps if s.metrics and s.metrics.get("fallback")),
            simulated=self.simulated,
        )


def _raise_first_failure(result: Any) -> None:
    """Surface the failing step's own TailorError (bad input stays exit code 2)."""
    for report in result.report.steps:
        if report.status == "failed":
            error = result.errors.get(report.name)
            if isinstance(error, TailorError):
                raise error
            raise StepError(f"step {report.name} failed: {report.error}") from error
    result.raise_for_failure()
