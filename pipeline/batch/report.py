"""A batch's outcome: per-item results, the summary with latency percentiles, and the ranking."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from tailor.pipeline.engine.stats import nearest_rank

Status = Literal["ok", "failed", "skipped", "not_started"]


class BatchItem(NamedTuple):
    """One resume against one job, and where its output goes."""

    index: int  # type: ignore[assignment]  # a field named like tuple.index(), which it shadows on purpose
    resume: str
    job: str
    output: str  # full path under --out
    name: str  # file name under --out (the manifest's key)


class ItemOutcome(NamedTuple):
    """How one item ended. Scores of a skipped item come from the manifest."""

    item: BatchItem
    status: Status
    error: str | None
    score_before: float | None
    score_after: float | None
    duration_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "resume": self.item.resume,
            "job": self.item.job,
            "status": self.status,
            "error": self.error,
            "score_before": _round(self.score_before),
            "score_after": _round(self.score_after),
            "output": self.item.output if self.status in ("ok", "skipped") else None,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class BatchSummary:
    total: int
    succeeded: int
    failed: int
    skipped: int
    not_started: int
    success_rate: float  # succeeded / items that ran; 1.0 when nothing ran (nothing failed)
    wall_ms: float
    items_per_s: float  # items that ran (succeeded + failed) per second of wall time
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "skipped": self.skipped,
            "not_started": self.not_started,
            "success_rate": round(self.success_rate, 4),
            "wall_ms": round(self.wall_ms, 1),
            "items_per_s": round(self.items_per_s, 2),
            "p50_ms": _ms(self.p50_ms),
            "p95_ms": _ms(self.p95_ms),
            "p99_ms": _ms(self.p99_ms),
            "interrupted": self.interrupted,
        }


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@dataclass
class Tally:
    """Counts and per-item durations as outcomes stream in: 8 bytes per item that ran, nothing more."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("ok", "failed", "skipped", "not_started"), 0))
    durations: array = field(default_factory=lambda: array("d"))
    failures: list[ItemOutcome] = field(default_factory=list)

    def add(self, outcome: ItemOutcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status in ("ok", "failed"):
            self.durations.append(outcome.duration_ms)
        if outcome.status == "failed":
            self.failures.append(outcome)

    def summary(self, wall_ms: float, *, interrupted: bool = False) -> BatchSummary:
        ok, failed = self.counts["ok"], self.counts["failed"]
        ran = ok + failed
        ordered = sorted(self.durations)
        return BatchSummary(
            total=sum(self.counts.values()),
            succeeded=ok,
            failed=failed,
            skipped=self.counts["skipped"],
            not_started=self.counts["not_started"],
            success_rate=ok / ran if ran else 1.0,
            wall_ms=wall_ms,
            items_per_s=ran / (wall_ms / 1000.0) if wall_ms > 0 else 0.0,
            p50_ms=nearest_rank(ordered, 0.50),
            p95_ms=nearest_rank(ordered, 0.95),
            p99_ms=nearest_rank(ordered, 0.99),
            interrupted=interrupted,
        )


class Fit(NamedTuple):
    other: str  # the job (in by_resume) or the resume (in by_job)
    score_after: float
    score_before: float


@dataclass(frozen=True)
class Ranking:
    """For each resume its jobs by fit, and for each job its resumes by fit (best first)."""

    by_resume: dict[str, list[Fit]]
    by_job: dict[str, list[Fit]]

    def to_dict(self) -> dict[str, Any]:
        def rows(fits: list[Fit], key: str) -> list[dict[str, Any]]:
            return [{key: f.other, "score_after": round(f.score_after, 1), "score_before": round(f.score_before, 1)} for f in fits]

        return {
            "by_resume": {resume: rows(fits, "job") for resume, fits in self.by_resume.items()},
            "by_job": {job: rows(fits, "resume") for job, fits in self.by_job.items()},
        }


def rank(outcomes: Iterable[ItemOutcome]) -> Ranking:
    """Order by score after tailoring, then before (ties: name) — from every item with scores."""
    by_resume: dict[str, list[Fit]] = {}
    by_job: dict[str, list[Fit]] = {}
    for o in outcomes:
        if o.score_after is None or o.score_before is None:
            continue
        by_resume.setdefault(o.item.resume, []).append(Fit(o.item.job, o.score_after, o.score_before))
        by_job.setdefault(o.item.job, []).append(Fit(o.item.resume, o.score_after, o.score_before))

    def order(fits: list[Fit]) -> list[Fit]:
        return sorted(fits, key=lambda f: (-f.score_after, -f.score_before, f.other))

    return Ranking(
        by_resume={k: order(v) for k, v in by_resume.items()},
        by_job={k: order(v) for k, v in by_job.items()},
    )
