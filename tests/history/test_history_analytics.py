"""Analytics on a small history whose every figure is worked out by hand below."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tailor.pipeline.errors import ConfigError
from tailor.pipeline.history import Figures, History, parse_since

from .conftest import NOW, MakeRun, sha

A, B = sha("job A"), sha("job B")

# at,                         mode,      provider,    job, before, after, met,  ms,   hits/lookups
ROWS = [
    (NOW - timedelta(days=10), "full", "local", A, 50, 70, False, 100, 0, 8),  # +20
    (NOW - timedelta(days=6), "full", "local", A, 60, 85, True, 200, 4, 8),  # +25
    (NOW - timedelta(days=5), "partial", "local", B, 70, 75, False, 300, 8, 8),  # +5
    (NOW - timedelta(days=2), "full", "openai", B, 40, 90, True, 400, 2, 8),  # +50
    (NOW - timedelta(hours=1), "partial", "simulated", A, 80, 80, True, 1000, 0, 0),  # +0
    (NOW + timedelta(hours=1), "full", "local", A, 0, 100, True, 9999, 9, 9),  # after `now`: never counted
]


@pytest.fixture
def history(tmp_path: Path, make_run: MakeRun) -> History:
    history = History(tmp_path / "h.sqlite3")
    for at, mode, provider, job, before, after, met, ms, hits, lookups in ROWS:
        history.record(
            make_run(
                at=at,
                mode="parallel" if mode == "full" else "waves",  # the schedule
                tailor_mode=mode,  # --mode
                provider=provider,
                job_sha256=job,
                score_before=before,
                score_after=after,
                target_met=met,
                duration_ms=ms,
                cache_hits=hits,
                cache_lookups=lookups,
            )
        )
    return history


def test_overall_figures(history: History) -> None:
    figures = history.analytics(now=NOW).overall
    assert figures.runs == 5
    assert figures.avg_improvement == pytest.approx(20.0)  # (20 + 25 + 5 + 50 + 0) / 5
    assert figures.target_met_rate == pytest.approx(0.6)  # 3 of 5
    assert figures.avg_duration_ms == pytest.approx(400.0)  # (100 + 200 + 300 + 400 + 1000) / 5
    assert figures.p95_duration_ms == 1000  # nearest rank: ceil(0.95 * 5) = 5th of 5
    assert figures.cache_hit_rate == pytest.approx(14 / 32)  # (0 + 4 + 8 + 2 + 0) / (8 * 4 + 0)


def test_since_keeps_only_the_recent_runs(history: History) -> None:
    analytics = history.analytics(since=timedelta(days=7), now=NOW)
    figures = analytics.overall
    assert analytics.since == NOW - timedelta(days=7) and analytics.until == NOW
    assert figures.runs == 4
    assert figures.avg_improvement == pytest.approx(20.0)  # (25 + 5 + 50 + 0) / 4
    assert figures.target_met_rate == pytest.approx(0.75)
    assert figures.avg_duration_ms == pytest.approx(475.0)  # 1900 / 4
    assert figures.p95_duration_ms == 1000  # ceil(0.95 * 4) = 4th of 4
    assert figures.cache_hit_rate == pytest.approx(14 / 24)
    assert history.analytics(since=timedelta(hours=2), now=NOW).overall.runs == 1
    assert history.analytics(since=timedelta(minutes=30), now=NOW).overall == Figures(0, None, None, None, None, None)


def test_p95_is_the_nearest_rank(tmp_path: Path, make_run: MakeRun) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        for ms in range(20, 0, -1):  # 20 .. 1, inserted out of order
            history.record(make_run(duration_ms=ms))
        assert history.analytics(now=NOW).overall.p95_duration_ms == 19  # ceil(0.95 * 20) = 19th
        history.record(make_run(duration_ms=21))
        assert history.analytics(now=NOW).overall.p95_duration_ms == 20  # ceil(0.95 * 21) = 20th


def test_group_by_schedule_is_the_engines_schedule_and_by_mode_is_tailoring_mode(history: History) -> None:
    # Issue 18: "--by mode" grouped by schedule (parallel/waves); both are offered, named for what they are.
    assert [g.key for g in history.analytics(by="schedule", now=NOW).groups] == ["parallel", "waves"]
    assert [g.key for g in history.analytics(by="mode", now=NOW).groups] == ["full", "partial"]


def test_by_job_names_the_job_by_its_title_and_file(tmp_path: Path, make_run: MakeRun) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        history.record(make_run(job_sha256=A, job_title="Backend Engineer", job_name="backend.md"))
        history.record(make_run(job_sha256=B))  # recorded before titles were kept
        groups = {g.key: g.label for g in history.analytics(by="job", now=NOW).groups}
    assert groups == {A: "Backend Engineer (backend.md)", B: B[:12]}


def test_group_by_mode(history: History) -> None:
    groups = history.analytics(by="mode", now=NOW).groups
    assert [group.key for group in groups] == ["full", "partial"]  # most runs first
    full, partial = groups[0].figures, groups[1].figures
    assert full.runs == 3
    assert full.avg_improvement == pytest.approx(95 / 3)  # 20 + 25 + 50
    assert full.target_met_rate == pytest.approx(2 / 3)
    assert full.avg_duration_ms == pytest.approx(700 / 3)
    assert full.p95_duration_ms == 400
    assert full.cache_hit_rate == pytest.approx(6 / 24)
    assert partial == Figures(2, 2.5, 0.5, 650.0, 1000.0, 1.0)


def test_group_by_provider_and_job(history: History) -> None:
    by_provider = history.analytics(by="provider", now=NOW).groups
    assert [(group.key, group.figures.runs) for group in by_provider] == [("local", 3), ("openai", 1), ("simulated", 1)]
    assert by_provider[2].figures.cache_hit_rate is None  # no lookups at all: no rate, not 0
    by_job = {group.key: group.figures for group in history.analytics(by="job", now=NOW).groups}
    assert by_job[A].runs == 3 and by_job[A].avg_improvement == pytest.approx(15.0)  # (20 + 25 + 0) / 3
    assert by_job[B].runs == 2 and by_job[B].avg_improvement == pytest.approx(27.5)  # (5 + 50) / 2
    assert history.analytics(now=NOW).groups == ()


def test_trend_buckets_over_the_period(history: History) -> None:
    trend = history.analytics(since=timedelta(days=8), buckets=4, now=NOW).trend
    # Four 2-day buckets from now-8d. The run at exactly now-6d opens bucket 1; the one at now-2d opens bucket 3.
    assert [bucket.start for bucket in trend] == [NOW - timedelta(days=d) for d in (8, 6, 4, 2)]
    assert trend[-1].end == NOW
    assert [bucket.runs for bucket in trend] == [0, 2, 0, 2]
    assert [bucket.avg_improvement for bucket in trend] == [None, 15.0, None, 25.0]
    assert [bucket.avg_duration_ms for bucket in trend] == [None, 250.0, None, 700.0]


def test_trend_without_since_spans_first_to_last_run(history: History) -> None:
    trend = history.analytics(buckets=12, now=NOW).trend
    assert len(trend) == 12
    assert trend[0].start == NOW - timedelta(days=10)
    assert trend[-1].end == NOW - timedelta(hours=1)
    assert trend[0].runs == 1 and trend[-1].runs == 1
    assert sum(bucket.runs for bucket in trend) == 5


def test_trend_of_one_run_and_of_none(tmp_path: Path, make_run: MakeRun) -> None:
    with History(tmp_path / "h.sqlite3") as history:
        assert history.analytics(now=NOW).trend == ()
        history.record(make_run())
        (bucket,) = history.analytics(now=NOW).trend
        assert bucket.runs == 1 and bucket.avg_improvement == 20


def test_to_dict_is_json_ready(history: History) -> None:
    data = json.loads(json.dumps(history.analytics(since=timedelta(days=7), by="mode", buckets=2, now=NOW).to_dict()))
    assert data["runs"] == 4 and data["by"] == "mode"
    assert data["since"] == "2025-01-24T12:00:00+00:00" and data["until"] == "2025-01-31T12:00:00+00:00"
    assert [group["key"] for group in data["groups"]] == ["full", "partial"]
    assert data["groups"][1]["runs"] == 2 and data["groups"][1]["p95_duration_ms"] == 1000
    assert [bucket["runs"] for bucket in data["trend"]] == [2, 2]


def test_bad_arguments_are_usage_errors(history: History) -> None:
    with pytest.raises(ConfigError, match="^by: expected one of mode, schedule, provider, job, got 'day'"):
        history.analytics(by="day")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="^buckets: expected at least 1"):
        history.analytics(buckets=0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("12h", timedelta(hours=12)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("45s", timedelta(seconds=45)),
        (" 1.5D ", timedelta(hours=36)),
    ],
)
def test_parse_since(text: str, expected: timedelta) -> None:
    assert parse_since(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "7 days", "-1d", "0h", "1y", "1d2h", "７d"])
def test_parse_since_rejects_unclear_text(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^expected a positive duration like 30m, 12h, 7d or 2w, got"):
        parse_since(text)
