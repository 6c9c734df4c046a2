"""Running the comparison: alternation, warm-up, background steps, simulated latencies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import pytest

from tailor.config import load_profile, load_settings
from tailor.pipeline.app.compare import (
    SCHEDULES,
    alternate,
    compare_schedules,
    summarise,
)
from tailor.pipeline.engine import Engine, Graph, RunReport, Step
from tailor.pipeline.providers.simulated import stage_latencies

from .conftest import JOB


def _sleepy_graph(log: list[str]) -> Graph:
    def sleeper(name: str) -> Callable[..., Awaitable[str]]:
        async def body(**_: object) -> str:
            log.append(name)
            await anyio.sleep(0.001)
            return name

        return body

    return Graph([
        Step(fn=sleeper("a"), name="a"),
        Step(fn=sleeper("b"), name="b"),
        Step(fn=sleeper("c"), name="c", needs=("a", "b")),
    ])


@pytest.mark.anyio
async def test_alternate_runs_every_schedule_in_turn_on_the_real_engine() -> None:
    log: list[str] = []
    graph = _sleepy_graph(log)
    announced: list[tuple[int, int, str]] = []

    async def run_once(schedule: str) -> RunReport:
        async with Engine() as engine:
            return (await engine.run(graph, {}, mode=schedule)).report  # type: ignore[arg-type]

    reports = await alternate(run_once, 3, on_run=lambda i, n, s: announced.append((i, n, s)))
    # The mode each report records is what the engine actually ran.
    assert [r.mode for r in reports] == ["sequential", "waves", "parallel"] * 3
    assert [a[0] for a in announced] == list(range(1, 10)) and {a[1] for a in announced} == {9}
    assert [a[2] for a in announced] == [r.mode for r in reports]
    assert len(log) == 27  # every run did every step
    c = summarise(reports, provider="local", simulated=False)
    assert c.order == SCHEDULES * 3 and c.runs == 3


@pytest.mark.anyio
async def test_compare_alternates_runs_without_cache_and_writes_nothing_beside_the_resume(resume_copy: Path) -> None:
    settings = load_settings(None, {"provider.name": "local"}).settings
    seen: list[str] = []
    c = await compare_schedules(settings, resume_copy, JOB, 2, on_run=lambda i, n, s: seen.append(s))
    assert c.order == SCHEDULES * 2 and seen == list(SCHEDULES * 2)
    assert not c.simulated and c.provider == "local" and c.theory_ms is None
    for name, stats in c.schedules.items():
        for report in stats.reports:
            assert report.mode == name
            fg = [s for s in report.steps if not s.background]
            assert {s.cache for s in fg} == {"off"}  # cache off: every run did the work
            assert all(s.status == "ok" for s in report.steps)
            (logged,) = [s for s in report.steps if s.background]
            assert logged.name == "logged" and logged.end_ms >= logged.start_ms >= 0.0
    assert sorted(p.name for p in resume_copy.parent.iterdir()) == [resume_copy.name]
    assert not any(Path.cwd().rglob("*.tailored.*"))


@pytest.mark.slow
@pytest.mark.anyio
async def test_simulated_latencies_are_applied_per_step_and_labelled(resume_copy: Path) -> None:
    scale = 0.002
    settings = load_settings(
        None, {"provider.name": "simulated", "simulated.profile": "seed", "simulated.scale": scale}
    ).settings
    c = await compare_schedules(settings, resume_copy, JOB, 2)
    assert c.simulated and c.profile == "seed" and c.scale == scale
    assert c.to_dict()["simulated"] is True and "simulated" in c.note
    latency_ms = {k: v * 1000.0 for k, v in stage_latencies(load_profile("seed"), scale).items()}
    for stats in c.schedules.values():
        for report in stats.reports:
            for s in report.steps:
                assert s.duration_ms >= latency_ms.get(s.name, 0.0) - 1e-6, s.name
    # Durations follow the profile's order (30 > 15 > 10 > 1 units), in every schedule.
    for schedule in SCHEDULES:
        medians = {name: by[schedule] for name, by in c.steps.items()}
        assert medians["tailoring"] > medians["resume_profile"] > medians["ats_after"] > medians["targets"]
    assert c.theory_ms == pytest.approx({"sequential": 150.0, "waves": 120.0, "parallel": 116.0})
