from __future__ import annotations

import threading
import time

import anyio
import pytest

from tailor.pipeline.engine import Engine, Event, Graph, run, run_sync, step
from tailor.pipeline.errors import StepError, TransientError

from .conftest import Timeline

pytestmark = pytest.mark.anyio


async def test_timeout_fails_the_step_and_counts_each_attempt() -> None:
    @step(timeout=0.02, retries=1, backoff=0.001)
    async def hangs():
        await anyio.sleep(10)

    result = await run(Graph([hangs]), {})
    report = result.report.step("hangs")
    assert report.status == "failed"
    assert report.attempts == 2
    assert "timed out after 0.02s" in report.error
    assert isinstance(result.errors["hangs"], TransientError)
    assert not result.ok


async def test_timeout_also_applies_to_blocking_steps() -> None:
    release = threading.Event()

    @step(timeout=0.02, blocking=True)
    def stuck():
        release.wait(5)

    try:
        result = await run(Graph([stuck]), {})
    finally:
        release.set()
    assert result.report.step("stuck").status == "failed"


async def test_transient_errors_are_retried_until_success() -> None:
    calls: list[float] = []

    @step(retries=3, backoff=0.005)
    async def flaky():
        calls.append(time.perf_counter())
        if len(calls) < 3:
            raise TransientError("rate limited")
        return "done"

    result = await run(Graph([flaky]), {})
    assert result.values["flaky"] == "done"
    assert result.report.step("flaky").attempts == 3
    # Backoff doubles: the second wait is at least the minimum of the doubled, jittered delay.
    assert calls[2] - calls[1] >= 0.005 * 2 * 0.5


async def test_permanent_errors_are_not_retried() -> None:
    calls = 0

    @step(retries=5, backoff=0.001)
    def broken():
        nonlocal calls
        calls += 1
        raise ValueError("bad data")

    result = await run(Graph([broken]), {})
    assert calls == 1
    assert result.report.step("broken").error == "ValueError: bad data"
    with pytest.raises(StepError, match="'broken' failed: ValueError: bad data"):
        result.raise_for_failure()


async def test_retries_give_up_after_the_limit() -> None:
    calls = 0

    @step(retries=2, backoff=0.001)
    async def always():
        nonlocal calls
        calls += 1
        raise TransientError("down")

    result = await run(Graph([always]), {})
    assert calls == 3
    assert result.report.step("always").attempts == 3


async def test_transient_classes_are_configurable_per_step() -> None:
    calls = 0

    @step(retries=2, backoff=0.001, transient=(ConnectionError,))
    def net():
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("reset")
        return calls

    result = await run(Graph([net]), {})
    assert result.values["net"] == 2


async def test_failure_skips_dependents_and_independent_branch_finishes(timeline: Timeline) -> None:
    def boom(x):
        raise RuntimeError("boom")

    def child(boom):
        return boom

    def grandchild(child):
        return child

    graph = Graph([step(boom), child, grandchild, timeline.sleeper("other", 0.02, ("x",))], inputs=["x"])
    result = await run(graph, {"x": 1})
    statuses = {s.name: s.status for s in result.report.steps}
    assert statuses == {"boom": "failed", "child": "skipped", "grandchild": "skipped", "other": "ok"}
    assert result.values == {"other": "other(1)"}
    assert result.report.step("child").error == "needs 'boom' (failed)"
    assert result.report.step("grandchild").error == "needs 'child' (skipped)"
    assert not result.ok


async def test_optional_failure_is_a_warning_and_defaults_stand_in() -> None:
    @step(required=False)
    def enrich(x):
        raise ValueError("service down")

    def with_default(x, enrich=None):
        return (x, enrich)

    def without_default(enrich):
        return enrich

    graph = Graph([enrich, with_default, without_default], inputs=["x"])
    result = await run(graph, {"x": 3})
    assert result.values["with_default"] == (3, None)
    assert result.report.step("enrich").status == "failed"
    assert result.report.step("without_default").status == "skipped"
    assert any("optional step 'enrich' failed" in w for w in result.warnings)
    # without_default is required and could not run, so the run is not ok.
    assert not result.ok
    graph2 = Graph([enrich, with_default], inputs=["x"])
    assert (await run(graph2, {"x": 3})).ok


async def test_required_failure_skips_even_a_parameter_with_default() -> None:
    def source():
        raise ValueError("no")

    def user(source=None):
        return source

    result = await run(Graph([source, user]), {})
    assert result.report.step("user").status == "skipped"


async def test_blocking_step_runs_in_a_worker_thread() -> None:
    main = threading.get_ident()

    @step(blocking=True)
    def where():
        return threading.get_ident()

    def inline():
        return threading.get_ident()

    result = await run(Graph([where, inline]), {})
    assert result.values["where"] != main
    assert result.values["inline"] == main


async def test_background_step_does_not_delay_the_result_and_is_flushed() -> None:
    finished = anyio.Event()

    def result_step(x):
        return x + 1

    @step(background=True)
    async def audit(result_step):
        await anyio.sleep(0.05)
        finished.set()
        return "logged"

    graph = Graph([result_step, audit], inputs=["x"])
    async with Engine(flush_timeout=5) as engine:
        result = await engine.run(graph, {"x": 1})
        assert result.values == {"result_step": 2}
        assert not finished.is_set()  # returned before the background step finished
        assert engine.pending_background == 1
        assert [s.name for s in result.report.steps] == ["result_step"]
    assert finished.is_set()
    assert [(s.name, s.status, s.background) for s in engine.background_reports] == [("audit", "ok", True)]
    full = result.report_with_background()
    assert [s.name for s in full.steps] == ["result_step", "audit"]
    assert full.sequential_ms == result.report.sequential_ms  # background is excluded from run figures
    assert full.to_dict()["steps"][1]["background"] is True


async def test_bounded_flush_cancels_a_hanging_background_step() -> None:
    @step(background=True)
    async def hang(x):
        await anyio.sleep(60)

    graph = Graph([hang], inputs=["x"])
    start = time.perf_counter()
    async with Engine(flush_timeout=0.05) as engine:
        result = await engine.run(graph, {"x": 1})
    elapsed = time.perf_counter() - start
    assert result.ok
    (report,) = engine.background_reports
    assert report.status == "cancelled"
    assert "flush timeout" in report.error
    assert elapsed < 30  # the exit did not wait for the 60 s sleep


async def test_background_failure_is_only_a_warning() -> None:
    def main_step():
        return 1

    @step(background=True)
    def notify(main_step):
        raise ConnectionError("smtp down")

    result = await run(Graph([main_step, notify]), {})
    assert result.ok
    assert result.background_warnings == ("background step 'notify': ConnectionError: smtp down",)


async def test_cancellation_stops_the_run_and_reports_what_finished(timeline: Timeline) -> None:
    graph = Graph(
        [
            timeline.sleeper("quick", 0.01),
            timeline.sleeper("slow", 30),
            timeline.sleeper("after", 0.01, ("slow",)),
        ]
    )
    engine = Engine()
    with anyio.move_on_after(0.2) as scope:
        await engine.run(graph, {})
    assert scope.cancelled_caught
    report = engine.last_report
    assert report is not None
    statuses = {s.name: s.status for s in report.steps}
    assert statuses == {"quick": "ok", "slow": "cancelled", "after": "cancelled"}
    assert report.step("after").error == "not started"
    assert "slow" not in timeline.spans  # the body never completed


async def test_events_describe_the_run() -> None:
    events: list[Event] = []

    def a():
        return 1

    def b(a):
        raise ValueError("x")

    def c(b):
        return 1

    await run(Graph([a, b, c]), {}, on_event=events.append)
    seen = [(e.kind, e.step) for e in events]
    assert seen == [("started", "a"), ("finished", "a"), ("started", "b"), ("failed", "b"), ("skipped", "c")]
    assert events[3].error == "ValueError: x"
    assert events[1].duration_ms is not None and events[1].cache == "off"
    assert all(e2.at_ms >= e1.at_ms for e1, e2 in zip(events, events[1:]))


async def test_a_broken_event_callback_does_not_break_the_run() -> None:
    def callback(event: Event) -> None:
        raise RuntimeError("display broke")

    result = await run(Graph([lambda: 1]), {}, on_event=callback)
    assert result.ok
    assert any("event callback failed" in w for w in result.warnings)


def test_run_sync_from_plain_code() -> None:
    def square(n):
        return n * n

    assert run_sync(Graph([square], inputs=["n"]), {"n": 9}).values == {"square": 81}
