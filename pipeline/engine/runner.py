"""Run a graph: ``parallel`` (eager DAG), ``waves`` (level by level) or ``sequential``.

The hot path uses asyncio directly: plain functions run inline with no task, async and
blocking steps get one ``asyncio.Task`` each, and a finishing step hands its now-ready
dependents to the driver loop, so a step starts the moment its last input is ready.

Failure rules:
- A failed required step skips its dependents; independent branches run on.
- A failed ``required=False`` step is a warning: a dependent that gives that parameter a
  default runs with the default, any other dependent is skipped.
- Background steps are scheduled eagerly in every mode (they are outside the schedule),
  never delay the result and never count in wall / sequential / critical path. They are
  awaited by ``Engine.flush`` (at most ``flush_timeout`` seconds); what is unfinished then
  is cancelled and reported ``cancelled``.
- Cancellation of a run (Ctrl-C, an enclosing cancel scope) cancels its running steps,
  records a partial report in ``Engine.last_report`` (unfinished steps ``cancelled``)
  and re-raises.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import anyio
import anyio.to_thread

from tailor.pipeline.engine.graph import Graph, Step
from tailor.pipeline.engine.report import (
    _STEP_METRICS,
    FRESH_HITS,
    HITS,
    LOOKED_UP,
    CacheStatus,
    Event,
    MetricValue,
    RunReport,
    StepReport,
)
from tailor.pipeline.errors import GraphError, StepError, TransientError

Mode = Literal["parallel", "waves", "sequential"]
MODES: tuple[str, ...] = ("parallel", "waves", "sequential")
EventCallback = Callable[[Event], None]


class CacheProbe(Protocol):
    """A cache lookup's outcome: ``status`` "l1" or "l2" (fresh hit), "stale", "miss" or "off"."""

    @property
    def value(self) -> Any: ...

    @property
    def status(self) -> CacheStatus: ...


class StepCache(Protocol):
    """What the engine needs from a cache (``pipeline.cache.StepMemo`` implements it).

    ``probe`` is synchronous so a fresh hit finishes its step inline, without a task;
    ``fill`` computes a miss (or serves a stale hit and refreshes it).
    """

    def probe(self, step: Step, inputs: Mapping[str, Any]) -> CacheProbe: ...

    async def fill(
        self,
        step: Step,
        probe: Any,
        roots: Mapping[str, Any],
        compute: Callable[[], Awaitable[Any]],
    ) -> tuple[Any, str]: ...


@dataclass(frozen=True)
class RunResult:
    """Values of the successful steps, the report, errors and warnings of one run.

    ``report`` covers the foreground steps. ``report_with_background()`` adds the reports of
    the background steps that have finished so far (all of them after ``Engine.flush``).
    """

    values: dict[str, Any]
    report: RunReport
    errors: dict[str, BaseException]
    warnings: tuple[str, ...]
    _background: list[StepReport] = field(repr=False, compare=False)
    _required: frozenset[str] = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when every required foreground step succeeded."""
        return all(s.status == "ok" for s in self.report.steps if s.name in self._required)

    def report_with_background(self) -> RunReport:
        done = {s.name: s for s in self._background}
        steps = self.report.steps + tuple(done.values())
        return RunReport(mode=self.report.mode, wall_ms=self.report.wall_ms, steps=steps)

    @property
    def background_warnings(self) -> tuple[str, ...]:
        return tuple(f"background step {s.name!r}: {s.error}" for s in self._background if s.error)

    def raise_for_failure(self) -> None:
        """Raise ``StepError`` naming the first failed required step, if any."""
        for s in self.report.steps:
            if s.name in self._required and s.status == "failed":
                raise StepError(f"step {s.name!r} failed: {s.error}") from self.errors.get(s.name)


_OK, _FAILED, _SKIPPED, _CANCELLED, _PENDING = "ok", "failed", "skipped", "cancelled", None


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Run:
    """The mutable state of one run of one graph."""

    def __init__(
        self,
        graph: Graph,
        inputs: Mapping[str, Any],
        mode: str,
        cache: StepCache | None,
        on_event: EventCallback | None,
        background_sink: Callable[[StepReport], None],
        background_tasks: set[asyncio.Task[Any]],
    ) -> None:
        self.graph = graph
        self.plans = graph._plans
        self.inputs = inputs
        self.mode = mode
        self.parallel = mode == "parallel"
        self.cache = cache
        self.on_event = on_event
        self.background_sink = background_sink
        self.background_tasks = background_tasks
        n = len(self.plans)
        self.remaining = [p.indegree for p in self.plans]
        self.values: list[Any] = [None] * n
        self.status: list[str | None] = [_PENDING] * n
        self.start = [0.0] * n
        self.end = [0.0] * n
        self.attempts = [0] * n
        self.cache_status: list[CacheStatus] = [CacheStatus.OFF] * n
        self.metrics: list[dict[str, MetricValue] | None] = [None] * n  # filled by report_metrics
        self.errors: dict[int, BaseException] = {}
        self.skip_reason: dict[int, str] = {}
        self.warnings: list[str] = []
        self.ready: deque[int] = deque()
        self.tasks: dict[int, asyncio.Task[Any]] = {}
        self.inflight = 0
        self.stopping = False
        self.wake: asyncio.Future[None] | None = None
        self.t0 = time.perf_counter()

    # -- events ---------------------------------------------------------------------------

    def emit(self, kind: str, i: int, **extra: Any) -> None:
        if self.on_event is None:
            return
        at = (time.perf_counter() - self.t0) * 1000.0
        try:
            self.on_event(Event(kind, self.plans[i].step.name, at, **extra))  # type: ignore[arg-type]
        except Exception as exc:  # a broken progress display must not break the run
            self.warnings.append(f"event callback failed: {_describe(exc)}")

    # -- scheduling -----------------------------------------------------------------------

    def _kwargs(self, i: int) -> dict[str, Any] | None:
        """The step's arguments, or None (and the skip recorded) if an input is missing."""
        kwargs: dict[str, Any] = {}
        status = self.status
        for a in self.plans[i].args:
            src = a.source
            if src < 0:
                kwargs[a.param] = self.inputs[a.input]
            elif status[src] == _OK:
                kwargs[a.param] = self.values[src]
            elif a.has_default and not self.plans[src].step.required:
                continue  # optional producer failed: the parameter's default stands in
            else:
                self.skip_reason[i] = f"needs {self.plans[src].step.name!r} ({status[src]})"
                return None
        return kwargs

    def launch(self, i: int) -> None:
        """Start step ``i`` now: inline if it is a plain function, else as a task."""
        kwargs = self._kwargs(i)
        if kwargs is None:
            now = time.perf_counter()
            self.start[i] = self.end[i] = now
            self.finish(i, _SKIPPED, None)
            return
        st = self.plans[i].step
        self.emit("started", i)
        if st.background:
            probe = self._probe(i, kwargs) if st.cache and self.cache is not None else None
            task = asyncio.create_task(self._task(i, kwargs, probe), name=f"step:{st.name}")
            self.background_tasks.add(task)
            task.add_done_callback(self.background_tasks.discard)
            return
        probe = None
        if st.cache and self.cache is not None:
            self.start[i] = time.perf_counter()
            probe = self._probe(i, kwargs)
            if probe is not None and probe.status in FRESH_HITS:
                self.end[i] = time.perf_counter()
                self.cache_status[i] = probe.status
                self.finish(i, _OK, probe.value)
                return
        elif not (st.is_async or st.blocking or st.retries):
            self.start[i] = time.perf_counter()
            self.attempts[i] = 1
            metrics_token = _STEP_METRICS.set(self._metrics_of(i))
            try:
                value = st.fn(**kwargs)
            except Exception as exc:
                self.end[i] = time.perf_counter()
                self.errors[i] = exc
                _STEP_METRICS.reset(metrics_token)
                self.finish(i, _FAILED, None)
            else:
                self.end[i] = time.perf_counter()
                _STEP_METRICS.reset(metrics_token)
                self.finish(i, _OK, value)
            return
        self.inflight += 1
        self.tasks[i] = asyncio.create_task(self._task(i, kwargs, probe), name=f"step:{st.name}")

    def _probe(self, i: int, kwargs: dict[str, Any]) -> CacheProbe | None:
        """The step's cache lookup, or None (and a warning) if the cache itself failed."""
        assert self.cache is not None
        try:
            return self.cache.probe(self.plans[i].step, kwargs)
        except Exception as exc:  # a broken cache must not break the run: compute without it
            self._cache_failed(i, exc)
            return None

    def _metrics_of(self, i: int) -> dict[str, MetricValue]:
        metrics = self.metrics[i]
        if metrics is None:
            metrics = self.metrics[i] = {}
        return metrics

    def _reported(self, i: int) -> dict[str, MetricValue] | None:
        metrics = self.metrics[i]
        return dict(metrics) if metrics else None

    def finish(self, i: int, status: str, value: Any) -> None:
        """Record the outcome of step ``i`` and release its dependents."""
        self.status[i] = status
        self.values[i] = value
        plan = self.plans[i]
        if self.on_event is not None:
            dur = (self.end[i] - self.start[i]) * 1000.0
            if status == _OK:
                cs = self.cache_status[i]
                hit = cs in HITS
                self.emit("cached" if hit else "finished", i, duration_ms=dur, cache=cs, metrics=self._reported(i))
            elif status == _FAILED:
                self.emit("failed", i, duration_ms=dur, error=_describe(self.errors[i]), metrics=self._reported(i))
            elif status == _SKIPPED:
                self.emit("skipped", i, error=self.skip_reason.get(i))
            else:
                self.emit("cancelled", i, duration_ms=dur)
        if status == _FAILED and not plan.step.required:
            self.warnings.append(f"optional step {plan.step.name!r} failed: {_describe(self.errors[i])}")
        if plan.step.background:
            self.background_sink(self.step_report(i))
        if self.stopping:
            return  # the run is being cancelled: start nothing new, skip nothing
        remaining = self.remaining
        plans = self.plans
        for d in plan.dependents:
            remaining[d] -= 1
            if remaining[d] == 0:
                if plans[d].step.background:
                    if self.status[d] is _PENDING:
                        self.launch(d)
                elif self.parallel:
                    self.ready.append(d)

    async def _task(self, i: int, kwargs: dict[str, Any], probe: CacheProbe | None = None) -> None:
        st = self.plans[i].step
        if probe is None:
            self.start[i] = time.perf_counter()  # a probed step's time counts from its lookup
        # The task runs in its own copy of the context: what the step reports lands in its slot.
        _STEP_METRICS.set(self._metrics_of(i))
        try:
            if probe is not None:
                value = await self._cached(i, kwargs, probe)
            else:
                value = await self._call(i, kwargs)
        except asyncio.CancelledError as exc:
            self.end[i] = time.perf_counter()
            self.errors[i] = exc
            self.finish(i, _CANCELLED, None)
            raise
        except Exception as exc:
            self.end[i] = time.perf_counter()
            self.errors[i] = exc
            self.finish(i, _FAILED, None)
        else:
            self.end[i] = time.perf_counter()
            self.finish(i, _OK, value)
        finally:
            if not st.background:
                self.tasks.pop(i, None)
                self.inflight -= 1
                # Start the dependents this step released right here, not via the driver:
                # one event-loop hop less per step on the critical path.
                ready = self.ready
                while ready:
                    self.launch(ready.popleft())
                if self.inflight == 0:
                    wake = self.wake
                    if wake is not None and not wake.done():
                        wake.set_result(None)

    async def _call(self, i: int, kwargs: dict[str, Any]) -> Any:
        """Call the step's function with its timeout and retries; counts attempts."""
        st = self.plans[i].step
        fn = st.fn
        while True:
            self.attempts[i] += 1
            try:
                if st.blocking:
                    call = functools.partial(fn, **kwargs)
                    coro = anyio.to_thread.run_sync(call, abandon_on_cancel=True)
                elif st.is_async:
                    coro = fn(**kwargs)
                else:
                    return fn(**kwargs)
                if st.timeout is None:
                    return await coro
                try:
                    async with asyncio.timeout(st.timeout) as scope:
                        return await coro
                except TimeoutError as exc:
                    if scope.expired():
                        raise TransientError(f"timed out after {st.timeout:g}s") from exc
                    raise
            except Exception as exc:
                if self.attempts[i] > st.retries or not isinstance(exc, st.transient):
                    raise
                # Exponential backoff with +-50% jitter so retrying callers do not stampede.
                delay = st.backoff * (2 ** (self.attempts[i] - 1)) * (0.5 + random.random())
                await asyncio.sleep(delay)

    async def _cached(self, i: int, kwargs: dict[str, Any], probe: CacheProbe) -> Any:
        """Finish a probed step through the cache; a cache failure is a warning and the step computes directly."""
        st = self.plans[i].step
        outcome: dict[str, Any] = {}

        async def compute() -> Any:
            try:
                value = await self._call(i, kwargs)
            except BaseException as exc:
                outcome["error"] = exc
                raise
            outcome["value"] = value
            return value

        assert self.cache is not None
        roots = {r: self.inputs[r] for r in self.plans[i].roots}
        try:
            value, status = await self.cache.fill(st, probe, roots, compute)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if "error" in outcome and outcome["error"] is exc:
                raise  # the step failed, not the cache
            self._cache_failed(i, exc)
            if "value" in outcome:
                return outcome["value"]
            return await self._call(i, kwargs)
        self.cache_status[i] = CacheStatus(status) if status in LOOKED_UP else CacheStatus.OFF
        return value

    def _cache_failed(self, i: int, exc: Exception) -> None:
        message = f"cache failed for step {self.plans[i].step.name!r}, computed without it: {_describe(exc)}"
        self.warnings.append(message)
        self.emit("warning", i, error=message)
        self.cache_status[i] = CacheStatus.OFF

    # -- drivers --------------------------------------------------------------------------

    async def _idle(self) -> None:
        """Sleep until no foreground step is running."""
        self.wake = asyncio.get_running_loop().create_future()
        try:
            await self.wake
        finally:
            self.wake = None

    async def drive(self) -> None:
        plans = self.plans
        if self.parallel:
            ready = self.ready
            ready.extend(i for i, p in enumerate(plans) if p.indegree == 0 and not p.step.background)
            while ready:
                self.launch(ready.popleft())
            while self.inflight:
                await self._idle()
        elif self.mode == "waves":
            for level in self.graph._level_index:
                for i in level:
                    if not plans[i].step.background:
                        self.launch(i)
                while self.inflight:
                    await self._idle()
        else:
            for i, p in enumerate(plans):
                if not p.step.background:
                    self.launch(i)
                    while self.inflight:
                        await self._idle()
    def launch_background_roots(self) -> None:
        """Background steps that need no other step start at once, in every mode."""
        for i, p in enumerate(self.plans):
            if p.step.background and p.indegree == 0:
                self.launch(i)

    async def cancel_running(self) -> None:
        self.stopping = True
        tasks = list(self.tasks.values())
        for t in tasks:
            t.cancel("run cancelled")
        if tasks:
            await asyncio.wait(tasks)

    # -- results --------------------------------------------------------------------------

    def step_report(self, i: int) -> StepReport:
        plan = self.plans[i]
        status = self.status[i] or _CANCELLED
        error = None
        if status != _OK:
            if status == _SKIPPED:
                error = self.skip_reason.get(i)
            else:
                exc = self.errors.get(i)
                error = _describe(exc) if exc is not None else "not started"
        t0 = self.t0
        end = self.end[i]
        start = self.start[i] or end
        return StepReport._make(
            plan.step.name,
            plan.needs,
            (start - t0) * 1000.0 if start else 0.0,
            (end - t0) * 1000.0 if end else 0.0,
            self.attempts[i],
            self.cache_status[i],
            status,  # type: ignore[arg-type]
            plan.step.background,
            error,
            self._reported(i),
        )

    def report(self, wall_ms: float) -> RunReport:
        steps = [self.step_report(i) for i, p in enumerate(self.plans) if not p.step.background]
        return RunReport(mode=self.mode, wall_ms=wall_ms, steps=tuple(steps))


class Engine:
    """Runs graphs and owns their background steps.

    ``async with Engine(...) as engine`` flushes background steps on exit, waiting at most
    ``flush_timeout`` seconds; ``engine.background_reports`` then lists them.
    """

    def __init__(
        self,
        cache: StepCache | None = None,
        on_event: EventCallback | None = None,
        flush_timeout: float = 5.0,
    ) -> None:
        self.cache = cache
        self.on_event = on_event
        self.flush_timeout = flush_timeout
        self.background_reports: list[StepReport] = []
        self.last_report: RunReport | None = None
        self._background: set[asyncio.Task[Any]] = set()

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        cancelled = exc_type is not None and issubclass(exc_type, (asyncio.CancelledError, KeyboardInterrupt))
        await self.flush(0.0 if cancelled else None)

    @property
    def pending_background(self) -> int:
        return len(self._background)

    async def run(
        self, graph: Graph, inputs: Mapping[str, Any], mode: Mode = "parallel", on_event: EventCallback | None = None
    ) -> RunResult:
        """Run the foreground of ``graph``; background steps go on after this returns.

        ``on_event`` replaces the engine's callback for this run only, so concurrent runs
        sharing one engine each get their own events.
        """
        if mode not in MODES:
            raise GraphError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
        absent = [n for n in graph.inputs if n not in inputs]
        if absent:
            raise GraphError(f"missing run inputs: {', '.join(map(repr, absent))}")
        background: list[StepReport] = []

        def sink(report: StepReport) -> None:
            background.append(report)
            self.background_reports.append(report)

        state = _Run(graph, inputs, mode, self.cache, on_event or self.on_event, sink, self._background)
        try:
            state.launch_background_roots()
            await state.drive()
        except BaseException:
            with anyio.CancelScope(shield=True):
                await state.cancel_running()
            wall = (time.perf_counter() - state.t0) * 1000.0
            self.last_report = state.report(wall)
            raise
        wall = (time.perf_counter() - state.t0) * 1000.0
        report = state.report(wall)
        self.last_report = report
        names = graph.order
        status = state.status
        values = {names[i]: v for i, v in enumerate(state.values) if status[i] == _OK}
        for name in graph._background:  # their values are not part of the result
            values.pop(name, None)
        errors = {names[i]: e for i, e in state.errors.items()}
        return RunResult(values, report, errors, tuple(state.warnings), background, graph._required)

    async def flush(self, timeout: float | None = None) -> tuple[StepReport, ...]:
        """Wait for background steps (at most ``timeout``, default ``flush_timeout``); cancel the rest."""
        limit = self.flush_timeout if timeout is None else timeout
        pending = set(self._background)
        try:
            if pending and limit > 0:
                await asyncio.wait(pending, timeout=limit)
        finally:
            late = [t for t in self._background if not t.done()]
            for t in late:
                t.cancel(f"not finished within the {limit:g}s flush timeout")
            if late:
                with anyio.CancelScope(shield=True):
                    # A step that swallows cancellation must not hang the exit either.
                    await asyncio.wait(late, timeout=max(0.05, min(limit, 0.5)))
        return tuple(self.background_reports)


async def run(
    graph: Graph,
    inputs: Mapping[str, Any],
    mode: Mode = "parallel",
    cache: StepCache | None = None,
    on_event: EventCallback | None = None,
    flush_timeout: float = 5.0,
) -> RunResult:
    """Run ``graph`` once and flush its background steps before returning."""
    async with Engine(cache=cache, on_event=on_event, flush_timeout=flush_timeout) as engine:
        return await engine.run(graph, inputs, mode)


def run_sync(graph: Graph, inputs: Mapping[str, Any], **kwargs: Any) -> RunResult:
    """``run`` from synchronous code (the CLI)."""
    return anyio.run(functools.partial(run, graph, inputs, **kwargs))
