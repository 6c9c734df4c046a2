from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NamedTuple

import pytest

from tailor.pipeline.engine import Event, Graph, Step, run, step
from tailor.pipeline.errors import CacheError

pytestmark = pytest.mark.anyio


class Probe(NamedTuple):
    key: tuple
    value: Any
    status: str


class MemoryCache:
    """A real, tiny in-memory StepCache: key = step name, version and direct inputs."""

    def __init__(self) -> None:
        self.data: dict[tuple, Any] = {}
        self.calls: list[tuple[str, dict, dict]] = []

    def probe(self, step: Step, inputs: Mapping[str, Any]) -> Probe:
        key = (step.name, step.version, tuple(sorted(inputs.items())))
        self.calls.append((step.name, dict(inputs), {}))
        if key in self.data:
            return Probe(key, self.data[key], "l1")
        return Probe(key, None, "miss")

    async def fill(self, step: Step, probe: Probe, roots: Mapping[str, Any],
                   compute: Callable[[], Awaitable[Any]]) -> tuple[Any, str]:
        self.calls[-1] = (step.name, self.calls[-1][1], dict(roots))
        value = await compute()
        self.data[probe.key] = value
        return value, "miss"


class BrokenCache:
    """Fails on lookup, or only after computing (as a full disk does on the store)."""

    def __init__(self, fail_after_compute: bool) -> None:
        self.fail_after_compute = fail_after_compute

    def probe(self, step, inputs):
        if not self.fail_after_compute:
            raise CacheError("disk full")
        return Probe((step.name,), None, "miss")

    async def fill(self, step, probe, roots, compute):
        await compute()
        raise CacheError("disk full")


calls: dict[str, int] = {}


def counted(name: str):
    def bump() -> None:
        calls[name] = calls.get(name, 0) + 1
    return bump


@step(cache=True)
def parse_resume(resume):
    counted("parse_resume")()
    return resume.upper()


@step(cache=True)
def parse_job(job):
    counted("parse_job")()
    return job.lower()


@step(cache=False)
def score(parse_resume, parse_job):
    return f"{parse_resume}|{parse_job}"


GRAPH = Graph([parse_resume, parse_job, score], inputs=["resume", "job"])


async def test_cache_statuses_reach_the_report_and_hits_skip_the_work() -> None:
    calls.clear()
    cache = MemoryCache()
    first = await run(GRAPH, {"resume": "r", "job": "J1"}, cache=cache)
    assert {s.name: s.cache for s in first.report.steps} == {"parse_resume": "miss", "parse_job": "miss", "score": "off"}

    events: list[Event] = []
    second = await run(GRAPH, {"resume": "r", "job": "J2"}, cache=cache, on_event=events.append)
    assert {s.name: s.cache for s in second.report.steps} == {"parse_resume": "l1", "parse_job": "miss", "score": "off"}
    assert second.report.step("parse_resume").attempts == 0
    assert second.values["score"] == "R|j2"
    assert calls == {"parse_resume": 1, "parse_job": 2}
    assert ("cached", "parse_resume") in [(e.kind, e.step) for e in events]


async def test_cache_receives_direct_inputs_and_transitive_roots() -> None:
    cache = MemoryCache()

    @step(cache=True)
    def a(resume):
        return 1

    @step(cache=True)
    def b(a, settings):
        return 2

    await run(Graph([a, b], inputs=["resume", "job", "settings"]), {"resume": "R", "job": "J", "settings": "S"},
              cache=cache)
    by_step = {name: (inputs, roots) for name, inputs, roots in cache.calls}
    assert by_step["a"] == ({"resume": "R"}, {"resume": "R"})
    assert by_step["b"] == ({"a": 1, "settings": "S"}, {"resume": "R", "settings": "S"})


@pytest.mark.parametrize("fail_after_compute", [False, True])
async def test_a_failing_cache_never_fails_the_run(fail_after_compute: bool) -> None:
    calls.clear()
    events: list[Event] = []
    result = await run(GRAPH, {"resume": "r", "job": "J"}, cache=BrokenCache(fail_after_compute),
                       on_event=events.append)
    assert result.ok
    assert result.values["score"] == "R|j"
    assert {s.cache for s in result.report.steps} == {"off"}
    assert any("disk full" in w for w in result.warnings)
    assert [e.step for e in events if e.kind == "warning"] == ["parse_resume", "parse_job"]
    assert calls == {"parse_resume": 1, "parse_job": 1}  # computed once even when the cache failed after computing


async def test_a_step_failure_inside_the_cache_is_a_step_failure() -> None:
    def explode(resume):
        raise ValueError("unreadable")

    result = await run(Graph([step(cache=True)(explode)], inputs=["resume"]), {"resume": "x"}, cache=MemoryCache())
    assert result.report.step("explode").status == "failed"
    assert result.report.step("explode").error == "ValueError: unreadable"
    assert not result.warnings
