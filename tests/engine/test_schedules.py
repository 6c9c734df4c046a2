from __future__ import annotations

import pytest

from tailor.pipeline.engine import Engine, Graph, run
from tailor.pipeline.errors import GraphError

from .conftest import Timeline

pytestmark = pytest.mark.anyio
MODES = ("parallel", "waves", "sequential")


def diamond(t: Timeline) -> Graph:
    # a -> (b, c) -> d ; e independent of everything
    return Graph(
        [
            t.sleeper("a", 0.02, ("x",)),
            t.sleeper("b", 0.05, ("a",)),
            t.sleeper("c", 0.05, ("a",)),
            t.sleeper("d", 0.01, ("b", "c")),
            t.sleeper("e", 0.05, ("x",)),
        ],
        inputs=["x"],
    )


async def test_same_results_in_every_mode(timeline: Timeline) -> None:
    graph = diamond(timeline)
    results = [await run(graph, {"x": 7}, mode=m) for m in MODES]
    assert results[0].values["d"] == "d(b(a(7)),c(a(7)))"
    assert all(r.values == results[0].values for r in results)
    assert all(r.ok for r in results)
    assert [r.report.mode for r in results] == list(MODES)


@pytest.mark.parametrize("mode", MODES)
async def test_dependents_never_start_before_their_inputs_end(timeline: Timeline, mode: str) -> None:
    await run(diamond(timeline), {"x": 1}, mode=mode)
    for later, earlier in [("b", "a"), ("c", "a"), ("d", "b"), ("d", "c")]:
        assert timeline.after(later, earlier), (later, earlier, mode)


async def test_parallel_overlaps_independent_steps(timeline: Timeline) -> None:
    result = await run(diamond(timeline), {"x": 1}, mode="parallel")
    assert timeline.overlap("b", "c")
    assert timeline.overlap("a", "e")
    report = result.report
    assert report.step("b").start_ms < report.step("c").end_ms
    assert report.wall_ms < report.sequential_ms


async def test_sequential_runs_one_step_at_a_time_in_topological_order(timeline: Timeline) -> None:
    graph = diamond(timeline)
    result = await run(graph, {"x": 1}, mode="sequential")
    assert timeline.order == list(graph.order)
    spans = sorted(timeline.spans.values())
    assert all(prev[1] <= nxt[0] for prev, nxt in zip(spans, spans[1:]))
    assert result.report.speedup <= 1.0


async def test_waves_wait_for_the_slowest_step_of_the_previous_level(timeline: Timeline) -> None:
    # level 0: fast (10 ms) and slow (150 ms); level 1: after_fast needs only fast.
    steps = [
        timeline.sleeper("fast", 0.01),
        timeline.sleeper("slow", 0.15),
        timeline.sleeper("after_fast", 0.01, ("fast",)),
        timeline.sleeper("after_slow", 0.01, ("slow",)),
    ]
    graph = Graph(steps)
    assert graph.levels == (("fast", "slow"), ("after_fast", "after_slow"))

    await run(graph, {}, mode="waves")
    assert timeline.after("after_fast", "slow")
    assert timeline.overlap("fast", "slow")

    timeline.spans.clear()
    await run(graph, {}, mode="parallel")
    # Eager: after_fast starts the moment fast ends, while slow is still running.
    assert timeline.overlap("after_fast", "slow")


async def test_chain_of_plain_functions_runs_inline_in_every_mode() -> None:
    def make(i: int):
        def body(**kw):
            return kw[f"s{i - 1}"] + 1 if i else 0
        return body

    from tailor.pipeline.engine import Step

    steps = [Step(fn=make(i), name=f"s{i}", needs=(f"s{i - 1}",) if i else ()) for i in range(3000)]
    graph = Graph(steps)
    for mode in MODES:
        result = await run(graph, {}, mode=mode)
        assert result.values["s2999"] == 2999
        assert result.report.critical_path[0] == "s0" and len(result.report.critical_path) == 3000


async def test_missing_run_input_and_bad_mode_are_graph_errors(timeline: Timeline) -> None:
    graph = diamond(timeline)
    with pytest.raises(GraphError, match="missing run inputs: 'x'"):
        await run(graph, {})
    with pytest.raises(GraphError, match="unknown mode 'eager'"):
        await run(graph, {"x": 1}, mode="eager")  # type: ignore[arg-type]


async def test_engine_runs_several_graphs() -> None:
    def double(x):
        return 2 * x

    graph = Graph([double], inputs=["x"])
    async with Engine() as engine:
        values = [(await engine.run(graph, {"x": i})).values["double"] for i in range(3)]
    assert values == [0, 2, 4]
