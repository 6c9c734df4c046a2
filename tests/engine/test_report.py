from __future__ import annotations

import json

import pytest

from tailor.pipeline.engine import RunReport, StepReport


def sr(name: str, needs: tuple[str, ...], start: float, end: float, **kw) -> StepReport:
    return StepReport(name=name, needs=needs, start_ms=start, end_ms=end, attempts=kw.pop("attempts", 1),
                      cache=kw.pop("cache", "miss"), status=kw.pop("status", "ok"), **kw)


@pytest.fixture
def hand_report() -> RunReport:
    # a(20) -> b(150), c(100) -> d(10); log is background; "resume" is a run input.
    steps = (
        sr("a", ("resume",), 0, 20),
        sr("c", ("a",), 20, 120),
        sr("b", ("a",), 20, 170),
        sr("d", ("b", "c"), 170, 180),
        sr("log", ("d",), 180, 1180, background=True),
    )
    return RunReport(mode="parallel", wall_ms=200.0, steps=steps)


def test_run_arithmetic_on_a_hand_checked_example(hand_report: RunReport) -> None:
    r = hand_report
    assert r.sequential_ms == pytest.approx(280.0)  # 20 + 100 + 150 + 10, background excluded
    assert r.critical_path == ("a", "b", "d")
    assert r.critical_path_ms == pytest.approx(180.0)
    assert r.savings_ms == pytest.approx(80.0)
    assert r.speedup == pytest.approx(1.4)
    assert r.efficiency == pytest.approx(80 / 280)
    assert r.bound == pytest.approx(0.9)


def test_critical_path_follows_durations_not_declaration(hand_report: RunReport) -> None:
    slower_c = tuple(sr("c", ("a",), 20, 300) if s.name == "c" else s for s in hand_report.steps)
    r = RunReport(mode="waves", wall_ms=320.0, steps=slower_c)
    assert r.critical_path == ("a", "c", "d")
    assert r.critical_path_ms == pytest.approx(310.0)


def test_divisions_by_zero_are_guarded() -> None:
    empty = RunReport(mode="sequential", wall_ms=0.0, steps=())
    assert (empty.sequential_ms, empty.critical_path_ms, empty.critical_path) == (0.0, 0.0, ())
    assert (empty.speedup, empty.efficiency, empty.bound) == (1.0, 0.0, 1.0)
    instant = RunReport(mode="parallel", wall_ms=0.0, steps=(sr("a", (), 0, 0),))
    assert instant.to_dict()["speedup"] == 1.0


def test_to_dict_is_exactly_the_json_report_format(hand_report: RunReport) -> None:
    d = hand_report.to_dict()
    assert list(d) == ["mode", "wall_ms", "sequential_ms", "critical_path_ms", "critical_path",
                       "savings_ms", "speedup", "efficiency", "bound", "steps"]
    assert list(d["steps"][0]) == ["name", "needs", "start_ms", "end_ms", "duration_ms", "attempts",
                                   "cache", "status", "background", "error"]
    assert d["steps"][2] == {"name": "b", "needs": ["a"], "start_ms": 20, "end_ms": 170, "duration_ms": 150,
                             "attempts": 1, "cache": "miss", "status": "ok", "background": False, "error": None}
    assert d["steps"][4]["background"] is True
    assert d["critical_path"] == ["a", "b", "d"]
    assert json.loads(json.dumps(d)) == d


def test_step_reports_are_frozen(hand_report: RunReport) -> None:
    with pytest.raises(AttributeError):
        hand_report.steps[0].status = "failed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        hand_report.wall_ms = 1.0  # type: ignore[misc]
