from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tailor.pipeline.history import RunRecord

NOW = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)

MakeRun = Callable[..., RunRecord]


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def make_run() -> MakeRun:
    """A RunRecord with plausible values; any field can be overridden by keyword."""

    def make(**fields: Any) -> RunRecord:
        values: dict[str, Any] = {
            "at": NOW,
            "resume_sha256": sha("resume"),
            "job_sha256": sha("job"),
            "provider": "local",
            "mode": "full",
            "score_before": 50.0,
            "score_after": 70.0,
            "target": 80.0,
            "target_met": False,
            "duration_ms": 100.0,
            "cache_hits": 0,
            "cache_lookups": 8,
        }
        values.update(fields)
        return RunRecord(**values)

    return make
