"""Statistics over runs: medians, min, max, pairwise speedup, theory, JSON shape, verdict."""

from __future__ import annotations

import pytest

from tailor.pipeline.app.compare import (
    FIGURES,
    SCHEDULES,
    ScheduleStats,
    Spread,
    summarise,
    theoretical_ms,
)
from tailor.pipeline.engine import Graph, Step

from .conftest import make_report


def _chain(mode: str, wall: float, a: float, b: float) -> object:
    """Two steps a -> b plus an independent c, with a background step after b."""
    return make_report(
        mode,
        wall,
        {
            "a": (0.0, a, ()),
            "c": (0.0, 1.0, ()),
            "b": (a, a + b, ("a",)),
            "bg": (a + b, a + b + 5.0, ("b",)),
        },
        background=("bg",),
    )


def test_spread_of_known_values() -> None:
    assert Spread.of([3.0, 1.0, 2.0]) == Spread(2.0, 1.0, 3.0)
    assert Spread.of([4.0, 1.0, 2.0, 10.0]) == Spread(3.0, 1.0, 10.0)  # even count: mean of the middle two
    assert Spread.of([7.5]) == Spread(7.5, 7.5, 7.5)
    assert Spread.of(v for v in (5.0, -1.0)) == Spread(2.0, -1.0, 5.0)  # generators and negatives
    with pytest.raises(ValueError):
        Spread.of([])


def test_schedule_figures_are_medians_min_and_max_of_each_report_figure() -> None:
    reports = (_chain("parallel", 12.0, 4.0, 6.0), _chain("parallel", 30.0, 10.0, 15.0), _chain("parallel", 20.0, 5.0, 10.0))
    stats = ScheduleStats("parallel", reports)
    f = stats.figures
    assert set(f) == set(FIGURES)
    assert f["wall_ms"] == Spread(20.0, 12.0, 30.0)
    # sequential = a + b + c (background excluded): 11, 26, 16
    assert f["sequential_ms"] == Spread(16.0, 11.0, 26.0)
    assert f["critical_path_ms"] == Spread(15.0, 10.0, 25.0)
    assert f["savings_ms"] == Spread(-4.0, -4.0, -1.0)  # 11-12, 26-30, 16-20
    assert f["speedup"].max == pytest.approx(11 / 12) and f["speedup"].min == pytest.approx(16 / 20)
    assert stats.median_run is reports[2]  # wall 20 is the median
    assert stats.step_medians() == {"a": 5.0, "c": 1.0, "b": 10.0, "bg": 5.0}


def test_median_run_of_an_even_count_is_the_lower_middle() -> None:
    reports = tuple(_chain("waves", wall, 1.0, 1.0) for wall in (40.0, 10.0, 30.0, 20.0))
    assert ScheduleStats("waves", reports).median_run.wall_ms == 20.0


def _three_rounds(seq_walls: list[float], par_walls: list[float]) -> list[object]:
    reports = []
    for s, p in zip(seq_walls, par_walls):
        reports += [_chain("sequential", s, 5.0, 5.0), _chain("waves", (s + p) / 2, 5.0, 5.0), _chain("parallel", p, 5.0, 5.0)]
    return reports


def test_speedup_is_taken_per_alternation_pair_not_from_the_medians() -> None:
    # Drift: the machine slows down over the rounds; pairs see it, medians of each column would not.
    c = summarise(_three_rounds([20.0, 40.0, 90.0], [10.0, 40.0, 30.0]), provider="local", simulated=False)
    assert c.order == SCHEDULES * 3
    assert c.runs == 3
    assert c.speedup == Spread(2.0, 1.0, 3.0)  # 20/10, 40/40, 90/30
    medians = c.schedules["sequential"].figures["wall_ms"].median / c.schedules["parallel"].figures["wall_ms"].median
    assert medians != pytest.approx(c.speedup.median)  # 40/30: a different (drift-blind) figure
    assert c.ratio("waves", "parallel").min == pytest.approx(1.0)  # (40+40)/2 / 40


def test_summarise_groups_by_the_schedule_each_report_actually_ran() -> None:
    reports = [_chain("parallel", 10.0, 1.0, 1.0), _chain("sequential", 30.0, 1.0, 1.0), _chain("waves", 20.0, 1.0, 1.0)]
    c = summarise(reports, provider="local", simulated=False)
    assert c.order == ("parallel", "sequential", "waves")
    assert [s.figures["wall_ms"].median for s in c.schedules.values()] == [30.0, 20.0, 10.0]
    with pytest.raises(ValueError, match="no runs of waves"):
        summarise(reports[:2], provider="local", simulated=False)
    with pytest.raises(ValueError, match="unknown schedule"):
        summarise([*reports, _chain("eager", 1.0, 1.0, 1.0)], provider="local", simulated=False)


def test_json_shape_and_step_medians() -> None:
    c = summarise(_three_rounds([20.0, 21.0, 22.0], [19.0, 20.0, 21.0]), provider="local", simulated=False)
    data = c.to_dict()
    assert list(data) == ["runs", "provider", "simulated", "sequential", "waves", "parallel", "speedup", "steps", "what_if", "note"]
    for schedule in SCHEDULES:
        obj = data[schedule]
        assert set(FIGURES) <= set(obj) and set(obj["min"]) == set(FIGURES) == set(obj["max"])
        assert obj["min"]["wall_ms"] <= obj["wall_ms"] <= obj["max"]["wall_ms"]
        assert obj["critical_path"] == ["a", "b"]
    assert data["steps"]["b"] == {"sequential": 5.0, "waves": 5.0, "parallel": 5.0}
    assert "bg" in data["steps"]
    assert [w["step"] for w in data["what_if"]] and {w["step"] for w in data["what_if"]} <= {"a", "b"}
    assert set(data["speedup"]) == {"median", "min", "max"}


def test_verdict_says_when_parallelism_cannot_help_and_when_it_does() -> None:
    flat = summarise(_three_rounds([20.0, 21.0, 22.0], [20.0, 20.5, 21.0]), provider="local", simulated=False)
    assert not flat.helps
    assert "cannot help" in flat.note and "tailor batch --workers" in flat.note
    fast = summarise(_three_rounds([30.0, 30.0, 30.0], [20.0, 20.0, 20.0]), provider="simulated", simulated=True,
                     profile="seed", scale=0.01)
    assert fast.helps and "x1.50" in fast.note
    assert fast.note.startswith("Timings are simulated (profile seed x 0.01)")
    assert "tailor batch" not in fast.note
    slow_remote = summarise(_three_rounds([20.0, 20.0, 20.0], [20.0, 20.0, 20.0]), provider="simulated", simulated=True,
                            profile="chain", scale=1.0)
    assert "barely helps" in slow_remote.note


def test_theory_of_the_waves_trap_shape() -> None:
    async def noop(**_: object) -> None:
        return None

    steps = [
        Step(fn=noop, name="rewrite"),
        Step(fn=noop, name="ats_after", needs=("rewrite",)),
        Step(fn=noop, name="render", needs=("rewrite",)),
        Step(fn=noop, name="store", needs=("render",)),
        Step(fn=noop, name="log", needs=("store",), background=True),
    ]
    theory = theoretical_ms(Graph(steps), {"rewrite": 4.0, "ats_after": 12.0, "render": 1.0, "store": 11.0, "log": 99.0})
    assert theory == {"sequential": 28.0, "waves": 27.0, "parallel": 16.0}  # background never counts
