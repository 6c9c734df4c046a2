"""What a run did and where the time went: per-step reports, run arithmetic, live events."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, Literal

StepStatus = Literal["ok", "failed", "skipped", "cancelled"]
EventKind = Literal["started", "finished", "cached", "failed", "skipped", "cancelled", "warning"]


class CacheStatus(StrEnum):
    """Where a step's result came from. A ``str``: it compares, prints and serialises as its value."""

    MISS = "miss"  # computed now (and stored)
    L1 = "l1"  # this process's memory
    L2 = "l2"  # the second tier: diskcache or Redis
    STALE = "stale"  # past its soft expiry: served, and refreshed in the background
    OFF = "off"  # not looked up: the step is not cached, or the cache is off


FRESH_HITS: frozenset[CacheStatus] = frozenset({CacheStatus.L1, CacheStatus.L2})
HITS: frozenset[CacheStatus] = FRESH_HITS | {CacheStatus.STALE}
LOOKED_UP: frozenset[CacheStatus] = HITS | {CacheStatus.MISS}

# The step status that a terminal event stands for (the one map of event kinds to statuses).
STATUS_OF_EVENT: Mapping[str, StepStatus] = {
    "finished": "ok",
    "cached": "ok",
    "failed": "failed",
    "skipped": "skipped",
    "cancelled": "cancelled",
}
MetricValue = int | float | str

# The metrics of the step the current code runs in; the runner sets it around each step call.
_STEP_METRICS: contextvars.ContextVar[dict[str, MetricValue] | None] = contextvars.ContextVar(
    "tailor_step_metrics", default=None
)


def report_metrics(**values: MetricValue) -> None:
    """Add figures to the running step's report: numbers add up, text replaces. No-op outside a step.

    A step calls it as often as it likes (e.g. once per request it makes); the totals show
    in ``StepReport.metrics`` and in the step's ``finished`` / ``failed`` event.
    """
    metrics = _STEP_METRICS.get()
    if metrics is None:
        return
    for name, value in values.items():
        old = metrics.get(name)
        if isinstance(value, (int, float)) and isinstance(old, (int, float)) and not isinstance(value, bool):
            metrics[name] = old + value
        else:
            metrics[name] = value


@dataclass(frozen=True)
class StepReport:
    """One step of one run. Offsets are milliseconds from the run's start."""

    name: str
    needs: tuple[str, ...]
    start_ms: float
    end_ms: float
    attempts: int
    cache: CacheStatus
    status: StepStatus
    background: bool = False
    error: str | None = None
    metrics: Mapping[str, MetricValue] | None = None  # what the step reported (tokens, fallback, ...)

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    @classmethod
    def _make(cls, name: str, needs: tuple[str, ...], start_ms: float, end_ms: float, attempts: int,
              cache: CacheStatus, status: StepStatus, background: bool, error: str | None,
              metrics: Mapping[str, MetricValue] | None = None) -> StepReport:
        # The generated frozen __init__ pays one object.__setattr__ per field (~1.8 us);
        # the runner builds one report per step, so it fills __dict__ in one go.
        self = object.__new__(cls)
        self.__dict__.update(name=name, needs=needs, start_ms=start_ms, end_ms=end_ms, attempts=attempts,
                             cache=cache, status=status, background=background, error=error, metrics=metrics)
        return self

    def to_dict(self) -> dict[str, Any]:
        data = {
            "name": self.name,
            "needs": list(self.needs),
            "start_ms": round(self.start_ms, 3),
            "end_ms": round(self.end_ms, 3),
            "duration_ms": round(self.duration_ms, 3),
            "attempts": self.attempts,
            "cache": self.cache,
            "status": self.status,
            "background": self.background,
            "error": self.error,
        }
        if self.metrics:  # only when a step reported any: the documented JSON stays as it was otherwise
            data["metrics"] = dict(self.metrics)
        return data


@dataclass(frozen=True)
class RunReport:
    """A run's timings. Background steps are listed but excluded from every run figure.

    sequential = sum of foreground durations; critical path = the longest dependency chain by
    measured durations; savings = sequential - wall; speedup = sequential / wall;
    efficiency = savings / sequential; bound = critical path / wall (1.0 = no scheduler
    could have finished sooner with these step durations).
    """

    mode: str
    wall_ms: float
    steps: tuple[StepReport, ...]

    @cached_property
    def _foreground(self) -> tuple[StepReport, ...]:
        return tuple(s for s in self.steps if not s.background)

    @property
    def sequential_ms(self) -> float:
        return sum(s.duration_ms for s in self._foreground)

    @cached_property
    def _critical(self) -> tuple[float, tuple[str, ...]]:
        by_name = {s.name: s for s in self._foreground}
        finish: dict[str, tuple[float, tuple[str, ...]]] = {}

        def longest(name: str) -> tuple[float, tuple[str, ...]]:
            # Iterative DFS: chains can be thousands of steps deep.
            stack = [name]
            while stack:
                n = stack[-1]
                if n in finish:
                    stack.pop()
                    continue
                deps = [d for d in by_name[n].needs if d in by_name]
                todo = [d for d in deps if d not in finish]
                if todo:
                    stack.extend(todo)
                    continue
                stack.pop()
                best = max((finish[d] for d in deps), key=lambda f: f[0], default=(0.0, ()))
                finish[n] = (best[0] + by_name[n].duration_ms, best[1] + (n,))
            return finish[name]

        return max((longest(n) for n in by_name), key=lambda f: f[0], default=(0.0, ()))

    @property
    def critical_path_ms(self) -> float:
        return self._critical[0]

    @property
    def critical_path(self) -> tuple[str, ...]:
        return self._critical[1]

    @property
    def savings_ms(self) -> float:
        return self.sequential_ms - self.wall_ms

    @property
    def speedup(self) -> float:
        return self.sequential_ms / self.wall_ms if self.wall_ms > 0 else 1.0

    @property
    def efficiency(self) -> float:
        seq = self.sequential_ms
        return self.savings_ms / seq if seq > 0 else 0.0

    @property
    def bound(self) -> float:
        return self.critical_path_ms / self.wall_ms if self.wall_ms > 0 else 1.0

    def step(self, name: str) -> StepReport:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the ``report`` object of the JSON output (DESIGN.md)."""
        return {
            "mode": self.mode,
            "wall_ms": round(self.wall_ms, 3),
            "sequential_ms": round(self.sequential_ms, 3),
            "critical_path_ms": round(self.critical_path_ms, 3),
            "critical_path": list(self.critical_path),
            "savings_ms": round(self.savings_ms, 3),
            "speedup": round(self.speedup, 4),
            "efficiency": round(self.efficiency, 4),
            "bound": round(self.bound, 4),
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True, slots=True)
class Event:
    """A live progress event. ``at_ms`` is the offset from the run's start.

    Kinds: started, finished, cached (a cache hit; sent instead of finished), failed,
    skipped, cancelled, warning (the cache failed and the step was computed without it).
    """

    kind: EventKind
    step: str
    at_ms: float
    duration_ms: float | None = None
    error: str | None = None
    cache: CacheStatus | None = None
    metrics: Mapping[str, MetricValue] | None = None
