"""A small, fast, dependency-resolved async pipeline engine. Domain-free.

Steps are functions whose parameter names are their inputs; ``Graph`` validates them;
``run`` / ``Engine`` execute them in ``parallel`` (eager), ``waves`` or ``sequential`` mode
and return values plus a ``RunReport``; ``batch_map`` maps over huge inputs in order.

Each name loads on first use: the cache needs ``report`` and ``graph``, not the runner
and its event loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tailor.pipeline._lazy import exports

if TYPE_CHECKING:
    from tailor.pipeline.engine.batch import ItemResult, batch_map
    from tailor.pipeline.engine.graph import Graph, Step, step
    from tailor.pipeline.engine.report import CacheStatus, Event, RunReport, StepReport, report_metrics
    from tailor.pipeline.engine.runner import Engine, Mode, RunResult, StepCache, run, run_sync

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

__getattr__ = exports(__name__, {
    "ItemResult": "batch", "batch_map": "batch", "Graph": "graph", "Step": "graph", "step": "graph",
    "CacheStatus": "report", "Event": "report", "RunReport": "report", "StepReport": "report",
    "report_metrics": "report", "Engine": "runner", "Mode": "runner", "RunResult": "runner",
    "StepCache": "runner", "run": "runner", "run_sync": "runner",
})
