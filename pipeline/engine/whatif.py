"""What-if: which step is worth optimising?

For each step on the critical path, the critical path is recomputed with that
step's duration scaled (halved by default). The drop is what the best possible
schedule would gain; a step off the critical path gains nothing until it is on it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tailor.pipeline.engine.report import RunReport


@dataclass(frozen=True)
class WhatIf:
    """The effect of speeding one step up."""

    step: str
    duration_ms: float
    critical_path_ms: float  # with the step sped up
    saved_ms: float  # how much shorter the critical path gets

    def to_dict(self) -> dict[str, float | str]:
        return {
            "step": self.step,
            "duration_ms": round(self.duration_ms, 3),
            "critical_path_ms": round(self.critical_path_ms, 3),
            "saved_ms": round(self.saved_ms, 3),
        }


def what_if(report: RunReport, factor: float = 0.5) -> tuple[WhatIf, ...]:
    """For each critical-path step, the critical path if it took ``factor`` of its time."""
    results = []
    for name in report.critical_path:
        original = report.step(name)
        faster = dataclasses.replace(original, end_ms=original.start_ms + original.duration_ms * factor)
        steps = tuple(faster if s.name == name else s for s in report.steps)
        shorter = RunReport(mode=report.mode, wall_ms=report.wall_ms, steps=steps).critical_path_ms
        results.append(WhatIf(name, original.duration_ms, shorter, report.critical_path_ms - shorter))
    return tuple(sorted(results, key=lambda w: -w.saved_ms))
