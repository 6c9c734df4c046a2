"""Compare tests: real engine, real service, real files; settings isolated in tmp folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from tailor.pipeline.engine import RunReport, StepReport
from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
RESUME = SAMPLE_DATA / "resumes" / "software_engineer.md"
JOB = SAMPLE_DATA / "jobs" / "backend_engineer.md"


@pytest.fixture
def resume_copy(env: dict[str, str], tmp_path: Path) -> Path:
    """The sample resume in its own folder, so a stray output next to it would show."""
    folder = tmp_path / "resumes"
    folder.mkdir()
    dest = folder / RESUME.name
    dest.write_bytes(RESUME.read_bytes())
    return dest


def make_report(mode: str, wall_ms: float, spans: dict[str, tuple[float, float, tuple[str, ...]]], background: tuple[str, ...] = ()) -> RunReport:
    """A hand-built report: name -> (start_ms, end_ms, needs)."""
    steps = tuple(
        StepReport(name=name, needs=needs, start_ms=start, end_ms=end, attempts=1, cache="off", status="ok",
                   background=name in background)
        for name, (start, end, needs) in spans.items()
    )
    return RunReport(mode=mode, wall_ms=wall_ms, steps=steps)
