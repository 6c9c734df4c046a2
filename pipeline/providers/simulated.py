"""The simulated provider: the real local engine plus per-stage latency from a profile.

Each step computes its real result, then sleeps until its stage has taken the
profile's seconds times the scale, so schedules behave as they would against a
slow remote service while the results stay those of the local engine.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import anyio

from tailor.pipeline.engine import Step

if TYPE_CHECKING:
    from tailor.config import LatencyProfile

# Which profile stage each step stands for. The seeds' "ATS scoring" ran beside
# job analysis, reading the resume: here that is resume_profile, so the seed
# profile puts its 15 s there (see config/profiles/seed.yaml).
STAGE_OF_STEP = {
    "validation": "validate",
    "job_profile": "job_analysis",
    "resume_profile": "resume_profile",
    "ats_before": "ats_before",
    "targets": "targets",
    "tailoring": "rewrite",
    "ats_after": "ats_after",
    "rendered": "render",
    "stored": "store",
    "logged": "log",
}


def simulated_steps(steps: Sequence[Step], profile: LatencyProfile, scale: float) -> list[Step]:
    """The pipeline's steps, each delayed by its stage's simulated latency."""
    return [_delayed(s, profile.seconds(STAGE_OF_STEP[s.name], scale)) if s.name in STAGE_OF_STEP else s for s in steps]


def stage_latencies(profile: LatencyProfile, scale: float) -> dict[str, float]:
    """Simulated seconds per step name (steps without a stage take none)."""
    return {name: profile.seconds(stage, scale) for name, stage in STAGE_OF_STEP.items()}


def _delayed(step: Step, seconds: float) -> Step:
    if seconds <= 0:
        return step
    fn = step.fn

    async def delayed(**kwargs: Any) -> Any:
        started = time.perf_counter()
        result = await fn(**kwargs) if step.is_async else fn(**kwargs)
        # The profile gives what the stage takes in all: the real work counts towards it.
        await anyio.sleep(max(0.0, seconds - (time.perf_counter() - started)))
        return result

    return dataclasses.replace(step, fn=delayed)
