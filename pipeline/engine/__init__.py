"""A small, fast, dependency-resolved async pipeline engine. Domain-free.

Steps are functions whose parameter names are their inputs; ``Graph`` validates them;
``run`` / ``Engine`` execute them in ``parallel`` (eager), ``waves`` or ``sequential`` mode
and return values plus a ``RunReport``; ``batch_map`` maps over huge inputs in order.
"""

from __future__ import annotations

from tailor.pipeline.engine.batch import ItemResult, batch_map
from tailor.pipeline.engine.graph import Graph, Step, step
from tailor.pipeline.engine.report import CacheStatus, Event, RunReport, StepReport, report_metrics
from tailor.pipeline.engine.runner import (
    Engine,
    Mode,
    RunResult,
    StepCache,
    run,
    run_sync,
)

__all__ = [
    "CacheStatus",
    "Engine",
    "Event",
    "Graph",
    "ItemResult",
    "Mode",
    "RunReport",
    "RunResult",
    "Step",
    "StepCache",
    "StepReport",
    "batch_map",
    "report_metrics",
    "run",
    "run_sync",
    "step",
]
