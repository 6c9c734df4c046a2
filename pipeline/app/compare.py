"""Compare schedules: the same pipeline run N times sequentially, in waves and in parallel.

Runs alternate (S W P S W P …) so drift on a shared machine hits every schedule
alike; the cache is off so every run does the work; one untimed warm-up run pays
for imports and the taxonomy compile first. The figures are medians over the runs,
with min and max; the parallel-over-sequential speedup is taken per alternation
pair (the two runs closest in time) before its median.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from tailor.pipeline.engine import Event, Graph, RunReport, StepReport
from tailor.pipeline.engine.report import STATUS_OF_EVENT, CacheStatus
from tailor.pipeline.engine.whatif import WhatIf, what_if
from tailor.pipeline.writers import output_path, resolve_format

if TYPE_CHECKING:
    from tailor.config import Settings
    from tailor.pipeline.app.run import RunOutcome, RunRequest
    from tailor.pipeline.app.session import Session

SCHEDULES: tuple[str, ...] = ("sequential", "waves", "parallel")
FIGURES: tuple[str, ...] = ("wall_ms", "sequential_ms", "critical_path_ms", "savings_ms", "speedup", "efficiency", "bound")
# Below this median speedup, parallel scheduling is not worth talking about.
HELPFUL_SPEEDUP = 1.1
# How long to wait for a run's background steps before timing the next run (untimed).
BACKGROUND_WAIT_S = 5.0

RunOnce = Callable[[str], Awaitable[RunReport]]
OnRun = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Spread:
    """Median, min and max of one figure over runs."""

    median: float
    min: float
    max: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        data = list(values)
        if not data:
            raise ValueError("no values: a spread needs at least one run")
        return cls(statistics.median(data), min(data), max(data))

    def to_dict(self, digits: int = 4) -> dict[str, float]:
        return {"median": round(self.median, digits), "min": round(self.min, digits), "max": round(self.max, digits)}


@dataclass(frozen=True)
class ScheduleStats:
    """Every run of one schedule, in the order they ran, and their figures."""

    schedule: str
    reports: tuple[RunReport, ...]

    @cached_property
    def figures(self) -> dict[str, Spread]:
        return {name: Spread.of(getattr(r, name) for r in self.reports) for name in FIGURES}

    @property
    def median_run(self) -> RunReport:
        """The run whose wall time is the median (the lower middle one for an even count)."""
        ranked = sorted(self.reports, key=lambda r: r.wall_ms)
        return ranked[(len(ranked) - 1) // 2]

    def step_medians(self) -> dict[str, float]:
        """Median duration of each step over this schedule's runs (steps in graph order)."""
        durations: dict[str, list[float]] = {}
        for report in self.reports:
            for s in report.steps:
                durations.setdefault(s.name, []).append(s.duration_ms)
        return {name: statistics.median(values) for name, values in durations.items()}

    def to_dict(self) -> dict[str, Any]:
        figures = self.figures
        data: dict[str, Any] = {name: _round(name, spread.median) for name, spread in figures.items()}
        data["critical_path"] = list(self.median_run.critical_path)
        data["min"] = {name: _round(name, spread.min) for name, spread in figures.items()}
        data["max"] = {name: _round(name, spread.max) for name, spread in figures.items()}
        return data


def _round(name: str, value: float) -> float:
    return round(value, 3 if name.endswith("_ms") else 4)


@dataclass(frozen=True)
class Comparison:
    """The outcome of ``tailor compare``: per-schedule statistics and what they mean."""

    provider: str
    simulated: bool
    order: tuple[str, ...]  # the schedule of every timed run, in the order they ran
    schedules: Mapping[str, ScheduleStats]
    profile: str | None = None  # the latency profile and scale, when simulated
    scale: float | None = None
    theory_ms: Mapping[str, float] | None = None  # per schedule, from the profile's latencies alone
    warnings: tuple[str, ...] = field(default=())

    @property
    def runs(self) -> int:
        return min(len(s.reports) for s in self.schedules.values())

    def ratio(self, slower: str, faster: str) -> Spread:
        """wall(slower) / wall(faster) per alternation pair: >1 means ``faster`` won."""
        pairs = zip(self.schedules[slower].reports, self.schedules[faster].reports)
        return Spread.of(a.wall_ms / b.wall_ms if b.wall_ms > 0 else 1.0 for a, b in pairs)

    @cached_property
    def speedup(self) -> Spread:
        """Parallel over sequential: wall_seq / wall_par per alternation pair."""
        return self.ratio("sequential", "parallel")

    @cached_property
    def steps(self) -> dict[str, dict[str, float]]:
        """step -> schedule -> median duration (ms)."""
        table: dict[str, dict[str, float]] = {}
        for name, stats in self.schedules.items():
            for step_name, value in stats.step_medians().items():
                table.setdefault(step_name, {})[name] = value
        return table

    @cached_property
    def what_if(self) -> tuple[WhatIf, ...]:
        """Halving each critical step of the parallel schedule's median run."""
        return what_if(self.schedules["parallel"].median_run)

    @property
    def helps(self) -> bool:
        return self.speedup.median >= HELPFUL_SPEEDUP

    @property
    def note(self) -> str:
        return verdict(self)

    def to_dict(self) -> dict[str, Any]:
        """The ``tailor compare --json`` object."""
        return {
            "runs": self.runs,
            "provider": self.provider,
            "simulated": self.simulated,
            **{name: stats.to_dict() for name, stats in self.schedules.items()},
            "speedup": self.speedup.to_dict(),
            "steps": {name: {s: round(v, 3) for s, v in by.items()} for name, by in self.steps.items()},
            "what_if": [w.to_dict() for w in self.what_if],
            "note": self.note,
        }


def verdict(c: Comparison) -> str:
    """What the measured figures say, plainly, including when parallelism cannot help."""
    seq, par = c.schedules["sequential"].figures, c.schedules["parallel"].figures
    speed = c.speedup
    label = f"Timings are simulated (profile {c.profile} x {c.scale:g}). " if c.simulated else ""
    if not c.helps:
        if c.provider == "local":
            return (
                f"{label}Parallelism cannot help here: with the local provider every step is milliseconds of "
                f"CPU-bound Python on one event loop, so nothing overlaps and parallel is about as fast as "
                f"sequential (median speedup x{speed.median:.2f}). To use more cores, tailor many resumes at "
                "once in worker processes: `tailor batch --workers N`."
            )
        return (
            f"{label}Parallelism barely helps here (median speedup x{speed.median:.2f}): the critical path "
            f"({par['critical_path_ms'].median:.0f} ms) is nearly the whole sequential time "
            f"({seq['sequential_ms'].median:.0f} ms), so no schedule can finish much sooner."
        )
    text = (
        f"{label}Parallel finishes x{speed.median:.2f} faster than sequential (min x{speed.min:.2f}, "
        f"max x{speed.max:.2f}), saving {seq['wall_ms'].median - par['wall_ms'].median:.0f} ms a run; its wall "
        f"time is {par['bound'].median:.0%} of the best any schedule could do (the critical path)."
    )
    waves = c.ratio("waves", "parallel")
    if waves.median >= HELPFUL_SPEEDUP:
        text += (
            f" Waves lose to the eager schedule by x{waves.median:.2f}: a level waits for its slowest step "
            "before the next level starts."
        )
    return text


def theoretical_ms(graph: Graph, latency_ms: Mapping[str, float]) -> dict[str, float]:
    """Each schedule's wall time if steps took exactly ``latency_ms`` (missing steps take 0).

    sequential = sum of the foreground steps; waves = sum over levels of the level's
    slowest step; parallel (eager) = the longest dependency chain.
    """
    foreground = [n for n in graph.order if not graph.steps[n].background]
    cost = {n: latency_ms.get(n, 0.0) for n in foreground}
    finish: dict[str, float] = {}
    for n in foreground:  # graph.order is topological
        deps = [d for d in graph.steps[n].needs if d in finish]
        finish[n] = cost[n] + max((finish[d] for d in deps), default=0.0)
    waves = sum(max((cost[n] for n in level if n in cost), default=0.0) for level in graph.levels)
    return {"sequential": sum(cost.values()), "waves": waves, "parallel": max(finish.values(), default=0.0)}


async def alternate(
    run_once: RunOnce, runs: int, schedules: Sequence[str] = SCHEDULES, on_run: OnRun | None = None
) -> tuple[RunReport, ...]:
    """``runs`` rounds of every schedule in turn (S W P S W P …); the reports in run order."""
    total = runs * len(schedules)
    reports: list[RunReport] = []
    for _ in range(runs):
        for schedule in schedules:
            if on_run is not None:
                on_run(len(reports) + 1, total, schedule)
            reports.append(await run_once(schedule))
    return tuple(reports)


def summarise(
    reports: Sequence[RunReport],
    *,
    provider: str,
    simulated: bool,
    profile: str | None = None,
    scale: float | None = None,
    theory_ms: Mapping[str, float] | None = None,
    warnings: Sequence[str] = (),
) -> Comparison:
    """Group run-ordered reports by the schedule each actually ran (``RunReport.mode``)."""
    by_schedule: dict[str, list[RunReport]] = {name: [] for name in SCHEDULES}
    for report in reports:
        if report.mode not in by_schedule:
            raise ValueError(f"unknown schedule {report.mode!r}; expected one of {', '.join(SCHEDULES)}")
        by_schedule[report.mode].append(report)
    empty = [name for name, runs in by_schedule.items() if not runs]
    if empty:
        raise ValueError(f"no runs of {', '.join(empty)}: every schedule needs at least one run")
    return Comparison(
        provider=provider,
        simulated=simulated,
        order=tuple(r.mode for r in reports),
        schedules={name: ScheduleStats(name, tuple(runs)) for name, runs in by_schedule.items()},
        profile=profile,
        scale=scale,
        theory_ms=theory_ms,
        warnings=tuple(dict.fromkeys(warnings)),
    )


async def compare_schedules(
    settings: Settings,
    resume: Path,
    job: Path,
    runs: int,
    *,
    on_run: OnRun | None = None,
    warn: Callable[[str], None] | None = None,
) -> Comparison:
    """Tailor ``resume`` to ``job`` ``runs`` times per schedule, alternating, cache off.

    One untimed warm-up run goes first. The tailored output goes to a temporary folder
    that is removed afterwards, never next to the user's resume.
    """
    from tailor.pipeline.app.run import RunRequest
    from tailor.pipeline.app.session import Session

    if runs < 1:
        raise ValueError("runs must be at least 1")
    warnings: list[str] = []

    def collect(message: str) -> None:
        warnings.append(message)
        if warn is not None:
            warn(message)

    with tempfile.TemporaryDirectory(prefix="tailor-compare-") as folder:
        output = output_path(resume, resolve_format(resume, None, None, settings.tailoring.output_format), Path(folder))

        def request(schedule: str) -> RunRequest:
            return RunRequest(resume=resume, job=job, output=output, schedule=schedule)

        async with Session(settings, use_cache=False, record_history=False, warn=collect) as session:
            warm_up, _ = await run_with_background(session, request("parallel"))
            warnings.extend(warm_up.warnings)

            async def run_once(schedule: str) -> RunReport:
                return (await run_with_background(session, request(schedule)))[1]

            reports = await alternate(run_once, runs, on_run=on_run)
            graph = session.graph

    profile_name = scale = theory = None
    if warm_up.simulated:
        from tailor.config import load_profile
        from tailor.pipeline.providers.simulated import stage_latencies

        profile_name, scale = settings.simulated.profile, settings.simulated.scale
        latencies = stage_latencies(load_profile(profile_name), scale)
        theory = theoretical_ms(graph, {name: seconds * 1000.0 for name, seconds in latencies.items()})
    return summarise(
        reports,
        provider=session.provider_name,
        simulated=warm_up.simulated,
        profile=profile_name,
        scale=scale,
        theory_ms=theory,
        warnings=warnings,
    )


async def run_with_background(session: Session, request: RunRequest) -> tuple[RunOutcome, RunReport]:
    """One run, then (untimed) its background steps: the report lists them too, marked background.

    Waiting for them keeps one run's background work out of the next run's timings.
    """
    graph = session.graph
    background = [name for name, st in graph.steps.items() if st.background]
    ended: dict[str, Event] = {}
    all_ended = anyio.Event()

    def on_event(event: Event) -> None:
        if event.step in background and event.kind in STATUS_OF_EVENT:
            ended[event.step] = event
            if len(ended) == len(background):
                all_ended.set()

    outcome = await session.tailor(request, on_event=on_event)
    if background:
        with anyio.move_on_after(BACKGROUND_WAIT_S):
            await all_ended.wait()
    extra = tuple(_background_report(graph, ended[name]) for name in background if name in ended)
    report = outcome.report
    return outcome, RunReport(mode=report.mode, wall_ms=report.wall_ms, steps=report.steps + extra)


def _background_report(graph: Graph, event: Event) -> StepReport:
    # The terminal event is sent as the step ends, with its measured duration.
    duration = event.duration_ms or 0.0
    needs = tuple(p for p in graph.steps[event.step].needs if p in graph.steps or p in graph.inputs)
    return StepReport(
        name=event.step,
        needs=needs,
        start_ms=max(0.0, event.at_ms - duration),
        end_ms=event.at_ms,
        attempts=1,
        cache=event.cache or CacheStatus.OFF,
        status=STATUS_OF_EVENT[event.kind],
        background=True,
        error=event.error,
    )
