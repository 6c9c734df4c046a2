"""Summary figures and ranking, on known values."""

from __future__ import annotations

import pytest

from tailor.pipeline.batch import BatchItem, ItemOutcome, Tally, nearest_rank, rank


def outcome(i: int, status: str, ms: float = 0.0, before: float | None = None, after: float | None = None,
            resume: str = "r.md", job: str = "j.md") -> ItemOutcome:
    item = BatchItem(i, resume, job, f"out/{i}.md", f"{i}.md")
    return ItemOutcome(item, status, "boom" if status == "failed" else None, before, after, ms)  # type: ignore[arg-type]


def test_nearest_rank_percentiles_on_known_durations() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [nearest_rank(values, f) for f in (0.5, 0.95, 0.99)] == [50.0, 95.0, 99.0]
    five = [10.0, 20.0, 30.0, 40.0, 1000.0]
    assert [nearest_rank(five, f) for f in (0.5, 0.95, 0.99)] == [30.0, 1000.0, 1000.0]
    assert nearest_rank([7.0], 0.99) == 7.0
    assert nearest_rank([], 0.5) is None


def test_tally_counts_rates_and_percentiles_of_items_that_ran() -> None:
    tally = Tally()
    durations = [40.0, 10.0, 30.0, 20.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    for i, ms in enumerate(durations):
        tally.add(outcome(i, "failed" if i in (1, 2) else "ok", ms, 50, 60))
    tally.add(outcome(10, "skipped", 0.0, 50, 60))
    tally.add(outcome(11, "not_started"))
    s = tally.summary(2000.0)
    assert (s.total, s.succeeded, s.failed, s.skipped, s.not_started) == (12, 8, 2, 1, 1)
    assert s.success_rate == pytest.approx(0.8)
    assert s.items_per_s == pytest.approx(5.0)  # 10 items ran in 2 s; skipped ones are not work
    assert (s.p50_ms, s.p95_ms, s.p99_ms) == (50.0, 100.0, 100.0)
    assert [f.item.index for f in tally.failures] == [1, 2]
    d = s.to_dict()
    assert set(d) >= {"total", "succeeded", "failed", "skipped", "success_rate", "wall_ms", "items_per_s", "p50_ms", "p95_ms", "p99_ms"}


def test_nothing_ran_has_no_percentiles_and_no_failures() -> None:
    tally = Tally()
    tally.add(outcome(0, "skipped", before=1, after=2))
    s = tally.summary(5.0)
    assert s.success_rate == 1.0 and s.items_per_s == 0.0 and s.p50_ms is None


def test_ranking_orders_by_score_after_then_before() -> None:
    outcomes = [
        outcome(0, "ok", before=50, after=70, resume="a", job="j1"),
        outcome(1, "ok", before=60, after=70, resume="a", job="j2"),
        outcome(2, "skipped", before=10, after=90, resume="a", job="j3"),
        outcome(3, "failed", resume="a", job="j4"),
        outcome(4, "ok", before=20, after=75, resume="b", job="j1"),
    ]
    r = rank(outcomes)
    assert [f.other for f in r.by_resume["a"]] == ["j3", "j2", "j1"]
    assert [f.other for f in r.by_job["j1"]] == ["b", "a"]
    assert "j4" not in r.by_job
    assert r.to_dict()["by_resume"]["b"] == [{"job": "j1", "score_after": 75.0, "score_before": 20.0}]
