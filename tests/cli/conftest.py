"""CLI tests run against real files, a real diskcache and real SQLite in tmp folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests._samples import SAMPLES as SAMPLE_DATA

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = SAMPLE_DATA
RESUME = SAMPLES / "resumes" / "software_engineer.md"
JOB = SAMPLES / "jobs" / "backend_engineer.md"
OTHER_JOB = SAMPLES / "jobs" / "data_scientist.txt"
BAD = ROOT / "tests" / "data" / "bad"


@pytest.fixture
def tailor_json(tailor):  # type: ignore[no-untyped-def]
    def invoke(*args: str) -> dict[str, Any]:
        code, out, err = tailor(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    return invoke
