"""What-if arithmetic on a hand-checked diamond: a -> {b, c} -> d."""

from __future__ import annotations

import pytest

from tailor.pipeline.engine import RunReport, StepReport
from tailor.pipeline.engine.whatif import what_if


def _report() -> RunReport:
    def s(name: str, needs: tuple[str, ...], start: float, end: float) -> StepReport:
        return StepReport(name, needs, start, end, 1, "off", "ok")

    # a 10 ms, b 30 ms, c 10 ms, d 10 ms: critical path a-b-d = 50 ms; a-c-d = 30 ms.
    return RunReport("parallel", 50.0, (s("a", (), 0, 10), s("b", ("a",), 10, 40), s("c", ("a",), 10, 20), s("d", ("b", "c"), 40, 50)))


def test_halving_each_critical_step() -> None:
    report = _report()
    assert report.critical_path == ("a", "b", "d")
    results = {w.step: w for w in what_if(report)}
    assert set(results) == {"a", "b", "d"}  # c is off the critical path
    # b 30 -> 15: a-b-d = 35 still beats a-c-d = 30.
    assert results["b"].critical_path_ms == pytest.approx(35.0)
    assert results["b"].saved_ms == pytest.approx(15.0)
    assert results["a"].saved_ms == pytest.approx(5.0)
    assert results["d"].saved_ms == pytest.approx(5.0)
    assert what_if(report)[0].step == "b"  # the most worth optimising comes first


def test_a_saving_is_capped_by_the_next_longest_path() -> None:
    report = _report()
    # b 30 -> 3: a-b-d = 23 but a-c-d = 30 is now the critical path, so only 20 ms is saved.
    (b,) = [w for w in what_if(report, factor=0.1) if w.step == "b"]
    assert b.critical_path_ms == pytest.approx(30.0)
    assert b.saved_ms == pytest.approx(20.0)
